package io.factorytwin.lifecycle.service;

import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.RevisionContent;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import java.util.List;

/**
 * The contract's rules for the content of a part revision. The content is encoded in the contract's
 * messages, so the mapping layer implements this.
 */
public interface SpecRules {

  /**
   * Checks a revision's content for a part of the given class: finite numbers within their ranges,
   * only fields the class can use, unique port ids, sources that name spec fields.
   *
   * @param fieldPrefix the request path of the revision, such as {@code part_revision}
   * @return one violation per bad field, empty when the content is valid
   */
  List<FieldViolation> validate(
      EquipmentClass equipmentClass, RevisionContent content, String fieldPrefix);

  /**
   * Returns the paths of the fields, relative to PartRevision, that the class requires before a
   * revision can be submitted and that the content lacks, such as {@code spec} or {@code
   * spec.rack}.
   */
  List<String> missingForSubmit(EquipmentClass equipmentClass, RevisionContent content);
}
