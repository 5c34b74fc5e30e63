package io.factorytwin.cli;

import com.google.protobuf.ByteString;
import io.factorytwin.control.v1.AuditEntry;
import io.factorytwin.control.v1.CheckpointStatus;
import io.factorytwin.control.v1.GetAuditEntryRequest;
import io.factorytwin.control.v1.ListAuditEntriesRequest;
import io.factorytwin.control.v1.ListAuditEntriesResponse;
import io.factorytwin.control.v1.VerifyAuditRequest;
import io.factorytwin.control.v1.VerifyAuditResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The audit trail commands of factoryctl control: verify-audit and audit. */
final class ControlAuditCommands {

  static final List<String> HEADER =
      List.of("SEQUENCE", "KIND", "ACTOR", "SUBJECT", "CREATED", "HASH");

  private ControlAuditCommands() {}

  static List<String> row(AuditEntry entry) {
    return List.of(
        Long.toString(entry.getSequence()),
        entry.getKind().name().replace("KIND_", ""),
        entry.getActor(),
        entry.getSubject(),
        Output.time(entry.hasCreateTime(), entry.getCreateTime()),
        hex(entry.getHash()));
  }

  static String hex(ByteString bytes) {
    return bytes.isEmpty() ? "-" : HexFormat.of().formatHex(bytes.toByteArray());
  }

  @Command(
      name = "verify-audit",
      mixinStandardHelpOptions = true,
      description =
          "Recompute the audit trail's hash chain and compare it with the newest signed"
              + " checkpoint. Prints the first bad entry and exits with 4 when the trail does not"
              + " verify. The service reads every entry, so raise --timeout for a long trail.")
  static final class VerifyAudit implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      VerifyAuditResponse response =
          ControlCommand.withControl(
              connection, stub -> stub.verifyAudit(VerifyAuditRequest.getDefaultInstance()));
      Optional<AuditEntry> firstBad =
          response.getFirstBadSequence() > 0
              ? firstBadEntry(response.getFirstBadSequence())
              : Optional.empty();
      PrintWriter out = spec.commandLine().getOut();
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(out, response);
        firstBad.ifPresent(entry -> Output.json(out, entry));
      } else {
        print(out, response, firstBad);
      }
      if (response.getValid()) {
        return 0;
      }
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "error: the audit trail does not verify: "
              + (response.getFirstBadSequence() > 0
                  ? "first bad entry "
                      + response.getFirstBadSequence()
                      + ": "
                      + response.getFirstBadDescription()
                  : "checkpoint " + checkpointState(response.getCheckpoint())));
      err.flush();
      return ErrorReporter.CHECK_FAILED;
    }

    /** Reads the first bad entry; a missing sequence is itself the fault, so none is printed. */
    private Optional<AuditEntry> firstBadEntry(long sequence) {
      try {
        return Optional.of(
            ControlCommand.withControl(
                connection,
                stub ->
                    stub.getAuditEntry(
                        GetAuditEntryRequest.newBuilder()
                            .setName("auditEntries/" + sequence)
                            .build())));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          return Optional.empty();
        }
        throw e;
      }
    }

    private static void print(
        PrintWriter out, VerifyAuditResponse response, Optional<AuditEntry> firstBad) {
      CheckpointStatus checkpoint = response.getCheckpoint();
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("valid", Boolean.toString(response.getValid())));
      rows.add(List.of("checked entries", Long.toString(response.getCheckedEntryCount())));
      rows.add(List.of("head sequence", Long.toString(response.getHeadSequence())));
      rows.add(List.of("head hash", hex(response.getHeadHash())));
      rows.add(List.of("checkpoint", checkpointState(checkpoint)));
      if (checkpoint.getSequence() > 0) {
        rows.add(List.of("checkpoint sequence", Long.toString(checkpoint.getSequence())));
        rows.add(
            List.of(
                "checkpoint written",
                Output.time(checkpoint.hasCreateTime(), checkpoint.getCreateTime())));
      }
      if (response.getFirstBadSequence() > 0) {
        rows.add(List.of("first bad sequence", Long.toString(response.getFirstBadSequence())));
        rows.add(List.of("first bad entry", response.getFirstBadDescription()));
      }
      Output.table(out, List.of("CHECK", "RESULT"), rows);
      if (firstBad.isPresent()) {
        out.println();
        Output.table(out, HEADER, List.of(row(firstBad.get())));
      }
    }

    private static String checkpointState(CheckpointStatus checkpoint) {
      return checkpoint.getState().name().replace("STATE_", "");
    }
  }

  @Command(
      name = "audit",
      mixinStandardHelpOptions = true,
      description = "List audit entries in ascending sequence, one page.")
  static final class Audit implements Callable<Integer> {

    @Mixin Connection connection;

    @Mixin PageOptions page;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--filter",
        description = "AIP-160 filter over sequence, kind, actor, subject and create_time.")
    String filter = "";

    @Override
    public Integer call() {
      ListAuditEntriesResponse response =
          ControlCommand.withControl(
              connection,
              stub ->
                  stub.listAuditEntries(
                      ListAuditEntriesRequest.newBuilder()
                          .setFilter(filter)
                          .setPageSize(page.pageSize)
                          .setPageToken(page.pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          HEADER,
          response.getAuditEntriesList(),
          ControlAuditCommands::row,
          response.getNextPageToken());
      return 0;
    }
  }
}
