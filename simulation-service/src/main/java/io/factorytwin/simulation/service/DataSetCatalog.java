package io.factorytwin.simulation.service;

import io.factorytwin.support.data.DataSets;
import io.factorytwin.support.error.InvalidArgumentException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The weather, grid-carbon and workload files that jobs may name, from the data folder. */
@ApplicationScoped
public class DataSetCatalog {

  /** What a data set holds; each kind lives in its own subfolder of the data folder. */
  public enum Kind {
    WEATHER("weather"),
    CARBON_INTENSITY("carbon-intensity"),
    WORKLOAD("workload");

    final String folder;

    Kind(String folder) {
      this.folder = folder;
    }

    static Kind ofName(String name) {
      String folder = name.substring(0, Math.max(0, name.indexOf('/')));
      for (Kind kind : values()) {
        if (kind.folder.equals(folder)) {
          return kind;
        }
      }
      return null;
    }
  }

  /** One data set file. */
  public record DataSetInfo(String name, Kind kind, long sizeBytes, Instant modified) {}

  /** One page of data sets and the name to continue after, null on the last page. */
  public record Page(List<DataSetInfo> dataSets, String nextAfter) {}

  static final int DEFAULT_PAGE_SIZE = 50;
  static final int MAX_PAGE_SIZE = 1000;

  private final DataSets dataSets;

  DataSetCatalog(DataSets dataSets) {
    this.dataSets = dataSets;
  }

  /**
   * Lists data sets sorted by name, after the given name.
   *
   * @param kinds the kinds to list
   * @param pageSize requested page size, 0 for the default
   * @param after the last name of the previous page, or null for the first page
   */
  public Page list(List<Kind> kinds, int pageSize, String after) {
    if (pageSize < 0) {
      throw new InvalidArgumentException("page_size", "must not be negative");
    }
    int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
    List<String> names = new ArrayList<>();
    for (Kind kind : kinds) {
      names.addAll(dataSets.list(kind.folder));
    }
    names.sort(null);
    List<DataSetInfo> page = new ArrayList<>();
    for (String name : names) {
      if (after != null && name.compareTo(after) <= 0) {
        continue;
      }
      if (page.size() == size) {
        return new Page(page, page.getLast().name());
      }
      page.add(describe(name, dataSets.resolve("name", name)));
    }
    return new Page(page, null);
  }

  /** Returns one data set; the name is checked against the data folder first. */
  public DataSetInfo get(String name) {
    // The kind is checked first, so files at the top of the folder stay invisible.
    if (name == null || Kind.ofName(name) == null) {
      throw new InvalidArgumentException(
          "name",
          "a data set name starts with its subfolder: weather/, carbon-intensity/ or workload/"
              + " (ListDataSets shows the names)");
    }
    return describe(name, dataSets.resolve("name", name));
  }

  private static DataSetInfo describe(String name, Path file) {
    try {
      return new DataSetInfo(
          name, Kind.ofName(name), Files.size(file), Files.getLastModifiedTime(file).toInstant());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
