package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignEdit;
import io.factorytwin.lifecycle.model.RevisionContent;
import java.util.List;

/**
 * A parsed and checked YAML design document, ready to import. Every entry carries its element path
 * in the document, such as {@code parts[2].revisions[0]}, so a failure found while storing it names
 * the element.
 *
 * @param locator finds the line and column of an element path
 */
public record DesignDocument(
    List<PartEntry> parts, List<DesignEntry> designs, DocumentLocator locator) {

  /** A catalog part with the revisions the document lists for it, oldest first. */
  public record PartEntry(
      String path, String partId, PartFields fields, List<RevisionEntry> revisions) {}

  /**
   * One part revision. The position in the part's list is its letter: the first entry is revision
   * A.
   *
   * @param release whether the import submits and releases the revision after creating it
   */
  public record RevisionEntry(String path, RevisionContent content, boolean release) {}

  /**
   * A design and the content of the one revision the import creates.
   *
   * @param content the site, setpoints and change summary; halls, rows and groups go in edits
   * @param edits halls, rows, placements, connections and redundancy groups in that order, each
   *     carrying its element path
   */
  public record DesignEntry(
      String path,
      String designId,
      DesignFields fields,
      DesignContent content,
      List<DesignEdit> edits,
      List<AlternativeEntry> alternatives) {}

  /** An alternative of the revision that the import creates for its design. */
  public record AlternativeEntry(String path, String alternativeId, AlternativeFields fields) {}

  /** Finds where an element path starts in the document text. */
  public interface DocumentLocator {

    /**
     * Returns the 1-based line and column of the element at the path, or of the nearest enclosing
     * element that has a position; {0, 0} when none has.
     */
    int[] locate(String path);
  }
}
