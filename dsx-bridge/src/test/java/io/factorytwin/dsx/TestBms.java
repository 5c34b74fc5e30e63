package io.factorytwin.dsx;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The test's BMS: an MQTT client that publishes metadata (retained, as the schema requires) and
 * values in the DSX topic and payload form, and records what integrations publish to it. Its
 * session is persistent, so requests the broker accepted while it was away reach it after it
 * reconnects.
 */
final class TestBms implements AutoCloseable {

  /** One message the BMS received. */
  record Received(String topic, String payload, long arrivedMs) {}

  final String root;
  final String integration;
  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  final List<Received> all = new CopyOnWriteArrayList<>();
  final String clientId;
  private final MqttClient client;
  private ScheduledExecutorService heartbeat;

  TestBms(String brokerUri, String root, String integration) throws MqttException {
    this.root = root;
    this.integration = integration;
    clientId = "bms-" + root.hashCode();
    client = new MqttClient(brokerUri, clientId, new MemoryPersistence());
    client.setCallback(
        new MqttCallbackExtended() {
          @Override
          public void connectComplete(boolean reconnect, String serverUri) {}

          @Override
          public void connectionLost(Throwable cause) {}

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            Received entry =
                new Received(
                    topic,
                    new String(message.getPayload(), StandardCharsets.UTF_8),
                    System.currentTimeMillis());
            all.add(entry);
            received.add(entry);
          }

          @Override
          public void deliveryComplete(IMqttDeliveryToken token) {}
        });
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    options.setCleanSession(false);
    options.setAutomaticReconnect(true);
    options.setMaxReconnectDelay(1000);
    client.connect(options);
    client.subscribe(root + "/" + integration + "/Value/#", 1);
  }

  /** Publishes a point's metadata, retained, at QoS 1. */
  void metadata(String objectType, String pointType, String tagPath, String json)
      throws MqttException {
    publish(root + "/PUB/Metadata/" + objectType + "/" + pointType + "/" + tagPath, json, true);
  }

  /**
   * Publishes the BMS heartbeat (System/HeartbeatTimestampBms) at a fixed interval, as a BMS does
   * every 10 s, until {@link #stopHeartbeat()}. A heartbeat the broker cannot take is skipped.
   */
  synchronized void startHeartbeat(String tagPath, long intervalMs) {
    stopHeartbeat();
    heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("test-bms-heartbeat").daemon().unstarted(r));
    heartbeat.scheduleAtFixedRate(
        () -> {
          try {
            value("System", "HeartbeatTimestampBms", tagPath, System.currentTimeMillis(), 1);
          } catch (MqttException e) {
            // The broker is away; the next beat tries again.
          }
        },
        0,
        intervalMs,
        TimeUnit.MILLISECONDS);
  }

  /** Stops the heartbeat, as a BMS that went offline. */
  synchronized void stopHeartbeat() {
    if (heartbeat != null) {
      heartbeat.shutdownNow();
      heartbeat = null;
    }
  }

  /** Publishes a value message at QoS 1. */
  void value(String objectType, String pointType, String tagPath, double value, int quality)
      throws MqttException {
    publish(
        root + "/PUB/Value/" + objectType + "/" + pointType + "/" + tagPath,
        "{\"value\": "
            + value
            + ", \"timestamp\": "
            + System.currentTimeMillis()
            + ", \"quality\": "
            + quality
            + "}",
        false);
  }

  void publish(String topic, String payload, boolean retained) throws MqttException {
    MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    message.setQos(1);
    message.setRetained(retained);
    client.publish(topic, message);
  }

  /** Returns the next message on a topic within the timeout, or null when none came. */
  Received next(String topic, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return null;
      }
      Received entry = received.poll(left, TimeUnit.MILLISECONDS);
      if (entry != null && entry.topic().equals(topic)) {
        return entry;
      }
    }
  }

  /**
   * Ends the persistent session of a client id on the broker: a connection with a clean session
   * discards it, so the shared broker keeps no subscriptions of finished test runs.
   */
  static void dropSession(String brokerUri, String clientId) throws MqttException {
    MqttClient client = new MqttClient(brokerUri, clientId, new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    client.connect(options);
    client.disconnect(2000);
    client.close(true);
  }

  /** Removes the retained messages of this run from the broker. */
  void clearRetained(List<String> topics) throws MqttException {
    for (String topic : topics) {
      MqttMessage empty = new MqttMessage(new byte[0]);
      empty.setRetained(true);
      empty.setQos(1);
      client.publish(topic, empty);
    }
  }

  @Override
  public void close() throws MqttException {
    stopHeartbeat();
    if (client.isConnected()) {
      client.disconnect(2000);
    }
    client.close(true);
  }
}
