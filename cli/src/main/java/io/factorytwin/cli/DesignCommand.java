package io.factorytwin.cli;

import com.google.protobuf.ByteString;
import io.factorytwin.lifecycle.v1.CheckDesignRequest;
import io.factorytwin.lifecycle.v1.CheckDesignResponse;
import io.factorytwin.lifecycle.v1.Design;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.DocumentChunk;
import io.factorytwin.lifecycle.v1.Finding;
import io.factorytwin.lifecycle.v1.GetDesignRequest;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.GetPublicationRequest;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentRequest;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentResponse;
import io.factorytwin.lifecycle.v1.ImportEnd;
import io.factorytwin.lifecycle.v1.ImportError;
import io.factorytwin.lifecycle.v1.ImportHeader;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListDesignRevisionsRequest;
import io.factorytwin.lifecycle.v1.ListDesignRevisionsResponse;
import io.factorytwin.lifecycle.v1.ListDesignsRequest;
import io.factorytwin.lifecycle.v1.ListDesignsResponse;
import io.factorytwin.lifecycle.v1.Publication;
import io.factorytwin.lifecycle.v1.PublishDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.ReleaseDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.SubmitDesignRevisionRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Facility designs of lifecycle-service: import, list, show, check, release and publish them to a
 * twin, and export them as OpenUSD.
 */
@Command(
    name = "design",
    mixinStandardHelpOptions = true,
    description =
        "Import design documents; list and show designs; check design revisions, move them"
            + " through review and release, publish them to twin-service, and export them as"
            + " OpenUSD stages.",
    subcommands = {
      DesignCommand.Import.class,
      DesignCommand.ListDesigns.class,
      DesignCommand.Show.class,
      DesignCommand.Check.class,
      DesignCommand.Submit.class,
      DesignCommand.Release.class,
      DesignCommand.Publish.class,
      DesignCommand.PublishStatus.class,
      ExportUsdCommand.class
    })
final class DesignCommand {

  /** Largest chunk the contract accepts in ImportDesignDocument. */
  static final int CHUNK_BYTES = 1024 * 1024;

  private DesignCommand() {}

  static void printRevision(
      Connection connection, CommandLine.Model.CommandSpec spec, DesignRevision revision) {
    if (connection.output == Connection.OutputFormat.json) {
      Output.json(spec.commandLine().getOut(), revision);
      return;
    }
    Output.table(
        spec.commandLine().getOut(),
        List.of("REVISION", "STATE", "PLACEMENTS", "CONNECTIONS", "IT KW", "ETAG"),
        List.of(revisionRow(revision)));
  }

