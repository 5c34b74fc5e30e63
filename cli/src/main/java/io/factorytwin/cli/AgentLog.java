package io.factorytwin.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.factorytwin.control.v1.Action;
import io.factorytwin.control.v1.ProposeSetpointResponse;
import io.factorytwin.control.v1.Violation;
import io.grpc.StatusRuntimeException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The log of {@code agent run}: one JSON object per line, appended to a file and flushed after each
 * line, and the counts of the summary printed at exit. Every line has {@code event} and {@code
 * facility_time}; a proposal line adds the point, the value proposed, the request_id, the outcome,
 * the action name and the violated rules; an error line adds the call, the gRPC status and the
 * message.
 */
final class AgentLog implements AutoCloseable {

  private static final JsonFormat.Printer JSON =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private final BufferedWriter file;
  int proposals;
  int applied;
  int rejected;
  int pending;
  int recorded;
  int errors;

  private AgentLog(BufferedWriter file) {
    this.file = file;
  }

  /** Opens the log file for appending, or logs nowhere when {@code path} is null. */
  static AgentLog open(Path path) {
    if (path == null) {
      return new AgentLog(null);
    }
    try {
      return new AgentLog(
          Files.newBufferedWriter(
              path,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE));
    } catch (IOException e) {
      throw new CliException("cannot open the agent log " + path + ": " + e.getMessage());
    }
  }

  /** Records the response to one proposal and counts its outcome. */
  synchronized void proposal(
      Timestamp facilityTime,
      String point,
      double value,
      String unit,
      String requestId,
      int attempts,
      ProposeSetpointResponse response) {
    Action action = response.getAction();
    String outcome = action.getOutcome().name().replace("OUTCOME_", "");
    proposals++;
    switch (action.getOutcome()) {
      case OUTCOME_APPLIED -> applied++;
      case OUTCOME_REJECTED -> rejected++;
      case OUTCOME_PENDING_APPROVAL -> pending++;
      case OUTCOME_RECORDED -> recorded++;
      default -> {
        // An outcome this client does not know counts as a proposal only.
      }
    }
    ListValue.Builder rules = ListValue.newBuilder();
    for (Violation violation : response.getViolationsList()) {
      rules.addValues(text(violation.getRule().name().replace("RULE_", "")));
    }
    Struct.Builder line =
        event("proposal", facilityTime)
            .putFields("point", text(point))
            .putFields("value", Value.newBuilder().setNumberValue(value).build())
            .putFields("unit", text(unit))
            .putFields("request_id", text(requestId))
            .putFields("outcome", text(outcome))
            .putFields("action", text(action.getName()))
            .putFields("rejection_rules", Value.newBuilder().setListValue(rules).build())
            .putFields("replayed", Value.newBuilder().setBoolValue(response.getReplayed()).build())
            .putFields("attempts", Value.newBuilder().setNumberValue(attempts).build());
    write(line);
  }

  /**
   * Records a failed call and counts it as an error. {@code point} and {@code requestId} may be
   * empty for calls that concern no single proposal.
   */
  synchronized void error(
      Timestamp facilityTime,
      String call,
      String point,
      String requestId,
      int attempt,
      boolean willRetry,
      StatusRuntimeException failure) {
    errors++;
    Struct.Builder line =
        event("error", facilityTime)
            .putFields("call", text(call))
            .putFields("status", text(failure.getStatus().getCode().name()))
            .putFields("message", text(String.valueOf(failure.getStatus().getDescription())))
            .putFields("attempt", Value.newBuilder().setNumberValue(attempt).build())
            .putFields("will_retry", Value.newBuilder().setBoolValue(willRetry).build());
    if (!point.isEmpty()) {
      line.putFields("point", text(point));
    }
    if (!requestId.isEmpty()) {
      line.putFields("request_id", text(requestId));
    }
    write(line);
  }

  /** Records a notice without an outcome, such as the start, a heartbeat or a skipped CDU. */
  void notice(Timestamp facilityTime, String event, String message) {
    write(event(event, facilityTime).putFields("message", text(message)));
  }

  /** Returns the one-line summary printed at exit. */
  synchronized String summary() {
    return String.format(
        Locale.ROOT,
        "proposals %d, APPLIED %d, REJECTED %d, PENDING %d, RECORDED %d, errors %d",
        proposals,
        applied,
        rejected,
        pending,
        recorded,
        errors);
  }

  @Override
  public void close() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static Struct.Builder event(String event, Timestamp facilityTime) {
    return Struct.newBuilder()
        .putFields(
            "facility_time",
            facilityTime == null
                ? Value.newBuilder().setNullValueValue(0).build()
                : text(Timestamps.toString(facilityTime)))
        .putFields("event", text(event));
  }

  private static Value text(String value) {
    return Value.newBuilder().setStringValue(value).build();
  }

  private synchronized void write(Struct.Builder line) {
    if (file == null) {
      return;
    }
    try {
      file.write(JSON.print(line));
      file.newLine();
      file.flush();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a log line is not printable as JSON", e);
    } catch (IOException e) {
      throw new CliException("cannot write the agent log: " + e.getMessage());
    }
  }
}
