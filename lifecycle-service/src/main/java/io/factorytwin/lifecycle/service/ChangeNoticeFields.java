package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.DesignEdit;
import java.util.List;

/**
 * The client-writable fields of a change notice, checked against the contract's limits.
 *
 * @param encodedEdits the contract's encoding of the edits, stored as sent
 * @param edits the same edits as the service applies them
 */
public record ChangeNoticeFields(
    String title, String description, byte[] encodedEdits, List<DesignEdit> edits) {}
