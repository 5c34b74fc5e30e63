package io.factorytwin.support.data;

import io.factorytwin.support.config.ServiceConfig;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Resolves data set names (weather, grid carbon, workload traces) inside the one configured folder,
 * {@code FACTORYTWIN_DATA_DIR}. A caller names a data set such as {@code
 * weather/USA_VA_Leesburg.Exec.epw}, never a path: absolute names, {@code ..} segments and links
 * that lead out of the folder are rejected.
 */
@ApplicationScoped
public class DataSets {

  /** Relative names of lower- and upper-case words, digits, dots, hyphens and underscores. */
  static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}(/[A-Za-z0-9][A-Za-z0-9._-]{0,199}){0,3}");

  private final ServiceConfig config;

  public DataSets(ServiceConfig config) {
    this.config = config;
  }

  /**
   * Returns the real path of a data set.
   *
   * @param field the request field that carried the name, for the error details
   * @param name the data set name relative to the data folder
   * @throws InvalidArgumentException if the name is not a plain relative name or leads outside
   * @throws NotFoundException if no such file exists in the folder
   * @throws FailedPreconditionException if the service has no data folder configured
   */
  public Path resolve(String field, String name) {
    Path root = root();
    if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
      throw new InvalidArgumentException(
          field,
          "a data set is named relative to the data folder, such as"
              + " 'weather/USA_VA_Leesburg.Exec.epw'; paths and '..' are not accepted");
    }
    Path candidate = root.resolve(name).normalize();
    if (!candidate.startsWith(root)) {
      throw new InvalidArgumentException(field, "the data set name leads outside the data folder");
    }
    if (!Files.isRegularFile(candidate)) {
      throw new NotFoundException("dataSets/" + name);
    }
    try {
      Path real = candidate.toRealPath();
      if (!real.startsWith(root.toRealPath())) {
        throw new InvalidArgumentException(
            field, "the data set is a link that leads outside the data folder");
      }
      return real;
    } catch (IOException e) {
      throw new NotFoundException("dataSets/" + name);
    }
  }

  /** Lists the data set names under a subfolder such as {@code weather}, sorted. */
  public List<String> list(String folder) {
    Path root = root();
    Path dir = root.resolve(folder).normalize();
    if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files
          .map(path -> root.relativize(path).toString())
          .filter(this::isServable)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Returns whether {@link #resolve} would accept the name, so listings offer only those. */
  private boolean isServable(String name) {
    try {
      resolve("name", name);
      return true;
    } catch (InvalidArgumentException | NotFoundException e) {
      return false;
    }
  }

  private Path root() {
    String dir = config.dataDir().filter(value -> !value.isBlank()).orElse(null);
    if (dir == null) {
      throw new FailedPreconditionException(
          "DATA_SET_NOT_FOUND",
          List.of(
              new FailedPreconditionException.Violation(
                  "CONFIGURATION",
                  "FACTORYTWIN_DATA_DIR",
                  "no data folder is configured; set FACTORYTWIN_DATA_DIR to the folder that"
                      + " holds weather/, carbon-intensity/ and workload/")));
    }
    return Path.of(dir).toAbsolutePath().normalize();
  }
}
