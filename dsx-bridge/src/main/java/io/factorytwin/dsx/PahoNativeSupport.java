package io.factorytwin.dsx;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Registers for a native image the Paho 1.2.5 classes that Paho creates by name at run time: its
 * logger ({@code LoggerFactory} loads {@code JSR47Logger} with {@code Class.forName}, and reads a
 * property through {@code LogManager.getLogManager} and {@code getProperty} by reflection), its
 * message catalog ({@code MessageCatalog} loads {@code ResourceBundleCatalog} the same way) and the
 * network module factories that {@code NetworkModuleService} finds through {@code ServiceLoader}.
 * The catalog's resource bundles are listed in {@code
 * META-INF/native-image/io.factorytwin/dsx-bridge/resource-config.json}. The JVM build needs none
 * of this. NOTE: no native image of the bridge has been compiled and run yet. The list comes from
 * reading where Paho loads classes by name, so a native run may still find one missing.
 */
@RegisterForReflection(
    classNames = {
      "org.eclipse.paho.client.mqttv3.logging.JSR47Logger",
      "java.util.logging.LogManager",
      "org.eclipse.paho.client.mqttv3.internal.ResourceBundleCatalog",
      "org.eclipse.paho.client.mqttv3.internal.TCPNetworkModuleFactory",
      "org.eclipse.paho.client.mqttv3.internal.SSLNetworkModuleFactory",
      "org.eclipse.paho.client.mqttv3.internal.websocket.WebSocketNetworkModuleFactory",
      "org.eclipse.paho.client.mqttv3.internal.websocket.WebSocketSecureNetworkModuleFactory"
    })
final class PahoNativeSupport {

  private PahoNativeSupport() {}
}
