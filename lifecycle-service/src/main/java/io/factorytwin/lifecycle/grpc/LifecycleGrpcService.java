package io.factorytwin.lifecycle.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.factorytwin.lifecycle.mapping.PartMapper;
import io.factorytwin.lifecycle.mapping.ResourceNames;
import io.factorytwin.lifecycle.mapping.ResourceNames.RevisionName;
import io.factorytwin.lifecycle.model.RevisionContent;
import io.factorytwin.lifecycle.service.IdempotentRequests;
import io.factorytwin.lifecycle.service.ListRequest;
import io.factorytwin.lifecycle.service.Page;
import io.factorytwin.lifecycle.service.PartCatalog;
import io.factorytwin.lifecycle.service.PartFields;
import io.factorytwin.lifecycle.service.PartRevisions;
import io.factorytwin.lifecycle.service.PartView;
import io.factorytwin.lifecycle.v1.CreatePartRequest;
import io.factorytwin.lifecycle.v1.CreatePartRevisionRequest;
import io.factorytwin.lifecycle.v1.DeletePartRequest;
import io.factorytwin.lifecycle.v1.DeletePartResponse;
import io.factorytwin.lifecycle.v1.DeletePartRevisionRequest;
import io.factorytwin.lifecycle.v1.DeletePartRevisionResponse;
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
import io.factorytwin.lifecycle.v1.RejectPartRevisionRequest;
import io.factorytwin.lifecycle.v1.ReleasePartRevisionRequest;
import io.factorytwin.lifecycle.v1.SubmitPartRevisionRequest;
import io.factorytwin.lifecycle.v1.UpdatePartRequest;
import io.factorytwin.lifecycle.v1.UpdatePartRevisionRequest;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.grpc.Caller;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gRPC endpoint of lifecycle-service. Methods not overridden here answer UNIMPLEMENTED, the
 * grpc-java default, with a message that names the method; each is built in its own change.
 * Blocking: every method runs on a worker thread, never on the event loop, because they read and
 * write the database.
 */
@GrpcService
@Blocking
public class LifecycleGrpcService extends LifecycleServiceGrpc.LifecycleServiceImplBase {

  private static final int MAX_COMMENT_CHARS = 4096;

  private final PartCatalog parts;
  private final PartRevisions revisions;
  private final IdempotentRequests requests;

  LifecycleGrpcService(PartCatalog parts, PartRevisions revisions, IdempotentRequests requests) {
    this.parts = parts;
    this.revisions = revisions;
    this.requests = requests;
  }

  @Override
  public void createPart(CreatePartRequest request, StreamObserver<Part> response) {
    String partId = ResourceNames.partId(request.getPartId(), "part_id");
    if (!request.hasPart()) {
      throw new InvalidArgumentException("part", "required");
    }
    PartFields fields = PartMapper.newPart(request.getPart(), "part");
    Part created =
        idempotent(
            request.getRequestId(),
            "CreatePart",
            request.toByteArray(),
            () -> PartMapper.toProto(parts.create(partId, fields)),
            Part::parseFrom);
    reply(response, created);
  }

  @Override
  public void getPart(GetPartRequest request, StreamObserver<Part> response) {
    String partId = ResourceNames.part(request.getName(), "name");
    reply(response, PartMapper.toProto(parts.get(partId)));
  }

