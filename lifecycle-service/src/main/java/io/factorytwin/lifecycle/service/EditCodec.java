package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.DesignEdit;
import java.util.List;

/**
 * Decodes the stored edits of a change notice. The mapping package implements it, because the edits
 * are stored in the contract's encoding and only that package reads contract classes.
 */
public interface EditCodec {

  /** Returns the edits of a stored change notice, with request paths under {@code edits}. */
  List<DesignEdit> decode(byte[] stored);
}
