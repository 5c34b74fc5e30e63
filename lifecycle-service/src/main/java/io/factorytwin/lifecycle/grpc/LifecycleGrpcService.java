package io.factorytwin.lifecycle.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.factorytwin.lifecycle.mapping.DesignMapper;
import io.factorytwin.lifecycle.mapping.PartMapper;
import io.factorytwin.lifecycle.mapping.ResourceNames;
import io.factorytwin.lifecycle.mapping.ResourceNames.DesignRevisionName;
import io.factorytwin.lifecycle.mapping.ResourceNames.RevisionName;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignEdit;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.RevisionContent;
import io.factorytwin.lifecycle.service.DesignCatalog;
import io.factorytwin.lifecycle.service.DesignRevisionView;
import io.factorytwin.lifecycle.service.DesignRevisions;
import io.factorytwin.lifecycle.service.DesignView;
import io.factorytwin.lifecycle.service.IdempotentRequests;
import io.factorytwin.lifecycle.service.ListRequest;
import io.factorytwin.lifecycle.service.Page;
import io.factorytwin.lifecycle.service.PartCatalog;
import io.factorytwin.lifecycle.service.PartFields;
import io.factorytwin.lifecycle.service.PartRevisions;
import io.factorytwin.lifecycle.service.PartView;
import io.factorytwin.lifecycle.v1.CheckDesignRequest;
import io.factorytwin.lifecycle.v1.CheckDesignResponse;
import io.factorytwin.lifecycle.v1.CreateDesignRequest;
import io.factorytwin.lifecycle.v1.CreateDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.CreatePartRequest;
import io.factorytwin.lifecycle.v1.CreatePartRevisionRequest;
import io.factorytwin.lifecycle.v1.DeleteDesignRequest;
import io.factorytwin.lifecycle.v1.DeleteDesignResponse;
import io.factorytwin.lifecycle.v1.DeleteDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.DeleteDesignRevisionResponse;
import io.factorytwin.lifecycle.v1.DeletePartRequest;
import io.factorytwin.lifecycle.v1.DeletePartResponse;
import io.factorytwin.lifecycle.v1.DeletePartRevisionRequest;
import io.factorytwin.lifecycle.v1.DeletePartRevisionResponse;
import io.factorytwin.lifecycle.v1.Design;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.EditDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.GetDesignRequest;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.GetPartRequest;
import io.factorytwin.lifecycle.v1.GetPartRevisionRequest;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListConnectionsRequest;
import io.factorytwin.lifecycle.v1.ListConnectionsResponse;
import io.factorytwin.lifecycle.v1.ListDesignRevisionsRequest;
import io.factorytwin.lifecycle.v1.ListDesignRevisionsResponse;
import io.factorytwin.lifecycle.v1.ListDesignsRequest;
import io.factorytwin.lifecycle.v1.ListDesignsResponse;
import io.factorytwin.lifecycle.v1.ListPartRevisionsRequest;
import io.factorytwin.lifecycle.v1.ListPartRevisionsResponse;
import io.factorytwin.lifecycle.v1.ListPartsRequest;
import io.factorytwin.lifecycle.v1.ListPartsResponse;
import io.factorytwin.lifecycle.v1.ListPlacementsRequest;
import io.factorytwin.lifecycle.v1.ListPlacementsResponse;
import io.factorytwin.lifecycle.v1.ObsoleteDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.ObsoletePartRevisionRequest;
import io.factorytwin.lifecycle.v1.Part;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.lifecycle.v1.RejectDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.RejectPartRevisionRequest;
import io.factorytwin.lifecycle.v1.ReleaseDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.ReleasePartRevisionRequest;
import io.factorytwin.lifecycle.v1.SubmitDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.SubmitPartRevisionRequest;
import io.factorytwin.lifecycle.v1.UpdateDesignRequest;
import io.factorytwin.lifecycle.v1.UpdateDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.UpdatePartRequest;
import io.factorytwin.lifecycle.v1.UpdatePartRevisionRequest;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.grpc.Caller;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.List;
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
  private final DesignCatalog designs;
  private final DesignRevisions designRevisions;

  /** Default and largest max_findings of CheckDesign, as the contract states. */
  private static final int DEFAULT_MAX_FINDINGS = 1000;

  private static final int MAX_FINDINGS_LIMIT = 10_000;

  LifecycleGrpcService(
      PartCatalog parts,
      PartRevisions revisions,
      IdempotentRequests requests,
      DesignCatalog designs,
      DesignRevisions designRevisions) {
    this.parts = parts;
    this.revisions = revisions;
    this.requests = requests;
    this.designs = designs;
    this.designRevisions = designRevisions;
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

  @Override
  public void createDesign(CreateDesignRequest request, StreamObserver<Design> response) {
    String designId = ResourceNames.partId(request.getDesignId(), "design_id");
    if (!request.hasDesign()) {
      throw new InvalidArgumentException("design", "required");
    }
    var fields = DesignMapper.newDesign(request.getDesign(), "design");
    Design created =
        idempotent(
            request.getRequestId(),
            "CreateDesign",
            request.toByteArray(),
            () -> DesignMapper.toProto(designs.create(designId, fields)),
            Design::parseFrom);
    reply(response, created);
  }

  @Override
  public void getDesign(GetDesignRequest request, StreamObserver<Design> response) {
    String designId = ResourceNames.design(request.getName(), "name");
    reply(response, DesignMapper.toProto(designs.get(designId)));
  }

  @Override
  public void listDesigns(
      ListDesignsRequest request, StreamObserver<ListDesignsResponse> response) {
    Page<DesignView> page =
        designs.list(
            new ListRequest(
                request.getPageSize(),
                request.getPageToken(),
                request.getFilter(),
                request.getOrderBy()));
    reply(
        response,
        ListDesignsResponse.newBuilder()
            .addAllDesigns(page.items().stream().map(DesignMapper::toProto).toList())
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public void updateDesign(UpdateDesignRequest request, StreamObserver<Design> response) {
    if (!request.hasDesign()) {
      throw new InvalidArgumentException("design", "required");
    }
    String designId = ResourceNames.design(request.getDesign().getName(), "design.name");
    Set<String> mask = DesignMapper.designMask(request.getUpdateMask(), request.getDesign());
    String etag = requiredEtag(request.getDesign().getEtag(), "design.etag");
    DesignView updated =
        designs.update(designId, etag, DesignMapper.updateFields(request.getDesign()), mask);
    reply(response, DesignMapper.toProto(updated));
  }

  @Override
  public void deleteDesign(
      DeleteDesignRequest request, StreamObserver<DeleteDesignResponse> response) {
    String designId = ResourceNames.design(request.getName(), "name");
    designs.delete(designId, requiredEtag(request.getEtag(), "etag"));
    reply(response, DeleteDesignResponse.getDefaultInstance());
  }

  @Override
  public void createDesignRevision(
      CreateDesignRevisionRequest request, StreamObserver<DesignRevision> response) {
    String designId = ResourceNames.design(request.getParent(), "parent");
    int copyFrom = 0;
    if (!request.getCopyFrom().isEmpty()) {
      if (request.hasDesignRevision()) {
        throw new InvalidArgumentException(
            "copy_from", "must not be combined with design_revision; send one of the two");
      }
      DesignRevisionName source = ResourceNames.designRevision(request.getCopyFrom(), "copy_from");
      if (!source.designId().equals(designId)) {
        throw new InvalidArgumentException(
            "copy_from", "must be a revision of " + request.getParent());
      }
      copyFrom = source.number();
    }
    DesignContent content =
        request.hasDesignRevision()
            ? DesignMapper.content(request.getDesignRevision(), "design_revision")
            : null;
    String author = Caller.current().subject();
    int copyFromNumber = copyFrom;
    DesignRevision created =
        idempotent(
            request.getRequestId(),
            "CreateDesignRevision",
            request.toByteArray(),
            () ->
                DesignMapper.toProto(
                    designRevisions.create(designId, content, copyFromNumber, author)),
            DesignRevision::parseFrom);
    reply(response, created);
  }

  @Override
  public void getDesignRevision(
      GetDesignRevisionRequest request, StreamObserver<DesignRevision> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getName(), "name");
    reply(response, DesignMapper.toProto(designRevisions.get(name.designId(), name.number())));
  }

  @Override
  public void listDesignRevisions(
      ListDesignRevisionsRequest request, StreamObserver<ListDesignRevisionsResponse> response) {
    String designId =
        request.getParent().equals("designs/-")
            ? null
            : ResourceNames.design(request.getParent(), "parent");
    Page<DesignRevisionView> page =
        designRevisions.list(
            designId,
            new ListRequest(
                request.getPageSize(),
                request.getPageToken(),
                request.getFilter(),
                request.getOrderBy()));
    reply(
        response,
        ListDesignRevisionsResponse.newBuilder()
            .addAllDesignRevisions(page.items().stream().map(DesignMapper::toProto).toList())
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public void updateDesignRevision(
      UpdateDesignRevisionRequest request, StreamObserver<DesignRevision> response) {
    if (!request.hasDesignRevision()) {
      throw new InvalidArgumentException("design_revision", "required");
    }
    DesignRevision sent = request.getDesignRevision();
    DesignRevisionName name = ResourceNames.designRevision(sent.getName(), "design_revision.name");
    Set<String> mask = DesignMapper.revisionMask(request.getUpdateMask());
    String etag = requiredEtag(sent.getEtag(), "design_revision.etag");
    DesignContent content = DesignMapper.content(sent, "design_revision");
    reply(
        response,
        DesignMapper.toProto(
            designRevisions.update(name.designId(), name.number(), etag, content, mask)));
  }

  @Override
  public void deleteDesignRevision(
      DeleteDesignRevisionRequest request, StreamObserver<DeleteDesignRevisionResponse> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getName(), "name");
    designRevisions.delete(name.designId(), name.number(), requiredEtag(request.getEtag(), "etag"));
    reply(response, DeleteDesignRevisionResponse.getDefaultInstance());
  }

  @Override
  public void editDesignRevision(
      EditDesignRevisionRequest request, StreamObserver<DesignRevision> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    List<DesignEdit> edits = DesignMapper.edits(request.getEditsList(), true);
    if (request.getValidateOnly()) {
      reply(
          response,
          DesignMapper.toProto(
              designRevisions.edit(name.designId(), name.number(), etag, edits, true)));
      return;
    }
    DesignRevision edited =
        idempotent(
            request.getRequestId(),
            "EditDesignRevision",
            request.toByteArray(),
            () ->
                DesignMapper.toProto(
                    designRevisions.edit(name.designId(), name.number(), etag, edits, false)),
            DesignRevision::parseFrom);
    reply(response, edited);
  }

  @Override
  public void listPlacements(
      ListPlacementsRequest request, StreamObserver<ListPlacementsResponse> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getParent(), "parent");
    Page<PlacementElement> page =
        designRevisions.listPlacements(
            name.designId(),
            name.number(),
            new ListRequest(
                request.getPageSize(),
                request.getPageToken(),
                request.getFilter(),
                request.getOrderBy()));
    reply(
        response,
        ListPlacementsResponse.newBuilder()
            .addAllPlacements(page.items().stream().map(DesignMapper::toProto).toList())
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public void listConnections(
      ListConnectionsRequest request, StreamObserver<ListConnectionsResponse> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getParent(), "parent");
    var page =
        designRevisions.listConnections(
            name.designId(),
            name.number(),
            new ListRequest(
                request.getPageSize(),
                request.getPageToken(),
                request.getFilter(),
                request.getOrderBy()));
    reply(
        response,
        ListConnectionsResponse.newBuilder()
            .addAllConnections(page.items().stream().map(DesignMapper::toProto).toList())
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public void checkDesign(
      CheckDesignRequest request, StreamObserver<CheckDesignResponse> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getName(), "name");
    List<DesignEdit> edits = DesignMapper.edits(request.getEditsList(), false);
    Set<String> rules = DesignRevisions.rules(request.getRulesList());
    int maxFindings = request.getMaxFindings();
    if (maxFindings < 0) {
      throw new InvalidArgumentException(
          "max_findings", "must not be negative, got " + maxFindings);
    }
    maxFindings =
        maxFindings == 0 ? DEFAULT_MAX_FINDINGS : Math.min(maxFindings, MAX_FINDINGS_LIMIT);
    reply(
        response,
        DesignMapper.toProto(
            designRevisions.check(name.designId(), name.number(), edits, rules, maxFindings)));
  }

  @Override
  public void submitDesignRevision(
      SubmitDesignRevisionRequest request, StreamObserver<DesignRevision> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    reply(
        response,
        DesignMapper.toProto(designRevisions.submit(name.designId(), name.number(), etag)));
  }

  @Override
  public void rejectDesignRevision(
      RejectDesignRevisionRequest request, StreamObserver<DesignRevision> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    String comment = requiredComment(request.getComment());
    reply(
        response,
        DesignMapper.toProto(
            designRevisions.reject(name.designId(), name.number(), etag, comment)));
  }

  @Override
  public void releaseDesignRevision(
      ReleaseDesignRevisionRequest request, StreamObserver<DesignRevision> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    String releaser = Caller.current().subject();
    reply(
        response,
        DesignMapper.toProto(
            designRevisions.release(name.designId(), name.number(), etag, releaser)));
  }

  @Override
  public void obsoleteDesignRevision(
      ObsoleteDesignRevisionRequest request, StreamObserver<DesignRevision> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    reply(
        response,
        DesignMapper.toProto(designRevisions.obsolete(name.designId(), name.number(), etag)));
  }

  private static String requiredComment(String comment) {
    if (comment.isBlank()) {
      throw new InvalidArgumentException("comment", "required; say why the revision goes back");
    }
    if (comment.codePointCount(0, comment.length()) > MAX_COMMENT_CHARS) {
      throw new InvalidArgumentException(
          "comment", "at most " + MAX_COMMENT_CHARS + " characters are allowed");
    }
    return comment;
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
