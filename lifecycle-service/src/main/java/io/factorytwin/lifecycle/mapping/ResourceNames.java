package io.factorytwin.lifecycle.mapping;

import io.factorytwin.lifecycle.model.RevisionLabels;
import io.factorytwin.support.error.InvalidArgumentException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and checks the catalog's resource names and client-chosen ids. */
public final class ResourceNames {

  /** A client-chosen id: lower-case letters, digits and hyphens, starting with a letter. */
  static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private static final Pattern PART = Pattern.compile("parts/([^/]+)");
  private static final Pattern REVISION = Pattern.compile("parts/([^/]+)/revisions/([^/]+)");

  /**
   * A part revision's address.
   *
   * @param partId the part id
   * @param number the revision number, 1 for revision A
   */
  public record RevisionName(String partId, int number) {}

  private static final Pattern DESIGN = Pattern.compile("designs/([^/]+)");
  private static final Pattern DESIGN_REVISION =
      Pattern.compile("designs/([^/]+)/revisions/([^/]+)");

  /**
   * A design revision's address.
   *
   * @param designId the design id
   * @param number the revision number, 1 for revision A
   */
  public record DesignRevisionName(String designId, int number) {}

  private static final Pattern CHANGE = Pattern.compile("designs/([^/]+)/changes/([^/]+)");
  private static final Pattern ALTERNATIVE =
      Pattern.compile("designs/([^/]+)/alternatives/([^/]+)");

  /**
   * The address of a resource under a design: a change notice or an alternative.
   *
   * @param designId the design id
   * @param id the id of the change notice or alternative within the design
   */
  public record DesignChildName(String designId, String id) {}

  private static final Pattern PUBLICATION =
      Pattern.compile("designs/([^/]+)/revisions/([^/]+)/publications/([^/]+)");

  /** A server-assigned id: lower-case letters, digits and hyphens. */
  private static final Pattern SERVER_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  /**
   * A publication's address.
   *
   * @param designId the design id
   * @param number the revision number, 1 for revision A
   * @param id the publication id within the revision
   */
  public record PublicationName(String designId, int number, String id) {}

  private static final Pattern TWIN = Pattern.compile("twins/([^/]+)");

  private ResourceNames() {}

  /**
   * Returns the address of {@code designs/{design}/changes/{change}}; fails with INVALID_ARGUMENT
   * on the field.
   */
  public static DesignChildName change(String name, String field) {
    return designChild(name, field, CHANGE, "designs/{design}/changes/{change}");
  }

  /**
   * Returns the address of {@code designs/{design}/alternatives/{alternative}}; fails with
   * INVALID_ARGUMENT on the field.
   */
  public static DesignChildName alternative(String name, String field) {
    return designChild(name, field, ALTERNATIVE, "designs/{design}/alternatives/{alternative}");
  }

  private static DesignChildName designChild(
      String name, String field, Pattern pattern, String format) {
    Matcher matcher = pattern.matcher(name);
    if (!matcher.matches()
        || !ID.matcher(matcher.group(1)).matches()
        || !ID.matcher(matcher.group(2)).matches()) {
      throw new InvalidArgumentException(
          field, name.isEmpty() ? "required" : "must be " + format + ", got '" + clip(name) + "'");
    }
    return new DesignChildName(matcher.group(1), matcher.group(2));
  }

  /**
   * Returns the design id of {@code designs/{design}}; fails with INVALID_ARGUMENT on the field.
   */
  public static String design(String name, String field) {
    Matcher matcher = DESIGN.matcher(name);
    if (!matcher.matches() || !ID.matcher(matcher.group(1)).matches()) {
      throw new InvalidArgumentException(
          field,
          name.isEmpty() ? "required" : "must be designs/{design}, got '" + clip(name) + "'");
    }
    return matcher.group(1);
  }

  /**
   * Returns the address of {@code designs/{design}/revisions/{revision}}; fails with
   * INVALID_ARGUMENT on the field.
   */
  public static DesignRevisionName designRevision(String name, String field) {
    Matcher matcher = DESIGN_REVISION.matcher(name);
    int number = matcher.matches() ? RevisionLabels.number(matcher.group(2)) : -1;
    if (number < 1 || !ID.matcher(matcher.group(1)).matches()) {
      throw new InvalidArgumentException(
          field,
          name.isEmpty()
              ? "required"
              : "must be designs/{design}/revisions/{revision} with a lower-case revision letter"
                  + " such as 'a', got '"
                  + clip(name)
                  + "'");
    }
    return new DesignRevisionName(matcher.group(1), number);
  }

  /**
   * Returns the address of {@code
   * designs/{design}/revisions/{revision}/publications/{publication}}; fails with INVALID_ARGUMENT
   * on the field.
   */
  public static PublicationName publication(String name, String field) {
    Matcher matcher = PUBLICATION.matcher(name);
    int number = matcher.matches() ? RevisionLabels.number(matcher.group(2)) : -1;
    if (number < 1
        || !ID.matcher(matcher.group(1)).matches()
        || !SERVER_ID.matcher(matcher.group(3)).matches()) {
      throw new InvalidArgumentException(
          field,
          name.isEmpty()
              ? "required"
              : "must be designs/{design}/revisions/{revision}/publications/{publication}, got '"
                  + clip(name)
                  + "'");
    }
    return new PublicationName(matcher.group(1), number, matcher.group(3));
  }

  /** Returns the twin id of {@code twins/{twin}}; fails with INVALID_ARGUMENT on the field. */
  public static String twin(String name, String field) {
    Matcher matcher = TWIN.matcher(name);
    if (!matcher.matches() || !ID.matcher(matcher.group(1)).matches()) {
      throw new InvalidArgumentException(
          field,
          name.isEmpty()
              ? "required"
              : "must be twins/{twin}, where the twin id has lower-case letters, digits and"
                  + " hyphens, starts with a letter and has at most 63 characters; got '"
                  + clip(name)
                  + "'");
    }
    return matcher.group(1);
  }

  /** Checks a client-chosen part id; fails with INVALID_ARGUMENT on the given field. */
  public static String partId(String id, String field) {
    if (!ID.matcher(id).matches()) {
      throw new InvalidArgumentException(
          field,
          id.isEmpty()
              ? "required"
              : "must be lower-case letters, digits and hyphens, start with a letter and have at"
                  + " most 63 characters");
    }
    return id;
  }

  /** Returns the part id of {@code parts/{part}}; fails with INVALID_ARGUMENT on the field. */
  public static String part(String name, String field) {
    Matcher matcher = PART.matcher(name);
    if (!matcher.matches() || !ID.matcher(matcher.group(1)).matches()) {
      throw new InvalidArgumentException(
          field, name.isEmpty() ? "required" : "must be parts/{part}, got '" + clip(name) + "'");
    }
    return matcher.group(1);
  }

  /**
   * Returns the address of {@code parts/{part}/revisions/{revision}}; fails with INVALID_ARGUMENT
   * on the field.
   */
  public static RevisionName revision(String name, String field) {
    Matcher matcher = REVISION.matcher(name);
    int number = matcher.matches() ? RevisionLabels.number(matcher.group(2)) : -1;
    if (number < 1 || !ID.matcher(matcher.group(1)).matches()) {
      throw new InvalidArgumentException(
          field,
          name.isEmpty()
              ? "required"
              : "must be parts/{part}/revisions/{revision} with a lower-case revision letter such"
                  + " as 'b', got '"
                  + clip(name)
                  + "'");
    }
    return new RevisionName(matcher.group(1), number);
  }

  /** Shortens a value quoted in an error message, so a huge input does not flood it. */
  static String clip(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "...";
  }
}
