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

  /** Encodes the last name of a page as an opaque token; empty for the last page. */
  public static String pageToken(String after) {
    return after == null
        ? ""
        : Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(after.getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a page token to the name to continue after; null for the first page. */
  public static String after(String pageToken) {
    if (pageToken.isEmpty()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("page_token", "not a token returned by ListDataSets");
    }
  }
}