  static List<String> revisionRow(DesignRevision revision) {
    return List.of(
        revision.getName(),
        revision.getState().name().replace("REVISION_STATE_", ""),
        Long.toString(revision.getPlacementCount()),
        Long.toString(revision.getConnectionCount()),
        String.format("%.1f", revision.getItDesignPowerKw()),
        revision.getEtag());
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Import a YAML design document (catalog parts and designs) in one transaction. Prints"
              + " the created resources, or the errors with their element paths.")
  static final class Import implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "The YAML design document.")
    Path file;

    @Option(
        names = "--validate-only",
        description = "Check the document and print its errors; store nothing.")
    boolean validateOnly;

    @Option(
        names = "--request-id",
        description = "Idempotency key (a UUID); a retry with the same key imports only once.")
    String requestId;

    @Option(
        names = "--import-timeout",
        defaultValue = "300",
        description =
            "Deadline of the whole upload and import in seconds (default ${DEFAULT-VALUE}); a"
                + " large design takes longer than the --timeout of single calls.")
    long importTimeoutSeconds;

    @Override
    public Integer call() {
      if (!Files.isRegularFile(file)) {
        throw new CliException("cannot read " + file + ": not a file");
      }
      if (importTimeoutSeconds < 1) {
        throw new CliException(
            "invalid --import-timeout " + importTimeoutSeconds + ": expected at least 1 second");
      }
      ImportDesignDocumentResponse response = upload();
      PrintWriter out = spec.commandLine().getOut();
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(out, response);
      } else {
        print(out, response);
      }
      return response.getErrorsCount() > 0 ? ErrorReporter.REJECTED : 0;
    }

    private ImportDesignDocumentResponse upload() {
      ManagedChannel channel = connection.open(Connection.Service.LIFECYCLE);
      try {
        LifecycleServiceGrpc.LifecycleServiceStub stub =
            LifecycleServiceGrpc.newStub(channel)
                .withCallCredentials(connection.credentials())
                .withDeadlineAfter(importTimeoutSeconds, TimeUnit.SECONDS);
        CompletableFuture<ImportDesignDocumentResponse> result = new CompletableFuture<>();
        var requests =
            (ClientCallStreamObserver<ImportDesignDocumentRequest>)
                stub.importDesignDocument(observer(result));
        try {
          send(requests, result);
        } catch (IOException | RuntimeException e) {
          requests.cancel("factoryctl stopped the upload", e);
          if (e instanceof IOException io) {
            throw new CliException("cannot read " + file + ": " + io.getMessage());
          }
          throw (RuntimeException) e;
        }
        return await(result);
      } finally {
        Connection.close(channel);
      }
    }

    /** Streams the header, the file in chunks and the end marker with size and SHA-256. */
    private void send(
        StreamObserver<ImportDesignDocumentRequest> requests,
        CompletableFuture<ImportDesignDocumentResponse> result)
        throws IOException {
      ImportHeader.Builder header =
          ImportHeader.newBuilder()
              .setDocumentName(file.getFileName().toString())
              .setValidateOnly(validateOnly);
      header.setRequestId(requestId != null ? requestId : UUID.randomUUID().toString());
      requests.onNext(ImportDesignDocumentRequest.newBuilder().setHeader(header).build());
      MessageDigest digest = sha256();
      long offset = 0;
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[CHUNK_BYTES];
        int read;
        // Stops early when the server has already failed the call, such as for a file over its
        // size limit.
        while (!result.isDone() && (read = in.readNBytes(buffer, 0, buffer.length)) > 0) {
          digest.update(buffer, 0, read);
          requests.onNext(
              ImportDesignDocumentRequest.newBuilder()
                  .setChunk(
                      DocumentChunk.newBuilder()
                          .setOffset(offset)
                          .setData(ByteString.copyFrom(buffer, 0, read)))
                  .build());
          offset += read;
        }
      }
      if (!result.isDone()) {
        requests.onNext(
            ImportDesignDocumentRequest.newBuilder()
                .setEnd(
                    ImportEnd.newBuilder()
                        .setTotalBytes(offset)
                        .setSha256(HexFormat.of().formatHex(digest.digest())))
                .build());
        requests.onCompleted();
      }
    }

    private static ImportDesignDocumentResponse await(
        CompletableFuture<ImportDesignDocumentResponse> result) {
      try {
        // The gRPC deadline ends the call first; this wait only guards against a lost callback.
        return result.get(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof StatusRuntimeException status) {
          throw status;
        }
        throw new CliException("the import failed: " + e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while waiting for the import");
      } catch (TimeoutException e) {
        throw new CliException("timed out waiting for the import");
      }
    }

    private static StreamObserver<ImportDesignDocumentResponse> observer(
        CompletableFuture<ImportDesignDocumentResponse> result) {
      return new StreamObserver<>() {
        @Override
        public void onNext(ImportDesignDocumentResponse value) {
          result.complete(value);
        }

        @Override
        public void onError(Throwable failure) {
          result.completeExceptionally(failure);
        }

        @Override
        public void onCompleted() {
          result.completeExceptionally(
              new CliException("the server closed the import without a response"));
        }
      };
    }

    private void print(PrintWriter out, ImportDesignDocumentResponse response) {
      if (response.getErrorsCount() > 0) {
        for (ImportError error : response.getErrorsList()) {
          String position =
              error.getLine() > 0
                  ? " (line " + error.getLine() + ":" + error.getColumn() + ")"
                  : "";
          out.println("error " + error.getElementPath() + position + ": " + error.getMessage());
        }
        out.println(response.getErrorsCount() + " errors; nothing was stored");
        return;
      }
      List<List<String>> rows = new ArrayList<>();
      String verb = response.getCommitted() ? "created" : "would create";
      response.getCreatedPartsList().forEach(name -> rows.add(List.of(verb, name)));
      response.getCreatedPartRevisionsList().forEach(name -> rows.add(List.of(verb, name)));
      response.getCreatedDesignsList().forEach(name -> rows.add(List.of(verb, name)));
      response.getCreatedDesignRevisionsList().forEach(name -> rows.add(List.of(verb, name)));
      response.getCreatedAlternativesList().forEach(name -> rows.add(List.of(verb, name)));
      response.getUnchangedList().forEach(name -> rows.add(List.of("unchanged", name)));
      Output.table(out, List.of("RESULT", "RESOURCE"), rows);
      if (!response.getCommitted()) {
        out.println("validate only: the document has no errors; nothing was stored");
      }
    }

    private static MessageDigest sha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is not available", e);
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List designs, one page.")
  static final class ListDesigns implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--filter", description = "AIP-160 filter on the fields ListDesigns names.")
    String filter = "";

    @Option(
        names = "--page-size",
        description = "Designs per page (server default 50, at most 1000).")
    int pageSize;

    @Option(names = "--page-token", description = "next_page_token of the previous page.")
    String pageToken = "";

    @Override
    public Integer call() {
      ListDesignsResponse response =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) ->
                  stub.listDesigns(
                      ListDesignsRequest.newBuilder()
                          .setFilter(filter)
                          .setPageSize(pageSize)
                          .setPageToken(pageToken)
                          .build()));
      Output.page(
          connection.output,
          spec.commandLine().getOut(),
          response,
          List.of("DESIGN", "DISPLAY NAME", "LATEST", "RELEASED"),
          response.getDesignsList(),
          (Design design) ->
              List.of(
                  design.getName(),
                  design.getDisplayName(),
                  design.getLatestRevision(),
                  design.getReleasedRevision()),
          response.getNextPageToken());
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Show a design with its revisions (designs/{design}) or one revision"
              + " (designs/{design}/revisions/{revision}).")
  static final class Show implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        description = "designs/{design} or designs/{design}/revisions/{revision}.")
    String name;

    @Override
    public Integer call() {
      if (name.contains("/revisions/")) {
        DesignRevision revision =
            PartCommand.withLifecycle(
                connection,
                (stub, channel) ->
                    stub.getDesignRevision(
                        GetDesignRevisionRequest.newBuilder().setName(name).build()));
        printRevision(connection, spec, revision);
        return 0;
      }
      Design design =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) ->
                  stub.getDesign(GetDesignRequest.newBuilder().setName(name).build()));
      ListDesignRevisionsResponse revisions =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) ->
                  stub.listDesignRevisions(
                      ListDesignRevisionsRequest.newBuilder()
                          .setParent(name)
                          .setPageSize(1000)
                          .build()));
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(spec.commandLine().getOut(), design);
        Output.json(spec.commandLine().getOut(), revisions);
        return 0;
      }
      spec.commandLine().getOut().printf("%s  %s%n", design.getName(), design.getDisplayName());
      List<List<String>> rows = new ArrayList<>();
      revisions.getDesignRevisionsList().forEach(revision -> rows.add(revisionRow(revision)));
      Output.table(
          spec.commandLine().getOut(),
          List.of("REVISION", "STATE", "PLACEMENTS", "CONNECTIONS", "IT KW", "ETAG"),
          rows);
      return 0;
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Run the design rule checks on a revision and print the findings. Exits with 2 when a"
              + " finding is an error.")
  static final class Check implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "designs/{design}/revisions/{revision}.")
    String name;

    @Override
    public Integer call() {
      CheckDesignResponse response =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) ->
                  stub.checkDesign(CheckDesignRequest.newBuilder().setName(name).build()));
      PrintWriter out = spec.commandLine().getOut();
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(out, response);
      } else {
        List<List<String>> rows = new ArrayList<>();
        for (Finding finding : response.getFindingsList()) {
          rows.add(
              List.of(
                  finding.getSeverity().name().replace("SEVERITY_", ""),
                  finding.getElement().getId(),
                  finding.getRule(),
                  finding.getMessage()));
        }
        Output.table(out, List.of("SEVERITY", "ELEMENT", "RULE", "MESSAGE"), rows);
        out.printf(
            "%s: %d errors, %d warnings, %d info%s%n",
            response.getPassed() ? "passed" : "failed",
            response.getErrorCount(),
            response.getWarningCount(),
            response.getInfoCount(),
            response.getFindingsTruncated() ? " (findings truncated)" : "");
      }
      return response.getPassed() ? 0 : ErrorReporter.REJECTED;
    }
  }

  /** Options of a state transition: the revision and an optional etag. */
  abstract static class Transition implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "designs/{design}/revisions/{revision}.")
    String name;

    @Option(
        names = "--etag",
        description =
            "Etag of the revision as last read; without it the current etag is read first, so"
                + " a concurrent change is not detected.")
    String etag;

    abstract DesignRevision transition(
        LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag);

    @Override
    public Integer call() {
      DesignRevision revision =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) -> {
                String current =
                    etag != null
                        ? etag
                        : stub.getDesignRevision(
                                GetDesignRevisionRequest.newBuilder().setName(name).build())
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
      description = "Submit an IN_WORK design revision for review.")
  static final class Submit extends Transition {
    @Override
    DesignRevision transition(LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag) {
      return stub.submitDesignRevision(
          SubmitDesignRevisionRequest.newBuilder().setName(name).setEtag(etag).build());
    }
  }

  @Command(
      name = "release",
      mixinStandardHelpOptions = true,
      description = "Release a design revision under review; the design rule checks run first.")
  static final class Release extends Transition {
    @Override
    DesignRevision transition(LifecycleServiceGrpc.LifecycleServiceBlockingStub stub, String etag) {
      return stub.releaseDesignRevision(
          ReleaseDesignRevisionRequest.newBuilder().setName(name).setEtag(etag).build());
    }
  }

  static void printPublication(
      Connection connection, CommandLine.Model.CommandSpec spec, Publication publication) {
    PrintWriter out = spec.commandLine().getOut();
    if (connection.output == Connection.OutputFormat.json) {
      Output.json(out, publication);
      return;
    }
    Output.table(
        out,
        List.of("PUBLICATION", "TWIN", "STATE", "ATTEMPTS", "TWIN REVISION", "LAST ERROR"),
        List.of(
            List.of(
                publication.getName(),
                publication.getTwin(),
                publication.getState().name().replace("STATE_", ""),
                Integer.toString(publication.getAttemptCount()),
                publication.getTwinRevision(),
                publication.getLastErrorCode().isEmpty()
                    ? ""
                    : publication.getLastErrorCode() + ": " + publication.getLastError())));
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description =
          "Publish a released design revision to a twin. Prints the publication at once, PENDING"
              + " until lifecycle-service has delivered it; follow it with publish-status.")
  static final class Publish implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        description = "The released revision, designs/{design}/revisions/{revision}.")
    String name;

    @Option(
        names = "--twin",
        description =
            "Twin to build the revision in, twins/{twin}; created on first delivery. Default:"
                + " twins/{design}, named after the design.")
    String twin = "";

    @Option(
        names = "--activate",
        description =
            "Make the new twin revision active as soon as it is built (the first revision of a"
                + " twin is active in any case).")
    boolean activate;

    @Option(
        names = "--request-id",
        description = "Idempotency key (a UUID); a retry with the same key publishes only once.")
    String requestId;

    @Override
    public Integer call() {
      Publication publication =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) ->
                  stub.publishDesignRevision(
                      PublishDesignRevisionRequest.newBuilder()
                          .setName(name)
                          .setTwin(twin)
                          .setActivate(activate)
                          .setRequestId(
                              requestId != null ? requestId : UUID.randomUUID().toString())
                          .build()));
      printPublication(connection, spec, publication);
      return 0;
    }
  }

  @Command(
      name = "publish-status",
      mixinStandardHelpOptions = true,
      description =
          "Show the delivery state of a publication. Exits with 2 when the publication FAILED.")
  static final class PublishStatus implements Callable<Integer> {

    @Mixin Connection connection;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        description = "designs/{design}/revisions/{revision}/publications/{publication}.")
    String name;

    @Override
    public Integer call() {
      Publication publication =
          PartCommand.withLifecycle(
              connection,
              (stub, channel) ->
                  stub.getPublication(GetPublicationRequest.newBuilder().setName(name).build()));
      printPublication(connection, spec, publication);
      return publication.getState() == Publication.State.STATE_FAILED ? ErrorReporter.REJECTED : 0;
    }
  }
}
