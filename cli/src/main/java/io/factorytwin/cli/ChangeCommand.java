package io.factorytwin.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.factorytwin.lifecycle.v1.ApplyChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.ApplyChangeNoticeResponse;
import io.factorytwin.lifecycle.v1.ApproveChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.ChangeNotice;
import io.factorytwin.lifecycle.v1.CreateChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.GetChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListChangeNoticesRequest;
import io.factorytwin.lifecycle.v1.ListChangeNoticesResponse;
import io.factorytwin.lifecycle.v1.RejectChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.SubmitChangeNoticeRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Change notices of lifecycle-service: the controlled way to change a released design. */
@Command(
    name = "change",
    mixinStandardHelpOptions = true,
    description =
        "Create change notices against released design revisions; list and show them; submit,"
            + " approve or reject them, and apply approved ones to release the next revision.",
    subcommands = {
      ChangeCommand.Create.class,
      ChangeCommand.ListChanges.class,
      ChangeCommand.Show.class,
      ChangeCommand.Submit.class,
      ChangeCommand.Approve.class,
      ChangeCommand.Reject.class,
      ChangeCommand.Apply.class
    })
final class ChangeCommand {

  private static final List<String> HEADER =
      List.of("CHANGE", "STATE", "BASE", "EDITS", "AUTHOR", "REVIEWER", "RESULT", "ETAG");

  private ChangeCommand() {}

  static List<String> row(ChangeNotice change) {
    return List.of(
        change.getName(),
        change.getState().name().replace("STATE_", ""),
        change.getBaseRevision(),
        Integer.toString(change.getEditsCount()),
        change.getAuthor(),
        change.getReviewer(),
        change.getResultingRevision(),
        change.getEtag());
  }

  static void print(
      Connection connection, CommandLine.Model.CommandSpec spec, ChangeNotice change) {
    Output.resource(connection.output, spec.commandLine().getOut(), change, HEADER, row(change));
  }

  /**
   * Reads the edits file: a JSON array of DesignEdit objects, or a JSON object with the
   * ChangeNotice fields title, description and edits, both in the proto3 JSON mapping.
   */
  static ChangeNotice.Builder readEdits(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
    String json = text.strip().startsWith("[") ? "{\"edits\": " + text + "}" : text;
    ChangeNotice.Builder change = ChangeNotice.newBuilder();
    try {
      JsonFormat.parser().merge(json, change);
    } catch (InvalidProtocolBufferException e) {
      throw new CliException(
          "invalid edits in "
              + file
              + ": "
              + e.getMessage()
              + "; expected a JSON array of DesignEdit objects such as"
              + " [{\"updateSetpoints\": {\"tcsSupplyTemperatureC\": 40}}]");
    }
    return change;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create a DRAFT change notice with edits against a released revision of the design.")
  static final class Create implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "designs/{design}.")
    String design;

    @Option(
        names = "--id",
        required = true,
        description = "Change id: lower-case letters, digits and hyphens, starting with a letter.")
    String changeId;

    @Option(
        names = "--base",
        required = true,
        description = "Released revision to change, designs/{design}/revisions/{revision}.")
    String baseRevision;

    @Option(
        names = "--edits",
        required = true,
        description =
            "JSON file with the edits: an array of DesignEdit objects in the proto3 JSON"
                + " mapping, or an object with title, description and edits.")
    Path editsFile;

    @Option(names = "--title", description = "Short title; replaces the file's title.")
    String title;

    @Option(
        names = "--description",
        description = "Why the change is needed and what it does; replaces the file's description.")
    String description;

    @Option(
        names = "--request-id",
        description = "Idempotency key (a UUID); a retry with the same key creates only once.")
    String requestId;

    @Override
    public Integer call() {
      ChangeNotice.Builder change = readEdits(editsFile).setBaseRevision(baseRevision);
      if (title != null) {
        change.setTitle(title);
      }
      if (description != null) {
        change.setDescription(description);
      }
      CreateChangeNoticeRequest request =
          CreateChangeNoticeRequest.newBuilder()
              .setParent(design)
              .setChangeNoticeId(changeId)
              .setChangeNotice(change)
              .setRequestId(requestId != null ? requestId : UUID.randomUUID().toString())
              .build();
      ChangeNotice created =
          PartCommand.withLifecycle(
              connection, (stub, channel) -> stub.createChangeNotice(request));
      print(connection, spec, created);
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the change notices of a design, one page.")
  static final class ListChanges implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "designs/{design}.")
    String design;

    @Option(
        names = "--filter",
        description = "AIP-160 filter on state, base_revision, author and reviewer.")
    String filter = "";

