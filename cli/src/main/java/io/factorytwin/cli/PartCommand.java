package io.factorytwin.cli;

import io.factorytwin.lifecycle.v1.GetPartRequest;
import io.factorytwin.lifecycle.v1.GetPartRevisionRequest;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListPartRevisionsRequest;
import io.factorytwin.lifecycle.v1.ListPartRevisionsResponse;
import io.factorytwin.lifecycle.v1.ListPartsRequest;
import io.factorytwin.lifecycle.v1.ListPartsResponse;
import io.factorytwin.lifecycle.v1.ObsoletePartRevisionRequest;
import io.factorytwin.lifecycle.v1.Part;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.lifecycle.v1.ReleasePartRevisionRequest;
import io.factorytwin.lifecycle.v1.SubmitPartRevisionRequest;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The equipment catalog of lifecycle-service: parts and their revisions. */
@Command(
    name = "part",
    mixinStandardHelpOptions = true,
    description = "List and show catalog parts; move part revisions through review and release.",
    subcommands = {
      PartCommand.ListParts.class,
      PartCommand.Show.class,
      PartCommand.Submit.class,
      PartCommand.Release.class,
      PartCommand.Obsolete.class
    })
final class PartCommand {

  private PartCommand() {}

  /** Opens a stub of lifecycle-service with the caller's token and the call deadline. */
  static <T> T withLifecycle(
      Connection connection,
      BiFunction<LifecycleServiceGrpc.LifecycleServiceBlockingStub, ManagedChannel, T> work) {
    ManagedChannel channel = connection.open(Connection.Service.LIFECYCLE);
    try {
      LifecycleServiceGrpc.LifecycleServiceBlockingStub stub =
          LifecycleServiceGrpc.newBlockingStub(channel)
              .withCallCredentials(connection.credentials())
              .withDeadlineAfter(connection.timeoutSeconds, TimeUnit.SECONDS);
      return work.apply(stub, channel);
    } finally {
      Connection.close(channel);
    }
  }

  static void printRevision(
      Connection connection, CommandLine.Model.CommandSpec spec, PartRevision revision) {
    if (connection.output == Connection.OutputFormat.json) {
      Output.json(spec.commandLine().getOut(), revision);
      return;
    }
    Output.table(
        spec.commandLine().getOut(),
        List.of("REVISION", "STATE", "AUTHOR", "RELEASER", "ETAG"),
        List.of(revisionRow(revision)));
  }

  static List<String> revisionRow(PartRevision revision) {
    return List.of(
        revision.getName(),
        revision.getState().name().replace("REVISION_STATE_", ""),
        revision.getAuthor(),
        revision.getReleaser(),
        revision.getEtag());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List parts, one page.")
  static final class ListParts implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--filter",
        description = "AIP-160 filter, such as equipment_class = \"EQUIPMENT_CLASS_CDU\".")
    String filter = "";

    @Option(
        names = "--page-size",
        description = "Parts per page (server default 50, at most 1000).")
    int pageSize;

    @Option(names = "--page-token", description = "next_page_token of the previous page.")
    String pageToken = "";

    @Override
    public Integer call() {
      ListPartsResponse response =
          withLifecycle(
              connection,
              (stub, channel) ->
                  stub.listParts(
                      ListPartsRequest.newBuilder()
                          .setFilter(filter)
                          .setPageSize(pageSize)
                          .setPageToken(pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          List.of("PART", "CLASS", "DISPLAY NAME", "LATEST", "RELEASED"),
          response.getPartsList(),
          (Part part) ->
              List.of(
                  part.getName(),
                  part.getEquipmentClass().name().replace("EQUIPMENT_CLASS_", ""),
                  part.getDisplayName(),
                  part.getLatestRevision(),
                  part.getReleasedRevision()),
          response.getNextPageToken());
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Show a part with its revisions (parts/{part}) or one revision (parts/{part}/revisions/{revision}).")
  static final class Show implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "parts/{part} or parts/{part}/revisions/{revision}.")
    String name;

    @Override
    public Integer call() {
      if (name.contains("/revisions/")) {
        PartRevision revision =
            withLifecycle(
                connection,
                (stub, channel) ->
                    stub.getPartRevision(
                        GetPartRevisionRequest.newBuilder().setName(name).build()));
        printRevision(connection, spec, revision);
        return 0;
      }
      Part part =
          withLifecycle(
              connection,
              (stub, channel) -> stub.getPart(GetPartRequest.newBuilder().setName(name).build()));
      ListPartRevisionsResponse revisions =
          withLifecycle(
              connection,
              (stub, channel) ->
                  stub.listPartRevisions(
                      ListPartRevisionsRequest.newBuilder()
                          .setParent(name)
                          .setPageSize(1000)
                          .build()));
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(spec.commandLine().getOut(), part);
        Output.json(spec.commandLine().getOut(), revisions);
        return 0;
      }
      spec.commandLine()
          .getOut()
          .printf(
              "%s  %s  %s %s%n",
              part.getName(),
              part.getEquipmentClass().name().replace("EQUIPMENT_CLASS_", ""),
              part.getManufacturer(),
              part.getModel());
      List<List<String>> rows = new ArrayList<>();
      revisions.getPartRevisionsList().forEach(revision -> rows.add(revisionRow(revision)));
      Output.table(
          spec.commandLine().getOut(),
          List.of("REVISION", "STATE", "AUTHOR", "RELEASER", "ETAG"),
          rows);
      return 0;
    }
  }

  /** Options of the three state transitions: the revision and an optional etag. */
  abstract static class Transition implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "parts/{part}/revisions/{revision}.")
    String name;

    @Option(
        names = "--etag",
        description =
            "Etag of the revision as last read; without it the current etag is read first, so"
                + " a concurrent change is not detected.")
    String etag;

    abstract PartRevision transition(
        LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag);

    @Override
    public Integer call() {
      PartRevision revision =
          withLifecycle(
              connection,
              (stub, channel) -> {
                String current =
                    etag != null
                        ? etag
                        : stub.getPartRevision(
                                GetPartRevisionRequest.newBuilder().setName(name).build())
                            .getEtag();
                return transition(stub, current);
              });
      printRevision(connection, spec, revision);
      return 0;
    }
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = "Submit an IN_WORK revision for review.")
  static final class Submit extends Transition {
    @Override
    PartRevision transition(LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag) {
      return stub.submitPartRevision(
          SubmitPartRevisionRequest.newBuilder().setName(name).setEtag(etag).build());
    }
  }

  @Command(
      name = "release",
      mixinStandardHelpOptions = true,
      description = "Release a revision under review.")
  static final class Release extends Transition {
    @Override
    PartRevision transition(LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag) {
      return stub.releasePartRevision(
          ReleasePartRevisionRequest.newBuilder().setName(name).setEtag(etag).build());
    }
  }

  @Command(
      name = "obsolete",
      mixinStandardHelpOptions = true,
      description = "Mark a released revision obsolete.")
  static final class Obsolete extends Transition {
    @Override
    PartRevision transition(LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag) {
      return stub.obsoletePartRevision(
          ObsoletePartRevisionRequest.newBuilder().setName(name).setEtag(etag).build());
    }
  }
}
