package io.factorytwin.control.service;

import io.factorytwin.support.error.InvalidArgumentException;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of resource names and ids in requests. */
public final class Names {

  /** An id: 1 to 63 lower-case letters, digits and hyphens, starting with a letter. */
  public static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  private static final Pattern POINT =
      Pattern.compile("twins/([a-z0-9][a-z0-9-]{0,62})/points/([^/]{1,500})");

  private Names() {}

  /** Returns the id of {@code collection/{id}}; INVALID_ARGUMENT on the field when malformed. */
  public static String id(String name, String collection, String field) {
    String prefix = collection + "/";
    if (name == null
        || !name.startsWith(prefix)
        || !ID.matcher(name.substring(prefix.length())).matches()) {
      throw new InvalidArgumentException(
          field,
          "required: "
              + collection
              + "/{id}, with an id of lower-case letters, digits and hyphens");
    }
    return name.substring(prefix.length());
  }

  /** Returns the twin name of a point name, or null when it is not {@code twins/{t}/points/{p}}. */
  public static String twinOf(String pointName) {
    Matcher matcher = POINT.matcher(pointName == null ? "" : pointName);
    return matcher.matches() ? "twins/" + matcher.group(1) : null;
  }

  /** Returns the point id, the last segment of a point name. */
  public static String pointId(String pointName) {
    return pointName.substring(pointName.lastIndexOf('/') + 1);
  }

  /** Returns whether the text is a UUID in its canonical form. */
  public static boolean isUuid(String text) {
    try {
      return text != null
          && text.length() == 36
          && UUID.fromString(text).toString().equalsIgnoreCase(text);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