    @Option(
        names = "--order-by",
        description = "name (default), create_time or update_time, each optionally with ' desc'.")
    String orderBy = "";

    @Option(
        names = "--page-size",
        description = "Change notices per page (server default 50, at most 1000).")
    int pageSize;

    @Option(names = "--page-token", description = "next_page_token of the previous page.")
    String pageToken = "";

    @Override
    public Integer call() {
      ListChangeNoticesResponse response =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) ->
                  stub.listChangeNotices(
                      ListChangeNoticesRequest.newBuilder()
                          .setParent(design)
                          .setFilter(filter)
                          .setOrderBy(orderBy)
                          .setPageSize(pageSize)
                          .setPageToken(pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          HEADER,
          response.getChangeNoticesList(),
          ChangeCommand::row,
          response.getNextPageToken());
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a change notice.")
  static final class Show implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "designs/{design}/changes/{change}.")
    String name;

    @Override
    public Integer call() {
      ChangeNotice change =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) ->
                  stub.getChangeNotice(GetChangeNoticeRequest.newBuilder().setName(name).build()));
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(spec.commandLine().getOut(), change);
        return 0;
      }
      PrintWriter out = spec.commandLine().getOut();
      Output.table(out, HEADER, List.of(row(change)));
      out.println("title: " + change.getTitle());
      if (!change.getReviewComment().isEmpty()) {
        out.println("review comment: " + change.getReviewComment());
      }
      return 0;
    }
  }

  /** Options of a state transition: the change notice and an optional etag. */
  abstract static class Transition implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "designs/{design}/changes/{change}.")
    String name;

    @Option(
        names = "--etag",
        description =
            "Etag of the change notice as last read; without it the current etag is read"
                + " first, so a concurrent change is not detected.")
    String etag;

    abstract ChangeNotice transition(
        LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag);

    @Override
    public Integer call() {
      ChangeNotice change =
          PartCommand.withLifecycle(
              connection, (stub, channel) -> transition(stub, currentEtag(stub, name, etag)));
      print(connection, spec, change);
      return 0;
    }
  }

  static String currentEtag(
      LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String name, String etag) {
    if (etag != null) {
      return etag;
    }
    return stub.getChangeNotice(GetChangeNoticeRequest.newBuilder().setName(name).build())
        .getEtag();
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description =
          "Submit a DRAFT change notice for review; the design rule checks run on the design"
              + " its edits would produce.")
  static final class Submit extends Transition {
    @Override
    ChangeNotice transition(LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag) {
      return stub.submitChangeNotice(
          SubmitChangeNoticeRequest.newBuilder().setName(name).setEtag(etag).build());
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description =
          "Approve a change notice under review. The caller must not be its author; the"
              + " service rejects that with PERMISSION_DENIED.")
  static final class Approve extends Transition {

    @Option(names = "--comment", description = "Reviewer's comment.")
    String comment = "";

    @Override
    ChangeNotice transition(LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag) {
      return stub.approveChangeNotice(
          ApproveChangeNoticeRequest.newBuilder()
              .setName(name)
              .setEtag(etag)
              .setComment(comment)
              .build());
    }
  }

  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description = "Reject a change notice under review, with the reason.")
  static final class Reject extends Transition {

    @Option(names = "--comment", required = true, description = "Why the change is rejected.")
    String comment;

    @Override
    ChangeNotice transition(LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag) {
      return stub.rejectChangeNotice(
          RejectChangeNoticeRequest.newBuilder()
              .setName(name)
              .setEtag(etag)
              .setComment(comment)
              .build());
    }
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Apply an approved change notice: release the next design revision and supersede the"
              + " base revision.")
  static final class Apply implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "designs/{design}/changes/{change}.")
    String name;

    @Option(
        names = "--etag",
        description =
            "Etag of the change notice as last read; without it the current etag is read"
                + " first.")
    String etag;

    @Option(
        names = "--request-id",
        description = "Idempotency key (a UUID); a retry with the same key applies only once.")
    String requestId;

    @Override
    public Integer call() {
      ApplyChangeNoticeResponse response =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) ->
                  stub.applyChangeNotice(
                      ApplyChangeNoticeRequest.newBuilder()
                          .setName(name)
                          .setEtag(currentEtag(stub, name, etag))
                          .setRequestId(
                              requestId != null ? requestId : UUID.randomUUID().toString())
                          .build()));
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(spec.commandLine().getOut(), response);
        return 0;
      }
      Output.table(spec.commandLine().getOut(), HEADER, List.of(row(response.getChangeNotice())));
      DesignCommand.printRevision(connection, spec, response.getResultingRevision());
      return 0;
    }
  }
}
