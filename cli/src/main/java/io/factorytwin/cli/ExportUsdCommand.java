package io.factorytwin.cli;

import io.factorytwin.lifecycle.v1.ExportDesignUsdRequest;
import io.factorytwin.lifecycle.v1.ExportDesignUsdResponse;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.UsdExportEnd;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Streams a design revision as an OpenUSD text stage ({@code .usda}) to standard output or a file.
 * The size and SHA-256 in the stream's end message are checked against the received text.
 */
@Command(
    name = "export-usd",
    mixinStandardHelpOptions = true,
    description =
        "Export a design revision as an OpenUSD text stage (.usda): prims for the site, halls,"
            + " rows and equipment, the part specs as factorytwin: attributes, the connections as"
            + " relationships. Writes the stage to standard output unless --output-file is given.")
final class ExportUsdCommand implements Callable<Integer> {

  @Mixin Connection connection;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", description = "designs/{design}/revisions/{revision}.")
  String name;

  // -o is the output format of every command (table or json), so the file gets -O, as in wget.
  @Option(
      names = {"-O", "--output-file"},
      description =
          "File to write the stage to. It appears only once the whole stage has arrived and"
              + " matches its checksum.")
  Path file;

  @Option(
      names = "--alternatives",
      description = "Add the design's alternatives as the variant set 'alternative'.")
  boolean alternatives;

  @Option(
      names = "--export-timeout",
      defaultValue = "300",
      description =
          "Deadline of the whole export in seconds (default ${DEFAULT-VALUE}); a large design"
              + " takes longer than the --timeout of single calls.")
  long exportTimeoutSeconds;

  @Override
  public Integer call() throws IOException {
    if (exportTimeoutSeconds < 1) {
      throw new CliException(
          "invalid --export-timeout " + exportTimeoutSeconds + ": expected at least 1 second");
    }
    ExportDesignUsdRequest request =
        ExportDesignUsdRequest.newBuilder()
            .setName(name)
            .setIncludeAlternatives(alternatives)
            .build();
    if (file == null) {
      receive(request, spec.commandLine().getOut());
      spec.commandLine().getOut().flush();
      return 0;
    }

    Path directory = file.toAbsolutePath().getParent();
    Path partial = Files.createTempFile(directory, file.getFileName().toString(), ".partial");
    try {
      UsdExportEnd end;
      try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
        end = receive(request, out);
      }
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
      if (connection.output == Connection.OutputFormat.json) {
        Output.json(spec.commandLine().getOut(), end);
      } else {
        spec.commandLine()
            .getOut()
            .printf("wrote %s: %d bytes, SHA-256 %s%n", file, end.getTotalBytes(), end.getSha256());
      }
      return 0;
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** Writes the stage text of one export stream and checks it against the end message. */
  private UsdExportEnd receive(ExportDesignUsdRequest request, Writer out) {
    ManagedChannel channel = connection.open(Connection.Service.LIFECYCLE);
    try {
      Iterator<ExportDesignUsdResponse> stream =
          LifecycleServiceGrpc.newBlockingStub(channel)
              .withCallCredentials(connection.credentials())
              .withDeadlineAfter(exportTimeoutSeconds, TimeUnit.SECONDS)
              .exportDesignUsd(request);
      MessageDigest digest = sha256();
      long bytes = 0;
      UsdExportEnd end = null;
      while (stream.hasNext()) {
        ExportDesignUsdResponse message = stream.next();
        if (message.hasChunk()) {
          String text = message.getChunk().getText();
          byte[] encoded = text.getBytes(StandardCharsets.UTF_8);
          if (message.getChunk().getOffset() != bytes) {
            throw new CliException(
                "the export stream has a gap: a chunk starts at byte "
                    + message.getChunk().getOffset()
                    + " after "
                    + bytes
                    + " bytes; run the export again");
          }
          digest.update(encoded);
          bytes += encoded.length;
          out.write(text);
        } else if (message.hasEnd()) {
          end = message.getEnd();
        }
      }
      if (end == null) {
        throw new CliException(
            "the server closed the export without its end message; run it again");
      }
      String sha256 = HexFormat.of().formatHex(digest.digest());
      if (end.getTotalBytes() != bytes || !end.getSha256().equals(sha256)) {
        throw new CliException(
            "the received stage does not match the server's: "
                + bytes
                + " bytes with SHA-256 "
                + sha256
                + ", expected "
                + end.getTotalBytes()
                + " bytes with "
                + end.getSha256()
                + "; run the export again");
      }
      return end;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Connection.close(channel);
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
