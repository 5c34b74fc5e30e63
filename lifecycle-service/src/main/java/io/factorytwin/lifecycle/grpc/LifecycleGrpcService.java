package io.factorytwin.lifecycle.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import io.factorytwin.lifecycle.mapping.AlternativeMapper;
import io.factorytwin.lifecycle.mapping.ChangeNoticeMapper;
import io.factorytwin.lifecycle.mapping.ComparisonMapper;
import io.factorytwin.lifecycle.mapping.DesignDocumentReader;
import io.factorytwin.lifecycle.mapping.DesignMapper;
import io.factorytwin.lifecycle.mapping.PartMapper;
import io.factorytwin.lifecycle.mapping.PublicationMapper;
import io.factorytwin.lifecycle.mapping.ResourceNames;
import io.factorytwin.lifecycle.mapping.ResourceNames.DesignChildName;
import io.factorytwin.lifecycle.mapping.ResourceNames.DesignRevisionName;
import io.factorytwin.lifecycle.mapping.ResourceNames.PublicationName;
import io.factorytwin.lifecycle.mapping.ResourceNames.RevisionName;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignEdit;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.RevisionContent;
import io.factorytwin.lifecycle.service.AlternativeFields;
import io.factorytwin.lifecycle.service.Alternatives;
import io.factorytwin.lifecycle.service.AppliedChange;
import io.factorytwin.lifecycle.service.ChangeNoticeFields;
import io.factorytwin.lifecycle.service.ChangeNoticeView;
import io.factorytwin.lifecycle.service.ChangeNotices;
import io.factorytwin.lifecycle.service.DesignCatalog;
import io.factorytwin.lifecycle.service.DesignExports;
import io.factorytwin.lifecycle.service.DesignRevisionView;
import io.factorytwin.lifecycle.service.DesignRevisions;
import io.factorytwin.lifecycle.service.DesignView;
import io.factorytwin.lifecycle.service.DocumentImporter;
import io.factorytwin.lifecycle.service.IdempotentRequests;
import io.factorytwin.lifecycle.service.ListRequest;
import io.factorytwin.lifecycle.service.Page;
import io.factorytwin.lifecycle.service.PartCatalog;
import io.factorytwin.lifecycle.service.PartFields;
import io.factorytwin.lifecycle.service.PartRevisions;
import io.factorytwin.lifecycle.service.PartView;
import io.factorytwin.lifecycle.service.Publications;
import io.factorytwin.lifecycle.service.UsdExportSource;
import io.factorytwin.lifecycle.v1.Alternative;
import io.factorytwin.lifecycle.v1.ApplyChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.ApplyChangeNoticeResponse;
import io.factorytwin.lifecycle.v1.ApproveChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.ChangeNotice;
import io.factorytwin.lifecycle.v1.CheckDesignRequest;
import io.factorytwin.lifecycle.v1.CheckDesignResponse;
import io.factorytwin.lifecycle.v1.CompareAlternativesRequest;
import io.factorytwin.lifecycle.v1.CompareAlternativesResponse;
import io.factorytwin.lifecycle.v1.CreateAlternativeRequest;
import io.factorytwin.lifecycle.v1.CreateChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.CreateDesignRequest;
import io.factorytwin.lifecycle.v1.CreateDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.CreatePartRequest;
import io.factorytwin.lifecycle.v1.CreatePartRevisionRequest;
import io.factorytwin.lifecycle.v1.DeleteAlternativeRequest;
import io.factorytwin.lifecycle.v1.DeleteAlternativeResponse;
import io.factorytwin.lifecycle.v1.DeleteChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.DeleteChangeNoticeResponse;
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
import io.factorytwin.lifecycle.v1.ExportDesignUsdRequest;
import io.factorytwin.lifecycle.v1.ExportDesignUsdResponse;
import io.factorytwin.lifecycle.v1.GetAlternativeRequest;
import io.factorytwin.lifecycle.v1.GetChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.GetDesignRequest;
import io.factorytwin.lifecycle.v1.GetDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.GetPartRequest;
import io.factorytwin.lifecycle.v1.GetPartRevisionRequest;
import io.factorytwin.lifecycle.v1.GetPublicationRequest;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentRequest;
import io.factorytwin.lifecycle.v1.ImportDesignDocumentResponse;
import io.factorytwin.lifecycle.v1.LifecycleServiceGrpc;
import io.factorytwin.lifecycle.v1.ListAlternativesRequest;
import io.factorytwin.lifecycle.v1.ListAlternativesResponse;
import io.factorytwin.lifecycle.v1.ListChangeNoticesRequest;
import io.factorytwin.lifecycle.v1.ListChangeNoticesResponse;
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
import io.factorytwin.lifecycle.v1.ListPublicationsRequest;
import io.factorytwin.lifecycle.v1.ListPublicationsResponse;
import io.factorytwin.lifecycle.v1.ObsoleteDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.ObsoletePartRevisionRequest;
import io.factorytwin.lifecycle.v1.Part;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.lifecycle.v1.Publication;
import io.factorytwin.lifecycle.v1.PublishDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.RejectChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.RejectDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.RejectPartRevisionRequest;
import io.factorytwin.lifecycle.v1.ReleaseDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.ReleasePartRevisionRequest;
import io.factorytwin.lifecycle.v1.SubmitChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.SubmitDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.SubmitPartRevisionRequest;
import io.factorytwin.lifecycle.v1.UpdateAlternativeRequest;
import io.factorytwin.lifecycle.v1.UpdateChangeNoticeRequest;
import io.factorytwin.lifecycle.v1.UpdateDesignRequest;
import io.factorytwin.lifecycle.v1.UpdateDesignRevisionRequest;
import io.factorytwin.lifecycle.v1.UpdatePartRequest;
import io.factorytwin.lifecycle.v1.UpdatePartRevisionRequest;
import io.factorytwin.support.config.ServiceConfig;
import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.grpc.Caller;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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

  /** Maximum number of alternatives in one CompareAlternatives call, as the contract states. */
  private static final int MAX_COMPARED_ALTERNATIVES = 50;

  private final PartCatalog parts;
  private final PartRevisions revisions;
  private final IdempotentRequests requests;
  private final DesignCatalog designs;
  private final DesignRevisions designRevisions;
  private final ChangeNotices changes;
  private final Alternatives alternatives;
  private final Publications publications;
  private final DesignDocumentReader documentReader;
  private final DocumentImporter documentImporter;
  private final DesignExports exports;
  private final String errorDomain;
  private final long maxDocumentBytes;

  /** Default and largest max_findings of CheckDesign, as the contract states. */
  private static final int DEFAULT_MAX_FINDINGS = 1000;

  private static final int MAX_FINDINGS_LIMIT = 10_000;

  LifecycleGrpcService(
      PartCatalog parts,
      PartRevisions revisions,
      IdempotentRequests requests,
      DesignCatalog designs,
      DesignRevisions designRevisions,
      ChangeNotices changes,
      Alternatives alternatives,
      Publications publications,
      DesignDocumentReader documentReader,
      DocumentImporter documentImporter,
      DesignExports exports,
      ServiceConfig config,
      @ConfigProperty(name = "lifecycle.import.max-document-bytes") long maxDocumentBytes) {
    this.parts = parts;
    this.revisions = revisions;
    this.requests = requests;
    this.designs = designs;
    this.designRevisions = designRevisions;
    this.changes = changes;
    this.alternatives = alternatives;
    this.publications = publications;
    this.documentReader = documentReader;
    this.documentImporter = documentImporter;
    this.exports = exports;
    this.errorDomain = config.errorDomain();
    this.maxDocumentBytes = maxDocumentBytes;
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

  @Override
  public void createAlternative(
      CreateAlternativeRequest request, StreamObserver<Alternative> response) {
    String designId = ResourceNames.design(request.getParent(), "parent");
    String alternativeId = ResourceNames.partId(request.getAlternativeId(), "alternative_id");
    if (!request.hasAlternative()) {
      throw new InvalidArgumentException("alternative", "required");
    }
    Alternative sent = request.getAlternative();
    DesignRevisionName base =
        ResourceNames.designRevision(sent.getBaseRevision(), "alternative.base_revision");
    if (!base.designId().equals(designId)) {
      throw new InvalidArgumentException(
          "alternative.base_revision", "must be a revision of " + request.getParent());
    }
    AlternativeFields fields =
        AlternativeMapper.fields(sent, "alternative", AlternativeMapper.UPDATABLE);
    String author = Caller.current().subject();
    Alternative created =
        idempotent(
            request.getRequestId(),
            "CreateAlternative",
            request.toByteArray(),
            () ->
                AlternativeMapper.toProto(
                    alternatives.create(designId, alternativeId, base.number(), fields, author)),
            Alternative::parseFrom);
    reply(response, created);
  }

  @Override
  public void getAlternative(GetAlternativeRequest request, StreamObserver<Alternative> response) {
    DesignChildName name = ResourceNames.alternative(request.getName(), "name");
    reply(response, AlternativeMapper.toProto(alternatives.get(name.designId(), name.id())));
  }

  @Override
  public void listAlternatives(
      ListAlternativesRequest request, StreamObserver<ListAlternativesResponse> response) {
    String designId = ResourceNames.design(request.getParent(), "parent");
    var page =
        alternatives.list(
            designId,
            new ListRequest(
                request.getPageSize(),
                request.getPageToken(),
                request.getFilter(),
                request.getOrderBy()));
    reply(
        response,
        ListAlternativesResponse.newBuilder()
            .addAllAlternatives(page.items().stream().map(AlternativeMapper::toProto).toList())
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public void updateAlternative(
      UpdateAlternativeRequest request, StreamObserver<Alternative> response) {
    if (!request.hasAlternative()) {
      throw new InvalidArgumentException("alternative", "required");
    }
    Alternative sent = request.getAlternative();
    DesignChildName name = ResourceNames.alternative(sent.getName(), "alternative.name");
    Set<String> mask = AlternativeMapper.mask(request.getUpdateMask());
    String etag = requiredEtag(sent.getEtag(), "alternative.etag");
    int baseNumber = 0;
    if (mask.contains("base_revision")) {
      DesignRevisionName base =
          ResourceNames.designRevision(sent.getBaseRevision(), "alternative.base_revision");
      if (!base.designId().equals(name.designId())) {
        throw new InvalidArgumentException(
            "alternative.base_revision", "must be a revision of designs/" + name.designId());
      }
      baseNumber = base.number();
    }
    AlternativeFields fields = AlternativeMapper.fields(sent, "alternative", mask);
    reply(
        response,
        AlternativeMapper.toProto(
            alternatives.update(name.designId(), name.id(), etag, baseNumber, fields, mask)));
  }

  @Override
  public void deleteAlternative(
      DeleteAlternativeRequest request, StreamObserver<DeleteAlternativeResponse> response) {
    DesignChildName name = ResourceNames.alternative(request.getName(), "name");
    alternatives.delete(name.designId(), name.id(), requiredEtag(request.getEtag(), "etag"));
    reply(response, DeleteAlternativeResponse.getDefaultInstance());
  }

  @Override
  public void compareAlternatives(
      CompareAlternativesRequest request, StreamObserver<CompareAlternativesResponse> response) {
    String designId = ResourceNames.design(request.getParent(), "parent");
    if (request.getAlternativesCount() > MAX_COMPARED_ALTERNATIVES) {
      throw new InvalidArgumentException(
          "alternatives",
          "has "
              + request.getAlternativesCount()
              + " entries; at most "
              + MAX_COMPARED_ALTERNATIVES
              + " alternatives can be compared at once");
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < request.getAlternativesCount(); i++) {
      String field = "alternatives[" + i + "]";
      DesignChildName name = ResourceNames.alternative(request.getAlternatives(i), field);
      if (!name.designId().equals(designId)) {
        throw new InvalidArgumentException(
            field, "must be an alternative of " + request.getParent());
      }
      if (ids.contains(name.id())) {
        throw new InvalidArgumentException(
            field, request.getAlternatives(i) + " is already listed; name each alternative once");
      }
      ids.add(name.id());
    }
    reply(
        response,
        ComparisonMapper.toProto(
            alternatives.compare(designId, ids), request.getIncludeUnchanged()));
  }

  @Override
  public void createChangeNotice(
      CreateChangeNoticeRequest request, StreamObserver<ChangeNotice> response) {
    String designId = ResourceNames.design(request.getParent(), "parent");
    String changeId = ResourceNames.partId(request.getChangeNoticeId(), "change_notice_id");
    if (!request.hasChangeNotice()) {
      throw new InvalidArgumentException("change_notice", "required");
    }
    ChangeNotice sent = request.getChangeNotice();
    DesignRevisionName base =
        ResourceNames.designRevision(sent.getBaseRevision(), "change_notice.base_revision");
    if (!base.designId().equals(designId)) {
      throw new InvalidArgumentException(
          "change_notice.base_revision", "must be a revision of " + request.getParent());
    }
    ChangeNoticeFields fields = ChangeNoticeMapper.fields(sent, "change_notice");
    String author = Caller.current().subject();
    ChangeNotice created =
        idempotent(
            request.getRequestId(),
            "CreateChangeNotice",
            request.toByteArray(),
            () ->
                ChangeNoticeMapper.toProto(
                    changes.create(designId, changeId, base.number(), fields, author)),
            ChangeNotice::parseFrom);
    reply(response, created);
  }

  @Override
  public void getChangeNotice(
      GetChangeNoticeRequest request, StreamObserver<ChangeNotice> response) {
    DesignChildName name = ResourceNames.change(request.getName(), "name");
    reply(response, ChangeNoticeMapper.toProto(changes.get(name.designId(), name.id())));
  }

  @Override
  public void listChangeNotices(
      ListChangeNoticesRequest request, StreamObserver<ListChangeNoticesResponse> response) {
    String designId = ResourceNames.design(request.getParent(), "parent");
    Page<ChangeNoticeView> page =
        changes.list(
            designId,
            new ListRequest(
                request.getPageSize(),
                request.getPageToken(),
                request.getFilter(),
                request.getOrderBy()));
    reply(
        response,
        ListChangeNoticesResponse.newBuilder()
            .addAllChangeNotices(page.items().stream().map(ChangeNoticeMapper::toProto).toList())
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public void updateChangeNotice(
      UpdateChangeNoticeRequest request, StreamObserver<ChangeNotice> response) {
    if (!request.hasChangeNotice()) {
      throw new InvalidArgumentException("change_notice", "required");
    }
    ChangeNotice sent = request.getChangeNotice();
    DesignChildName name = ResourceNames.change(sent.getName(), "change_notice.name");
    Set<String> mask = ChangeNoticeMapper.mask(request.getUpdateMask(), sent);
    String etag = requiredEtag(sent.getEtag(), "change_notice.etag");
    ChangeNoticeFields fields = ChangeNoticeMapper.updateFields(sent, mask);
    reply(
        response,
        ChangeNoticeMapper.toProto(changes.update(name.designId(), name.id(), etag, fields, mask)));
  }

  @Override
  public void deleteChangeNotice(
      DeleteChangeNoticeRequest request, StreamObserver<DeleteChangeNoticeResponse> response) {
    DesignChildName name = ResourceNames.change(request.getName(), "name");
    changes.delete(name.designId(), name.id(), requiredEtag(request.getEtag(), "etag"));
    reply(response, DeleteChangeNoticeResponse.getDefaultInstance());
  }

  @Override
  public void submitChangeNotice(
      SubmitChangeNoticeRequest request, StreamObserver<ChangeNotice> response) {
    DesignChildName name = ResourceNames.change(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    reply(response, ChangeNoticeMapper.toProto(changes.submit(name.designId(), name.id(), etag)));
  }

  @Override
  public void approveChangeNotice(
      ApproveChangeNoticeRequest request, StreamObserver<ChangeNotice> response) {
    DesignChildName name = ResourceNames.change(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    String comment = request.getComment();
    if (comment.codePointCount(0, comment.length()) > MAX_COMMENT_CHARS) {
      throw new InvalidArgumentException(
          "comment", "at most " + MAX_COMMENT_CHARS + " characters are allowed");
    }
    String reviewer = Caller.current().subject();
    reply(
        response,
        ChangeNoticeMapper.toProto(
            changes.approve(name.designId(), name.id(), etag, reviewer, comment)));
  }

  @Override
  public void rejectChangeNotice(
      RejectChangeNoticeRequest request, StreamObserver<ChangeNotice> response) {
    DesignChildName name = ResourceNames.change(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    String comment = request.getComment();
    if (comment.isBlank()) {
      throw new InvalidArgumentException("comment", "required; say why the change is rejected");
    }
    if (comment.codePointCount(0, comment.length()) > MAX_COMMENT_CHARS) {
      throw new InvalidArgumentException(
          "comment", "at most " + MAX_COMMENT_CHARS + " characters are allowed");
    }
    String reviewer = Caller.current().subject();
    reply(
        response,
        ChangeNoticeMapper.toProto(
            changes.reject(name.designId(), name.id(), etag, reviewer, comment)));
  }

  @Override
  public void applyChangeNotice(
      ApplyChangeNoticeRequest request, StreamObserver<ApplyChangeNoticeResponse> response) {
    DesignChildName name = ResourceNames.change(request.getName(), "name");
    String etag = requiredEtag(request.getEtag(), "etag");
    ApplyChangeNoticeResponse applied =
        idempotent(
            request.getRequestId(),
            "ApplyChangeNotice",
            request.toByteArray(),
            () -> {
              AppliedChange result = changes.apply(name.designId(), name.id(), etag);
              return ApplyChangeNoticeResponse.newBuilder()
                  .setChangeNotice(ChangeNoticeMapper.toProto(result.change()))
                  .setResultingRevision(DesignMapper.toProto(result.revision()))
                  .build();
            },
            ApplyChangeNoticeResponse::parseFrom);
    reply(response, applied);
  }

  @Override
  public void publishDesignRevision(
      PublishDesignRevisionRequest request, StreamObserver<Publication> response) {
    DesignRevisionName name = ResourceNames.designRevision(request.getName(), "name");
    // The default twin is named after the design; design and twin ids follow the same rules.
    String twinId =
        request.getTwin().isEmpty()
            ? name.designId()
            : ResourceNames.twin(request.getTwin(), "twin");
    String author = Caller.current().subject();
    Publication published =
        idempotent(
            request.getRequestId(),
            "PublishDesignRevision",
            request.toByteArray(),
            () ->
                PublicationMapper.toProto(
                    publications.publish(
                        name.designId(), name.number(), twinId, request.getActivate(), author)),
            Publication::parseFrom);
    reply(response, published);
  }

  @Override
  public void getPublication(GetPublicationRequest request, StreamObserver<Publication> response) {
    PublicationName name = ResourceNames.publication(request.getName(), "name");
    reply(
        response,
        PublicationMapper.toProto(publications.get(name.designId(), name.number(), name.id())));
  }

  @Override
  public void listPublications(
      ListPublicationsRequest request, StreamObserver<ListPublicationsResponse> response) {
    String parent = request.getParent();
    String designId;
    int number;
    if (parent.endsWith("/revisions/-")) {
      designId =
          ResourceNames.design(
              parent.substring(0, parent.length() - "/revisions/-".length()), "parent");
      number = 0;
    } else {
      DesignRevisionName name = ResourceNames.designRevision(parent, "parent");
      designId = name.designId();
      number = name.number();
    }
    var page =
        publications.list(
            designId,
            number,
            new ListRequest(
                request.getPageSize(),
                request.getPageToken(),
                request.getFilter(),
                request.getOrderBy()));
    reply(
        response,
        ListPublicationsResponse.newBuilder()
            .addAllPublications(page.items().stream().map(PublicationMapper::toProto).toList())
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public StreamObserver<ImportDesignDocumentRequest> importDesignDocument(
      StreamObserver<ImportDesignDocumentResponse> response) {
    return new DocumentUpload(
        response,
        documentReader,
        documentImporter,
        requests,
        maxDocumentBytes,
        errorDomain,
        Caller.current().subject());
  }

  @Override
  public void exportDesignUsd(
      ExportDesignUsdRequest request, StreamObserver<ExportDesignUsdResponse> response) {
    long start = System.nanoTime();
    DesignRevisionName name = ResourceNames.designRevision(request.getName(), "name");
    long resumeOffset = request.getResumeOffset();
    String expectedEtag = request.getExpectedEtag();
    if (resumeOffset != 0 && expectedEtag.isEmpty()) {
      throw new InvalidArgumentException(
          "expected_etag",
          "required when resume_offset is not 0; send the etag from the header of the interrupted"
              + " stream");
    }
    UsdExportSource source =
        exports.load(name.designId(), name.number(), request.getIncludeAlternatives());
    // NOTE: the revision etag stays the same when an alternative or a placed IN_WORK part revision
    // changes, so a resumed stream can then differ from the first one. The SHA-256 of the end
    // message shows the difference.
    if (!expectedEtag.isEmpty() && !expectedEtag.equals(source.revision().revision().etag())) {
      throw new EtagMismatchException(request.getName());
    }
    new UsdExportStream(source, request.getIncludeAlternatives(), response, errorDomain, start)
        .send(resumeOffset);
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
