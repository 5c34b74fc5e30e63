package io.factorytwin.support.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.factorytwin.support.config.ServiceConfig;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSetsTest {

  @TempDir Path root;
  @TempDir Path outside;

  private DataSets dataSets;

  @BeforeEach
  void createDataFolder() throws IOException {
    Files.createDirectories(root.resolve("weather"));
    Files.writeString(root.resolve("weather/site.epw"), "LOCATION,x\n");
    Files.writeString(outside.resolve("secret.txt"), "not a data set\n");
    dataSets = new DataSets(config(Optional.of(root.toString())));
  }

  @Test
  void resolve_plainName_returnsFileInFolder() throws IOException {
    assertThat(dataSets.resolve("weather", "weather/site.epw"))
        .isEqualTo(root.resolve("weather/site.epw").toRealPath());
  }

  @Test
  void resolve_pathsOutsideFolder_areInvalidArguments() {
    for (String name :
        new String[] {
          "../secret.txt",
          "weather/../../secret.txt",
          outside.resolve("secret.txt").toString(),
          "/etc/passwd",
          "weather\\..\\x",
          "",
          "weather//site.epw"
        }) {
      assertThatThrownBy(() -> dataSets.resolve("weather_data_set", name))
          .as(name)
          .isInstanceOf(InvalidArgumentException.class)
          .satisfies(
              e ->
                  assertThat(((InvalidArgumentException) e).violations().getFirst().field())
                      .isEqualTo("weather_data_set"));
    }
  }

  @Test
  void resolve_linkLeadingOutside_isInvalidArgument() throws IOException {
    Files.createSymbolicLink(root.resolve("weather/escape.epw"), outside.resolve("secret.txt"));

    assertThatThrownBy(() -> dataSets.resolve("weather_data_set", "weather/escape.epw"))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void resolve_missingFile_isNotFound() {
    assertThatThrownBy(() -> dataSets.resolve("weather_data_set", "weather/none.epw"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void resolve_withoutDataFolder_isFailedPrecondition() {
    DataSets unconfigured = new DataSets(config(Optional.empty()));

    assertThatThrownBy(() -> unconfigured.resolve("weather_data_set", "weather/site.epw"))
        .isInstanceOf(FailedPreconditionException.class);
  }

  @Test
  void list_skipsNamesThatResolveRejects() throws IOException {
    Files.writeString(root.resolve("weather/a..b.epw"), "odd name\n");
    Files.createSymbolicLink(root.resolve("weather/escape.epw"), outside.resolve("secret.txt"));
    Files.createDirectories(root.resolve("weather/folder.epw"));

    assertThat(dataSets.list("weather")).containsExactly("weather/site.epw");
  }

  @Test
  void list_returnsNamesRelativeToFolder() {
    assertThat(dataSets.list("weather")).containsExactly("weather/site.epw");
    assertThat(dataSets.list("../")).isEmpty();
  }

  private static ServiceConfig config(Optional<String> dataDir) {
    return new ServiceConfig() {
      @Override
      public String serviceName() {
        return "test";
      }

      @Override
      public Optional<String> dataDir() {
        return dataDir;
      }
    };
  }
}
