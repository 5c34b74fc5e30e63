package io.factorytwin.lifecycle.service;

import java.util.List;

/**
 * One result of a design rule check.
 *
 * @param element the element the finding is about
 * @param rule the rule id, one of {@link DesignChecker#RULES}
 * @param message what is wrong and how to fix it, with the numbers involved
 * @param related other elements involved, such as the other end of a connection
 */
public record Finding(
    Severity severity, Element element, String rule, String message, List<Element> related) {

  /** Severity in ascending order of weight; only ERROR blocks a release. */
  public enum Severity {
    INFO,
    WARNING,
    ERROR
  }

  /** Kind of a referenced element, named as the contract's ElementReference kinds. */
  public enum Kind {
    SITE,
    HALL,
    ROW,
    PLACEMENT,
    CONNECTION,
    REDUNDANCY_GROUP,
    SETPOINTS,
    PART_REVISION
  }

  /** A reference to an element: its id in the revision, or a part revision's resource name. */
  public record Element(Kind kind, String id) {}
}
