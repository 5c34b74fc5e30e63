package io.factorytwin.support.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Settings every service shares, under the {@code factorytwin} prefix. */
@ConfigMapping(prefix = "factorytwin")
public interface ServiceConfig {

  /** The service's short name: lifecycle, twin, simulation or control. */
  @WithDefault("unnamed")
  String serviceName();

  /**
   * The folder that holds the data sets (weather, grid carbon, workload traces). Environment
   * variable {@code FACTORYTWIN_DATA_DIR}. Empty when the service reads no data sets.
   */
  Optional<String> dataDir();

  /** The ErrorInfo domain of this service, such as {@code twin.factorytwin.io}. */
  default String errorDomain() {
    return serviceName() + ".factorytwin.io";
  }
}
