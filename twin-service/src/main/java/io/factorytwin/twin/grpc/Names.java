package io.factorytwin.twin.grpc;

import io.factorytwin.support.error.InvalidArgumentException;
import java.util.regex.Pattern;

/** Parses the contract's resource names; a malformed name fails with the field it came in. */
final class Names {

  private static final Pattern TWIN_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final Pattern REVISION_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final int MAX_ELEMENT_ID_CHARS = 400;

  /** A name with the twin it belongs to and the id after the collection segment. */
  record Child(String twinId, String id) {}

  private Names() {}

  static String twinId(String id, String field) {
    if (!TWIN_ID.matcher(id).matches()) {
      throw new InvalidArgumentException(
          field,
          "must be lower-case letters, digits and hyphens, starting with a letter, at most 63"
              + " characters; got '"
              + shorten(id)
              + "'");
    }
    return id;
  }

  /** `twins/{twin}`. */
  static String twin(String name, String field) {
    if (!name.startsWith("twins/")) {
      throw expected(field, "twins/{twin}", name);
    }
    return twinId(name.substring("twins/".length()), field);
  }

  /** `twins/{twin}/{collection}/{id}`. */
  static Child child(String name, String collection, String field) {
    String marker = "/" + collection + "/";
    int at = name.indexOf(marker);
    if (!name.startsWith("twins/") || at < 0) {
      throw expected(field, "twins/{twin}/" + collection + "/{id}", name);
    }
    String twinId = twinId(name.substring("twins/".length(), at), field);
    String id = name.substring(at + marker.length());
    if (id.isEmpty() || id.length() > MAX_ELEMENT_ID_CHARS || id.indexOf('/') >= 0) {
      throw expected(field, "twins/{twin}/" + collection + "/{id}", name);
    }
    if (collection.equals("revisions") && !REVISION_ID.matcher(id).matches()) {
      throw expected(field, "twins/{twin}/revisions/{revision}", name);
    }
    return new Child(twinId, id);
  }

  /** An optional revision name of the given twin; returns null when empty. */
  static String revision(String name, String twinId, String field) {
    if (name.isEmpty()) {
      return null;
    }
    Child revision = child(name, "revisions", field);
    if (!revision.twinId().equals(twinId)) {
      throw new InvalidArgumentException(field, "must be a revision of twins/" + twinId);
    }
    return revision.id();
  }

  static String node(String twinId, String nodeId) {
    return "twins/" + twinId + "/nodes/" + nodeId;
  }

  static String point(String twinId, String pointId) {
    return "twins/" + twinId + "/points/" + pointId;
  }

  static String revisionName(String twinId, String revisionId) {
    return "twins/" + twinId + "/revisions/" + revisionId;
  }

  private static InvalidArgumentException expected(String field, String form, String got) {
    return new InvalidArgumentException(
        field, "must have the form " + form + "; got '" + shorten(got) + "'");
  }

  private static String shorten(String value) {
    return value.length() <= 80 ? value : value.substring(0, 80) + "…";
  }
}