  @Override
  public void listParts(ListPartsRequest request, StreamObserver<ListPartsResponse> response) {
    Page<PartView> page =
        parts.list(
            new ListRequest(
                request.getPageSize(),
                request.getPageToken(),
                request.getFilter(),
                request.getOrderBy()));
    reply(
        response,
        ListPartsResponse.newBuilder()
            .addAllParts(page.items().stream().map(PartMapper::toProto).toList())
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public void updatePart(UpdatePartRequest request, StreamObserver<Part> response) {
    if (!request.hasPart()) {
      throw new InvalidArgumentException("part", "required");
    }
    String partId = ResourceNames.part(request.getPart().getName(), "part.name");
    Set<String> mask = PartMapper.partMask(request.getUpdateMask(), request.getPart());
    String etag = requiredEtag(request.getPart().getEtag(), "part.etag");
    PartView updated = parts.update(partId, etag, PartMapper.updateFields(request.getPart()), mask);
    reply(response, PartMapper.toProto(updated));
  }

  @Override
  public void deletePart(DeletePartRequest request, StreamObserver<DeletePartResponse> response) {
    String partId = ResourceNames.part(request.getName(), "name");
    parts.delete(partId, requiredEtag(request.getEtag(), "etag"));
    reply(response, DeletePartResponse.getDefaultInstance());
  }

  @Override
  public void createPartRevision(
      CreatePartRevisionRequest request, StreamObserver<PartRevision> response) {
    String partId = ResourceNames.part(request.getParent(), "parent");
    int copyFrom = 0;
    if (!request.getCopyFrom().isEmpty()) {
      if (request.hasPartRevision()) {
        throw new InvalidArgumentException(
            "copy_from", "must not be combined with part_revision; send one of the two");
      }
      RevisionName source = ResourceNames.revision(request.getCopyFrom(), "copy_from");
      if (!source.partId().equals(partId)) {
        throw new InvalidArgumentException(
            "copy_from", "must be a revision of " + request.getParent());
      }
      copyFrom = source.number();
    }
    RevisionContent content =
        request.hasPartRevision() ? PartMapper.content(request.getPartRevision()) : null;
    String author = Caller.current().subject();
    int copyFromNumber = copyFrom;
    PartRevision created =
        idempotent(
            request.getRequestId(),
            "CreatePartRevision",
            request.toByteArray(),
            () -> PartMapper.toProto(revisions.create(partId, content, copyFromNumber, author)),
            PartRevision::parseFrom);
    reply(response, created);
  }

  @Override
  public void getPartRevision(
      GetPartRevisionRequest request, StreamObserver<PartRevision> response) {
    RevisionName name = ResourceNames.revision(request.getName(), "name");
    reply(response, PartMapper.toProto(revisions.get(name.partId(), name.number())));
  }

  @Override
  public void listPartRevisions(
      ListPartRevisionsRequest request, StreamObserver<ListPartRevisionsResponse> response) {
    String partId =
        request.getParent().equals("parts/-")
            ? null
            : ResourceNames.part(request.getParent(), "parent");
    Page<io.factorytwin.lifecycle.model.PartRevision> page =
        revisions.list(
            partId,
            new ListRequest(
                request.getPageSize(),
                request.getPageToken(),
                request.getFilter(),
                request.getOrderBy()));
    reply(
        response,
        ListPartRevisionsResponse.newBuilder()
            .addAllPartRevisions(page.items().stream().map(PartMapper::toProto).toList())
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public void updatePartRevision(
      UpdatePartRevisionRequest request, StreamObserver<PartRevision> response) {
    if (!request.hasPartRevision()) {
      throw new InvalidArgumentException("part_revision", "required");
    }
    PartRevision sent = request.getPartRevision();
    RevisionName name = ResourceNames.revision(sent.getName(), "part_revision.name");
    Set<String> mask = PartMapper.revisionMask(request.getUpdateMask());
    String etag = requiredEtag(sent.getEtag(), "part_revision.etag");
    var updated =
        revisions.update(name.partId(), name.number(), etag, PartMapper.content(sent), mask);
    reply(response, PartMapper.toProto(updated));
  }

  @Override
  public void deletePartRevision(
      DeletePartRevisionRequest request, StreamObserver<DeletePartRevisionResponse> response) {
    RevisionName name = ResourceNames.revision(request.getName(), "name");
    revisions.delete(name.partId(), name.number(), requiredEtag(request.getEtag(), "etag"));
    reply(response, DeletePartRevisionResponse.getDefaultInstance());
  }

  @Override
  public void submitPartRevision(
      SubmitPartRevisionRequest request, StreamObserver<PartRevision> response) {
    RevisionName name = ResourceNames.revision(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    reply(response, PartMapper.toProto(revisions.submit(name.partId(), name.number(), etag)));
  }

  @Override
  public void rejectPartRevision(
      RejectPartRevisionRequest request, StreamObserver<PartRevision> response) {
    RevisionName name = ResourceNames.revision(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    String comment = request.getComment();
    if (comment.isBlank()) {
      throw new InvalidArgumentException("comment", "required; say why the revision goes back");
    }
    if (comment.codePointCount(0, comment.length()) > MAX_COMMENT_CHARS) {
      throw new InvalidArgumentException(
          "comment", "at most " + MAX_COMMENT_CHARS + " characters are allowed");
    }
    reply(
        response,
        PartMapper.toProto(revisions.reject(name.partId(), name.number(), etag, comment)));
  }

  @Override
  public void releasePartRevision(
      ReleasePartRevisionRequest request, StreamObserver<PartRevision> response) {
    RevisionName name = ResourceNames.revision(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    String releaser = Caller.current().subject();
    reply(
        response,
        PartMapper.toProto(revisions.release(name.partId(), name.number(), etag, releaser)));
  }

  @Override
  public void obsoletePartRevision(
      ObsoletePartRevisionRequest request, StreamObserver<PartRevision> response) {
    RevisionName name = ResourceNames.revision(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    reply(response, PartMapper.toProto(revisions.obsolete(name.partId(), name.number(), etag)));
  }

  /** A parser of stored responses; the checked exception cannot happen for bytes we wrote. */
  private interface Decoder<T> {
    T parse(byte[] bytes) throws InvalidProtocolBufferException;
  }

  private <T extends com.google.protobuf.Message> T idempotent(
      String requestId, String method, byte[] request, Supplier<T> work, Decoder<T> decoder) {
    Function<byte[], T> decode =
        bytes -> {
          try {
            return decoder.parse(bytes);
          } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored response of " + method + " is unreadable", e);
          }
        };
    return requests.run(requestId, method, request, work, T::toByteArray, decode);
  }

  private static String requiredEtag(String etag, String field) {
    if (etag.isEmpty()) {
      throw new InvalidArgumentException(field, "required; send the etag of the last read");
    }
    return etag;
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
