package io.factorytwin.twin.grpc;

import io.factorytwin.support.error.ErrorTable;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import io.factorytwin.twin.service.TwinStore.RevisionRow;
import io.factorytwin.twin.service.Twins;
import io.factorytwin.twin.v1.ApplyDesignCommit;
import io.factorytwin.twin.v1.ApplyDesignHeader;
import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.ApplyDesignResponse;
import io.factorytwin.twin.v1.DesignChunk;
import io.grpc.stub.StreamObserver;
import io.quarkus.logging.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One ApplyDesign stream: a header, chunks in sequence, a commit. The revision is built when the
 * commit arrives, in one transaction, so a stream cut off earlier stores nothing. When the twin
 * already holds a revision of the header's design revision, the answer goes out right after the
 * header and the rest of the stream is ignored.
 */
final class DesignUpload implements StreamObserver<ApplyDesignRequest> {

  private static final Pattern DESIGN = Pattern.compile("designs/[a-z][a-z0-9-]{0,62}");
  private static final Pattern DESIGN_REVISION =
      Pattern.compile("(designs/[a-z][a-z0-9-]{0,62})/revisions/[a-z0-9][a-z0-9-]{0,62}");

  private final StreamObserver<ApplyDesignResponse> response;
  private final Twins twins;
  private final long maxBytes;
  private final String errorDomain;

  private ApplyDesignHeader header;
  private final List<DesignChunk> chunks = new ArrayList<>();
  private long bytes;
  private long parts;
  private long placements;
  private long connections;
  private long groups;
  private boolean closed;

  DesignUpload(
      StreamObserver<ApplyDesignResponse> response,
      Twins twins,
      long maxBytes,
      String errorDomain) {
    this.response = response;
    this.twins = twins;
    this.maxBytes = maxBytes;
    this.errorDomain = errorDomain;
  }

  @Override
  public void onNext(ApplyDesignRequest message) {
    if (closed) {
      return;
    }
    try {
      switch (message.getMessageCase()) {
        case HEADER -> header(message.getHeader());
        case CHUNK -> chunk(message.getChunk());
        case COMMIT -> commit(message.getCommit());
        case MESSAGE_NOT_SET ->
            throw new InvalidArgumentException("message", "required: a header, chunk or commit");
      }
    } catch (RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public void onError(Throwable failure) {
    closed = true;
    chunks.clear();
    Log.debugf("ApplyDesign stream ended by the client: %s", failure.toString());
  }

  @Override
  public void onCompleted() {
    if (closed) {
      return;
    }
    fail(
        incomplete(
            header == null ? "header" : "commit",
            "the stream ended without its "
                + (header == null ? "header" : "commit")
                + "; send the whole design again"));
  }

  private void header(ApplyDesignHeader sent) {
    if (header != null) {
      throw incomplete("header", "the header must be sent once, as the first message");
    }
    List<FieldViolation> violations = new ArrayList<>();
    try {
      Names.twinId(sent.getTwinId(), "header.twin_id");
    } catch (InvalidArgumentException e) {
      violations.addAll(e.violations());
    }
    if (!DESIGN.matcher(sent.getDesign()).matches()) {
      violations.add(new FieldViolation("header.design", "must have the form designs/{design}"));
    }
    var revision = DESIGN_REVISION.matcher(sent.getDesignRevision());
    if (!revision.matches()) {
      violations.add(
          new FieldViolation(
              "header.design_revision",
              "must have the form designs/{design}/revisions/{revision}"));
    } else if (!revision.group(1).equals(sent.getDesign())) {
      violations.add(
          new FieldViolation("header.design_revision", "must be a revision of header.design"));
    }
    count(violations, "header.part_count", sent.getPartCount());
    count(violations, "header.placement_count", sent.getPlacementCount());
    count(violations, "header.connection_count", sent.getConnectionCount());
    count(violations, "header.redundancy_group_count", sent.getRedundancyGroupCount());
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    header = sent;
    Optional<RevisionRow> built =
        twins.existingBuild(sent.getTwinId(), sent.getDesign(), sent.getDesignRevision());
    if (built.isPresent()) {
      reply(built.get(), false);
    }
  }

  private static void count(List<FieldViolation> violations, String field, long value) {
    if (value < 0) {
      violations.add(new FieldViolation(field, "must not be negative"));
    }
  }

  private void chunk(DesignChunk chunk) {
    if (header == null) {
      throw incomplete("header", "the header must come before the first chunk");
    }
    if (chunk.getSequence() != chunks.size() + 1) {
      throw incomplete(
          "chunk.sequence",
          "expected chunk " + (chunks.size() + 1) + ", got " + chunk.getSequence());
    }
    bytes += chunk.getSerializedSize();
    if (bytes > maxBytes) {
      throw new InvalidArgumentException(
          "PAYLOAD_TOO_LARGE",
          List.of(
              new FieldViolation(
                  "chunk", "the design exceeds this server's limit of " + maxBytes + " bytes")));
    }
    parts += chunk.getPartsCount();
    placements += chunk.getPlacementsCount();
    connections += chunk.getConnectionsCount();
    groups += chunk.getRedundancyGroupsCount();
    chunks.add(chunk);
  }

  private void commit(ApplyDesignCommit commit) {
    if (header == null) {
      throw incomplete("header", "the header must come before the commit");
    }
    List<FieldViolation> violations = new ArrayList<>();
    if (commit.getChunkCount() != chunks.size()) {
      violations.add(
          new FieldViolation(
              "commit.chunk_count",
              "is " + commit.getChunkCount() + " but " + chunks.size() + " chunks arrived"));
    }
    compare(violations, "header.part_count", header.getPartCount(), parts);
    compare(violations, "header.placement_count", header.getPlacementCount(), placements);
    compare(violations, "header.connection_count", header.getConnectionCount(), connections);
    compare(violations, "header.redundancy_group_count", header.getRedundancyGroupCount(), groups);
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException("STREAM_INCOMPLETE", violations);
    }
    Twins.Applied applied =
        twins.apply(
            header.getTwinId(),
            header.getDesign(),
            header.getDesignRevision(),
            header.getActivate(),
            chunks);
    chunks.clear();
    reply(applied.revision(), applied.newlyBuilt());
  }

  private static void compare(
      List<FieldViolation> violations, String field, long declared, long sent) {
    if (declared != sent) {
      violations.add(new FieldViolation(field, "is " + declared + " but the chunks carry " + sent));
    }
  }

  private void reply(RevisionRow revision, boolean newlyBuilt) {
    closed = true;
    String active = twins.twin(revision.twinId()).activeRevision();
    response.onNext(
        ApplyDesignResponse.newBuilder()
            .setTwinRevision(TwinMapper.revision(revision, active))
            .setNewlyBuilt(newlyBuilt)
            .build());
    response.onCompleted();
  }

  private void fail(RuntimeException failure) {
    closed = true;
    chunks.clear();
    try {
      response.onError(ErrorTable.toStatus(failure, errorDomain));
    } catch (IllegalStateException alreadyClosed) {
      // gRPC ended the call first, for example on a message over the size limit; the client
      // has its status already.
      Log.debugf("ApplyDesign stream already closed: %s", alreadyClosed.getMessage());
    }
  }

  private static InvalidArgumentException incomplete(String field, String description) {
    return new InvalidArgumentException(
        "STREAM_INCOMPLETE", List.of(new FieldViolation(field, description)));
  }
}
