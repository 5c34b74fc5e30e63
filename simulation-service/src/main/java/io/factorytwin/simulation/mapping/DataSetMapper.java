package io.factorytwin.simulation.mapping;

import com.google.protobuf.Timestamp;
import io.factorytwin.simulation.service.DataSetCatalog;
import io.factorytwin.simulation.v1.DataSet;
import io.factorytwin.simulation.v1.DataSetKind;
import io.factorytwin.support.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/** Converts data sets between the contract and the catalog, and encodes page tokens. */
public final class DataSetMapper {

  private DataSetMapper() {}

  public static DataSet toProto(DataSetCatalog.DataSetInfo info) {
    return DataSet.newBuilder()
        .setName(info.name())
        .setFileName(info.name().substring(info.name().indexOf('/') + 1))
        .setKind(toProto(info.kind()))
        .setSizeBytes(info.sizeBytes())
        .setUpdateTime(
            Timestamp.newBuilder()
                .setSeconds(info.modified().getEpochSecond())
                .setNanos(info.modified().getNano()))
        .build();
  }

  static DataSetKind toProto(DataSetCatalog.Kind kind) {
    return switch (kind) {
      case WEATHER -> DataSetKind.DATA_SET_KIND_WEATHER;
      case CARBON_INTENSITY -> DataSetKind.DATA_SET_KIND_CARBON_INTENSITY;
      case WORKLOAD -> DataSetKind.DATA_SET_KIND_WORKLOAD;
    };
  }

  /** Returns the catalog kinds a request asks for: one, or all when unspecified. */
  public static List<DataSetCatalog.Kind> kinds(DataSetKind kind) {
    return switch (kind) {
      case DATA_SET_KIND_UNSPECIFIED -> Arrays.asList(DataSetCatalog.Kind.values());
      case DATA_SET_KIND_WEATHER -> List.of(DataSetCatalog.Kind.WEATHER);
      case DATA_SET_KIND_CARBON_INTENSITY -> List.of(DataSetCatalog.Kind.CARBON_INTENSITY);
      case DATA_SET_KIND_WORKLOAD -> List.of(DataSetCatalog.Kind.WORKLOAD);
      case UNRECOGNIZED -> throw new InvalidArgumentException("kind", "unknown data set kind");
    };
  }

  /**
   * Encodes the kind filter and the last name of a page as an opaque token; empty for the last
   * page. The filter is part of the token, so a token cannot continue a different listing.
   */
  public static String pageToken(DataSetKind kind, String after) {
    if (after == null) {
      return "";
    }
    String plain = kind.getNumber() + "|" + after;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(plain.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a page token to the name to continue after; null for the first page. */
  public static String after(DataSetKind kind, String pageToken) {
    if (pageToken.isEmpty()) {
      return null;
    }
    String plain;
    try {
      plain = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalidToken();
    }
    int separator = plain.indexOf('|');
    if (separator < 0 || !plain.substring(0, separator).equals(String.valueOf(kind.getNumber()))) {
      throw invalidToken();
    }
    return plain.substring(separator + 1);
  }

  private static InvalidArgumentException invalidToken() {
    return new InvalidArgumentException(
        "page_token", "not a token that ListDataSets returned for this kind; start without one");
  }
}
