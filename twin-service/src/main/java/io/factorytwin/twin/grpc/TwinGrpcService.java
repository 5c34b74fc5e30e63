package io.factorytwin.twin.grpc;

import io.factorytwin.support.config.ServiceConfig;
import io.factorytwin.support.error.ErrorTable;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.support.grpc.Caller;
import io.factorytwin.twin.graph.ImpactAnalysis;
import io.factorytwin.twin.graph.PointTemplate;
import io.factorytwin.twin.graph.Traversal;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.service.ChangeLog;
import io.factorytwin.twin.service.DatabaseException;
import io.factorytwin.twin.service.InsightStore;
import io.factorytwin.twin.service.LiveState;
import io.factorytwin.twin.service.LiveStates;
import io.factorytwin.twin.service.MemoryFilter;
import io.factorytwin.twin.service.MemoryFilter.Type;
import io.factorytwin.twin.service.RollupHistory;
import io.factorytwin.twin.service.RollupWriter;
import io.factorytwin.twin.service.Setpoints;
import io.factorytwin.twin.service.TwinLease;
import io.factorytwin.twin.service.TwinStore.RevisionRow;
import io.factorytwin.twin.service.TwinStore.TwinRow;
import io.factorytwin.twin.service.Twins;
import io.factorytwin.twin.v1.AcknowledgeInsightRequest;
import io.factorytwin.twin.v1.ActivateTwinRevisionRequest;
import io.factorytwin.twin.v1.AnalyzeImpactRequest;
import io.factorytwin.twin.v1.AnalyzeImpactResponse;
import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.ApplyDesignResponse;
import io.factorytwin.twin.v1.ApplySetpointRequest;
import io.factorytwin.twin.v1.AttributeValue;
import io.factorytwin.twin.v1.BatchApplySetpointsRequest;
import io.factorytwin.twin.v1.BatchApplySetpointsResponse;
import io.factorytwin.twin.v1.EdgeKind;
import io.factorytwin.twin.v1.GetHistoryRequest;
import io.factorytwin.twin.v1.GetHistoryResponse;
import io.factorytwin.twin.v1.GetInsightRequest;
import io.factorytwin.twin.v1.GetKpisRequest;
import io.factorytwin.twin.v1.GetLatestValuesRequest;
import io.factorytwin.twin.v1.GetLatestValuesResponse;
import io.factorytwin.twin.v1.GetNodeRequest;
import io.factorytwin.twin.v1.GetPointRequest;
import io.factorytwin.twin.v1.GetTwinRequest;
import io.factorytwin.twin.v1.GetTwinRevisionRequest;
import io.factorytwin.twin.v1.GroupImpact;
import io.factorytwin.twin.v1.HistoryBucket;
import io.factorytwin.twin.v1.ImpactKind;
import io.factorytwin.twin.v1.IngestRequest;
import io.factorytwin.twin.v1.IngestResponse;
import io.factorytwin.twin.v1.Insight;
import io.factorytwin.twin.v1.Kpis;
import io.factorytwin.twin.v1.ListEdgesRequest;
import io.factorytwin.twin.v1.ListEdgesResponse;
import io.factorytwin.twin.v1.ListInsightsRequest;
import io.factorytwin.twin.v1.ListInsightsResponse;
import io.factorytwin.twin.v1.ListNodesRequest;
import io.factorytwin.twin.v1.ListNodesResponse;
import io.factorytwin.twin.v1.ListPointsRequest;
import io.factorytwin.twin.v1.ListPointsResponse;
import io.factorytwin.twin.v1.ListSetpointHistoryRequest;
import io.factorytwin.twin.v1.ListSetpointHistoryResponse;
import io.factorytwin.twin.v1.ListTwinRevisionsRequest;
import io.factorytwin.twin.v1.ListTwinRevisionsResponse;
import io.factorytwin.twin.v1.ListTwinsRequest;
import io.factorytwin.twin.v1.ListTwinsResponse;
import io.factorytwin.twin.v1.Node;
import io.factorytwin.twin.v1.Path;
import io.factorytwin.twin.v1.Point;
import io.factorytwin.twin.v1.PointValue;
import io.factorytwin.twin.v1.RackImpact;
import io.factorytwin.twin.v1.RecordObservedEdgesRequest;
import io.factorytwin.twin.v1.RecordObservedEdgesResponse;
import io.factorytwin.twin.v1.RevisionSwitched;
import io.factorytwin.twin.v1.SetpointChange;
import io.factorytwin.twin.v1.TraverseDirection;
import io.factorytwin.twin.v1.TraverseRequest;
import io.factorytwin.twin.v1.TraverseResponse;
import io.factorytwin.twin.v1.Twin;
import io.factorytwin.twin.v1.TwinRevision;
import io.factorytwin.twin.v1.TwinServiceGrpc;
import io.factorytwin.twin.v1.UpstreamCondition;
import io.factorytwin.twin.v1.WatchRequest;
import io.factorytwin.twin.v1.WatchResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gRPC endpoint of twin-service. Methods not overridden here answer UNIMPLEMENTED, the
 * grpc-java default, with a message that names the method. Every method but Ingest is @Blocking: it
 * runs on a worker thread because it may read the database. Ingest controls its inbound flow by
 * hand and hands its messages to the ingest executor, see {@link IngestStream}.
 */
@GrpcService
public class TwinGrpcService extends TwinServiceGrpc.TwinServiceImplBase {

  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern ACTION = Pattern.compile("actions/[A-Za-z0-9._-]{1,128}");
  private static final int DEFAULT_DEPTH = 64;
  private static final int MAX_DEPTH = 1000;
  private static final int MAX_FAILED_NODES = 1000;
  private static final int MAX_NAMED_POINTS = 10_000;

  /** Maximum number of changes in one BatchApplySetpoints call, the contract's limit. */
  private static final int MAX_BATCH_SETPOINTS = 1000;

  private static final Map<String, Type> TWIN_FIELDS =
      Map.of("design", Type.TEXT, "display_name", Type.TEXT);
  private static final Map<String, Type> REVISION_FIELDS =
      Map.of("active", Type.DYNAMIC, "design_revision", Type.TEXT);
  private static final Map<String, Type> NODE_FIELDS =
      Map.of(
          "equipment_class", Type.ENUM,
          "parent", Type.TEXT,
          "part_revision", Type.TEXT,
          "attributes.", Type.DYNAMIC,
          "labels.", Type.TEXT);
  private static final Map<String, Type> EDGE_FIELDS =
      Map.of(
          "kind", Type.ENUM,
          "source", Type.TEXT,
          "target", Type.TEXT,
          "power_path", Type.ENUM,
          "coolant_loop", Type.ENUM,
          "origin", Type.ENUM);
  private static final Map<String, Type> POINT_FIELDS =
      Map.of(
          "node", Type.TEXT,
          "point_type", Type.TEXT,
          "process_area", Type.TEXT,
          "kind", Type.ENUM,
          "unit", Type.TEXT,
          "dsx_point_type", Type.TEXT);

  private final Twins twins;
  private final Setpoints setpoints;
  private final LiveStates states;
  private final RollupWriter rollups;
  private final ExecutorService ingestExecutor;
  private final RollupHistory rollupHistory;
  private final TwinLease lease;
  private final ExecutorService watchExecutor;
  private final Set<WatchStream> watchers = ConcurrentHashMap.newKeySet();
  private final Set<IngestStream> producers = ConcurrentHashMap.newKeySet();
  private final InsightStore insights;
  private final String errorDomain;
  private final long maxDesignBytes;

  TwinGrpcService(
      Twins twins,
      Setpoints setpoints,
      LiveStates states,
      RollupWriter rollups,
      RollupHistory rollupHistory,
      InsightStore insights,
      TwinLease lease,
      ServiceConfig config,
      @ConfigProperty(name = "twin.apply.max-design-bytes") long maxDesignBytes,
      @ConfigProperty(name = "twin.ingest.threads") int ingestThreads) {
    this.twins = twins;
    this.setpoints = setpoints;
    this.states = states;
    this.rollups = rollups;
    this.rollupHistory = rollupHistory;
    this.lease = lease;
    this.watchExecutor =
        Executors.newFixedThreadPool(
            2, Thread.ofPlatform().name("twin-watch-", 0).daemon().factory());
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("twin-watch-keepalive").daemon().factory());
    timer.scheduleAtFixedRate(
        () -> {
          watchers.removeIf(WatchStream::closed);
          watchers.forEach(WatchStream::keepalive);
          producers.removeIf(IngestStream::closed);
          producers.forEach(
              producer -> {
                try {
                  producer.keepalive();
                } catch (RuntimeException e) {
                  // A keepalive that fails means the stream is gone; its own handlers clean up.
                }
              });
        },
        1,
        1,
        TimeUnit.SECONDS);
    this.insights = insights;
    this.ingestExecutor =
        Executors.newFixedThreadPool(
            Math.max(1, ingestThreads),
            Thread.ofPlatform().name("twin-ingest-", 0).daemon().factory());
    this.errorDomain = config.errorDomain();
    this.maxDesignBytes = maxDesignBytes;
  }

  @Override
  @Blocking
  public StreamObserver<ApplyDesignRequest> applyDesign(
      StreamObserver<ApplyDesignResponse> response) {
    return new DesignUpload(response, twins, maxDesignBytes, errorDomain);
  }

  @Override
  public StreamObserver<IngestRequest> ingest(StreamObserver<IngestResponse> response) {
    IngestStream stream =
        new IngestStream(response, states, rollups, insights, lease, ingestExecutor, errorDomain);
    producers.add(stream);
    return stream;
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<WatchResponse> response) {
    // Runs on the event loop: the handlers must be set here, the setup may read the database and
    // runs on the watch executor.
    ServerCallStreamObserver<WatchResponse> call =
        (ServerCallStreamObserver<WatchResponse>) response;
    WatchStream[] stream = new WatchStream[1];
    call.setOnReadyHandler(
        () -> {
          WatchStream started = stream[0];
          if (started != null) {
            started.schedule();
          }
        });
    call.setOnCancelHandler(
        () -> {
          WatchStream started = stream[0];
          if (started != null) {
            started.close();
          }
        });
    watchExecutor.execute(
        () -> {
          try {
            lease.requireOwner();
            WatchStream created =
                new WatchStream(request, response, states, lease::owner, watchExecutor);
            stream[0] = created;
            watchers.add(created);
            created.start();
          } catch (RuntimeException e) {
            response.onError(ErrorTable.toStatus(e, errorDomain));
          }
        });
  }

  @Override
  @Blocking
  public void exportTwinUsd(
      io.factorytwin.twin.v1.ExportTwinUsdRequest request,
      StreamObserver<io.factorytwin.twin.v1.ExportTwinUsdResponse> response) {
    String twinId = Names.twin(request.getName(), "name");
    String revisionId = Names.revision(request.getRevision(), twinId, "revision");
    if (request.hasHistoryWindow()
        && (request.getHistoryWindow().getSeconds() < 0
            || request.getHistoryWindow().getNanos() < 0)) {
      throw new InvalidArgumentException("history_window", "must not be negative");
    }
    lease.requireOwner();
    TwinGraph graph = twins.graph(twinId, revisionId);
    LiveState state = graph == states.of(twinId).graph() ? states.of(twinId) : null;
    long asOf =
        request.hasAsOfFacilityTime()
            ? TwinMapper.instant(request.getAsOfFacilityTime()).toEpochMilli()
            : state == null || state.facilityClock() == Long.MIN_VALUE ? 0 : state.facilityClock();
    long window =
        request.getHistoryWindow().getSeconds() * 1000
            + request.getHistoryWindow().getNanos() / 1_000_000;
    String text =
        io.factorytwin.twin.service.TwinUsdWriter.write(
            graph,
            asOf,
            point -> {
              if (state == null || state.latestTime(point) == Long.MIN_VALUE) {
                return null;
              }
              if (window > 0) {
                return state.samples(point, asOf - window, asOf);
              }
              long time = state.latestTime(point);
              return time <= asOf
                  ? new io.factorytwin.twin.service.TwinUsdWriter.Samples(
                      new long[] {time}, new double[] {state.latest(point)})
                  : state.samples(point, Long.MIN_VALUE, asOf).times().length == 0
                      ? null
                      : lastOf(state.samples(point, Long.MIN_VALUE, asOf));
            });
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // resume_offset is a uint64: a value above 2^63 arrives as a negative long.
    long offset = request.getResumeOffset();
    if (offset < 0 || offset > bytes.length) {
      throw io.grpc.protobuf.StatusProto.toStatusRuntimeException(
          com.google.rpc.Status.newBuilder()
              .setCode(io.grpc.Status.Code.OUT_OF_RANGE.value())
              .setMessage(
                  "resume_offset "
                      + Long.toUnsignedString(offset)
                      + " is past the end of the stage, "
                      + bytes.length
                      + " bytes; export again from offset 0")
              .addDetails(
                  com.google.protobuf.Any.pack(
                      com.google.rpc.ErrorInfo.newBuilder()
                          .setReason("RESUME_TOKEN_EXPIRED")
                          .setDomain(errorDomain)
                          .putMetadata("resource", "twins/" + twinId)
                          .build()))
              .build());
    }
    response.onNext(
        io.factorytwin.twin.v1.ExportTwinUsdResponse.newBuilder()
            .setHeader(
                io.factorytwin.twin.v1.TwinUsdExportHeader.newBuilder()
                    .setRevision(Names.revisionName(twinId, graph.revisionId()))
                    .setAsOfFacilityTime(TwinMapper.timestamp(Instant.ofEpochMilli(asOf)))
                    .setStartOffset(offset))
            .build());
    int position = (int) offset;
    while (position < bytes.length) {
      int end = Math.min(bytes.length, position + CHUNK_BYTES);
      // Whole UTF-8 characters only: back off while the next byte continues a character.
      while (end < bytes.length && (bytes[end] & 0xC0) == 0x80) {
        end--;
      }
      response.onNext(
          io.factorytwin.twin.v1.ExportTwinUsdResponse.newBuilder()
              .setChunk(
                  io.factorytwin.twin.v1.TwinUsdTextChunk.newBuilder()
                      .setOffset(position)
                      .setText(
                          new String(
                              bytes,
                              position,
                              end - position,
                              java.nio.charset.StandardCharsets.UTF_8)))
              .build());
      position = end;
    }
    String sha256;
    try {
      sha256 =
          java.util.HexFormat.of()
              .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
    response.onNext(
        io.factorytwin.twin.v1.ExportTwinUsdResponse.newBuilder()
            .setEnd(
                io.factorytwin.twin.v1.TwinUsdExportEnd.newBuilder()
                    .setTotalBytes(bytes.length)
                    .setSha256(sha256))
            .build());
    response.onCompleted();
  }

  /** Chunks of the USD text: at most 1 MiB as the contract allows, 256 KiB keeps messages small. */
  private static final int CHUNK_BYTES = 256 * 1024;

  private static io.factorytwin.twin.service.TwinUsdWriter.Samples lastOf(
      io.factorytwin.twin.service.TwinUsdWriter.Samples samples) {
    int last = samples.times().length - 1;
    return new io.factorytwin.twin.service.TwinUsdWriter.Samples(
        new long[] {samples.times()[last]}, new double[] {samples.values()[last]});
  }

  @Override
  @Blocking
  public void getHistory(GetHistoryRequest request, StreamObserver<GetHistoryResponse> response) {
    lease.requireOwner();
    Names.Child name = Names.child(request.getPoint(), "points", "point");
    if (!request.hasTimeRange()
        || !request.getTimeRange().hasStartTime()
        || !request.getTimeRange().hasEndTime()) {
      throw new InvalidArgumentException("time_range", "required: start_time and end_time");
    }
    Instant from = TwinMapper.instant(request.getTimeRange().getStartTime());
    Instant to = TwinMapper.instant(request.getTimeRange().getEndTime());
    if (!from.isBefore(to)) {
      throw new InvalidArgumentException("time_range", "start_time must be before end_time");
    }
    long resolutionSeconds = request.getResolution().getSeconds();
    if (request.getResolution().getNanos() != 0
        || resolutionSeconds < 0
        || resolutionSeconds % 60 != 0) {
      throw new InvalidArgumentException(
          "resolution", "must be 0 for raw samples or a whole number of minutes");
    }
    int size = request.getPageSize() == 0 ? 1000 : request.getPageSize();
    if (size < 0) {
      throw new InvalidArgumentException("page_size", "must not be negative");
    }
    size = Math.min(size, 10_000);
    TwinGraph graph = twins.graph(name.twinId(), null);
    int point = requirePoint(graph, name.id(), request.getPoint());
    String fingerprint = "history|" + request.toBuilder().clearPageToken().clearPageSize().build();
    String after = Pages.position(request.getPageToken(), fingerprint);
    long start = from.toEpochMilli();
    if (after != null) {
      try {
        start = Math.max(start, Long.parseLong(after));
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("page_token", "is not a token of this request");
      }
    }
    List<HistoryBucket> buckets = new ArrayList<>();
    if (resolutionSeconds == 0) {
      LiveState state = states.existing(graph);
      if (state != null) {
        for (LiveState.Sample sample : state.history(point, start, to.toEpochMilli())) {
          buckets.add(
              HistoryBucket.newBuilder()
                  .setStartFacilityTime(TwinMapper.timestamp(Instant.ofEpochMilli(sample.time())))
                  .setMinValue(sample.value())
                  .setMeanValue(sample.value())
                  .setMaxValue(sample.value())
                  .setCount(1)
                  .build());
        }
      }
    } else {
      buckets.addAll(
          rollupHistory.buckets(
              name.twinId(), name.id(), start, to.toEpochMilli(), resolutionSeconds * 1000));
    }
    GetHistoryResponse.Builder builder = GetHistoryResponse.newBuilder();
    for (int i = 0; i < buckets.size() && i < size; i++) {
      builder.addBuckets(buckets.get(i));
    }
    if (buckets.size() > size) {
      long next = TwinMapper.instant(buckets.get(size).getStartFacilityTime()).toEpochMilli();
      builder.setNextPageToken(Pages.token(fingerprint, Long.toString(next)));
    }
    reply(response, builder.build());
  }

  private static final Map<String, Type> INSIGHT_FIELDS =
      Map.of(
          "state", Type.ENUM,
          "severity", Type.ENUM,
          "rule", Type.TEXT,
          "rule_kind", Type.ENUM,
          "node", Type.TEXT,
          "point", Type.TEXT,
          "last_seen_facility_time", Type.TEXT);

  @Override
  @Blocking
  public void listInsights(
      ListInsightsRequest request, StreamObserver<ListInsightsResponse> response) {
    String twinId = Names.twin(request.getParent(), "parent");
    int size = Pages.size(request.getPageSize());
    Order order =
        order(
            request.getOrderBy(),
            List.of("last_seen_facility_time", "first_seen_facility_time", "severity", "name"),
            "last_seen_facility_time desc");
    twins.twin(twinId);
    Predicate<InsightStore.Row> filter =
        MemoryFilter.compile(
            "filter",
            request.getFilter(),
            INSIGHT_FIELDS,
            (row, field) ->
                switch (field) {
                  case "state" -> Insight.State.forNumber(row.state()).name();
                  case "severity" -> Insight.Severity.forNumber(row.severity()).name();
                  case "rule" -> row.rule();
                  case "rule_kind" -> Insight.RuleKind.forNumber(row.ruleKind()).name();
                  case "node" -> Names.node(twinId, row.nodeId());
                  case "point" -> Names.point(twinId, row.pointId());
                  default -> row.lastSeen().toString();
                });
    Function<InsightStore.Row, String> key =
        switch (order.field()) {
          case "name" -> InsightStore.Row::id;
          case "severity" -> row -> row.severity() + "|" + row.id();
          case "first_seen_facility_time" ->
              row -> String.format("%020d", row.firstSeen().toEpochMilli()) + "|" + row.id();
          default -> row -> String.format("%020d", row.lastSeen().toEpochMilli()) + "|" + row.id();
        };
    List<InsightStore.Row> rows =
        insights.list(twinId).stream()
            .filter(filter)
            .sorted(comparator(key, order.descending()))
            .toList();
    InMemoryPage<InsightStore.Row> page =
        InMemoryPage.of(
            rows,
            key,
            order.descending(),
            request.getPageToken(),
            "insights|" + twinId + "|" + request.getFilter() + "|" + order,
            size);
    ListInsightsResponse.Builder builder = ListInsightsResponse.newBuilder();
    page.items().forEach(row -> builder.addInsights(TwinMapper.insight(row)));
    reply(response, builder.setNextPageToken(page.nextToken()).build());
  }

  @Override
  @Blocking
  public void getKpis(GetKpisRequest request, StreamObserver<Kpis> response) {
    lease.requireOwner();
    String twinId = Names.twin(request.getTwin(), "twin");
    TwinGraph graph = states.of(twinId).graph();
    Kpis.Builder kpis = Kpis.newBuilder().setTwin("twins/" + twinId);
    LiveState state = states.existing(graph);
    if (state != null) {
      LiveState.KpiValues values = state.kpis();
      if (values.facilityTime() != Long.MIN_VALUE) {
        kpis.setFacilityTime(TwinMapper.timestamp(Instant.ofEpochMilli(values.facilityTime())));
      }
      if (values.pue() != null) {
        kpis.setPue(values.pue());
      }
      if (values.tokensPerWatt() != null) {
        kpis.setTokensPerWatt(values.tokensPerWatt());
      }
      if (values.tokensPerSecond() != null) {
        kpis.setTokensPerSecond(values.tokensPerSecond());
      }
      if (values.itPowerKw() != null) {
        kpis.setItPowerKw(values.itPowerKw());
      }
      if (values.coolingPowerKw() != null) {
        kpis.setCoolingPowerKw(values.coolingPowerKw());
      }
      if (values.facilityPowerKw() != null) {
        kpis.setFacilityPowerKw(values.facilityPowerKw());
      }
    }
    reply(response, kpis.build());
  }

  @Override
  @Blocking
  public void getInsight(GetInsightRequest request, StreamObserver<Insight> response) {
    Names.Child name = Names.child(request.getName(), "insights", "name");
    reply(response, TwinMapper.insight(insights.get(name.twinId(), name.id())));
  }

  @Override
  @Blocking
  public void acknowledgeInsight(
      AcknowledgeInsightRequest request, StreamObserver<Insight> response) {
    Names.Child name = Names.child(request.getName(), "insights", "name");
    if (request.getEtag().isEmpty()) {
      throw new InvalidArgumentException("etag", "required: the insight's current etag");
    }
    if (request.getComment().length() > 4096) {
      throw new InvalidArgumentException("comment", "at most 4096 characters");
    }
    InsightStore.Row row =
        insights.acknowledge(
            name.twinId(),
            name.id(),
            request.getEtag(),
            Caller.current().subject(),
            request.getComment());
    insights.publish(twins.graph(name.twinId(), null), row);
    reply(response, TwinMapper.insight(row));
  }

  @Override
  @Blocking
  public void listTwins(ListTwinsRequest request, StreamObserver<ListTwinsResponse> response) {
    int size = Pages.size(request.getPageSize());
    Order order = order(request.getOrderBy(), List.of("name", "create_time"), "name");
    Predicate<TwinRow> filter =
        MemoryFilter.compile(
            "filter",
            request.getFilter(),
            TWIN_FIELDS,
            (twin, field) -> field.equals("design") ? twin.design() : twin.displayName());
    Function<TwinRow, String> key =
        order.field().equals("name")
            ? TwinRow::id
            : twin -> String.format("%020d", twin.createTime().toEpochMilli()) + "|" + twin.id();
    String fingerprint = "twins|" + request.getFilter() + "|" + order;
    List<TwinRow> rows =
        twins.twins().stream().filter(filter).sorted(comparator(key, order.descending())).toList();
    InMemoryPage<TwinRow> page =
        InMemoryPage.of(rows, key, order.descending(), request.getPageToken(), fingerprint, size);
    ListTwinsResponse.Builder builder = ListTwinsResponse.newBuilder();
    for (TwinRow row : page.items()) {
      builder.addTwins(TwinMapper.twin(row, twins.revision(row.id(), row.activeRevision())));
    }
    reply(response, builder.setNextPageToken(page.nextToken()).build());
  }

  @Override
  @Blocking
  public void getTwin(GetTwinRequest request, StreamObserver<Twin> response) {
    String twinId = Names.twin(request.getName(), "name");
    TwinRow twin = twins.twin(twinId);
    Twin.Builder result =
        TwinMapper.twin(twin, twins.revision(twinId, twin.activeRevision())).toBuilder();
    Instant clock = facilityClock(twinId);
    if (clock != null) {
      result.setFacilityTime(TwinMapper.timestamp(clock));
    }
    reply(response, result.build());
  }

  @Override
  @Blocking
  public void listTwinRevisions(
      ListTwinRevisionsRequest request, StreamObserver<ListTwinRevisionsResponse> response) {
    String twinId = Names.twin(request.getParent(), "parent");
    int size = Pages.size(request.getPageSize());
    Order order = order(request.getOrderBy(), List.of("create_time", "name"), "create_time");
    TwinRow twin = twins.twin(twinId);
    Predicate<RevisionRow> filter =
        MemoryFilter.compile(
            "filter",
            request.getFilter(),
            REVISION_FIELDS,
            (revision, field) ->
                field.equals("active")
                    ? (Object) revision.revisionId().equals(twin.activeRevision())
                    : revision.designRevision());
    Function<RevisionRow, String> key =
        order.field().equals("name")
            ? RevisionRow::revisionId
            : revision ->
                String.format("%020d", revision.createTime().toEpochMilli())
                    + "|"
                    + revision.revisionId();
    List<RevisionRow> rows =
        twins.revisions(twinId).stream()
            .filter(filter)
            .sorted(comparator(key, order.descending()))
            .toList();
    InMemoryPage<RevisionRow> page =
        InMemoryPage.of(
            rows,
            key,
            order.descending(),
            request.getPageToken(),
            "revisions|" + twinId + "|" + request.getFilter() + "|" + order,
            size);
    ListTwinRevisionsResponse.Builder builder = ListTwinRevisionsResponse.newBuilder();
    page.items()
        .forEach(row -> builder.addTwinRevisions(TwinMapper.revision(row, twin.activeRevision())));
    reply(response, builder.setNextPageToken(page.nextToken()).build());
  }

  @Override
  @Blocking
  public void getTwinRevision(
      GetTwinRevisionRequest request, StreamObserver<TwinRevision> response) {
    Names.Child name = Names.child(request.getName(), "revisions", "name");
    RevisionRow revision = twins.revision(name.twinId(), name.id());
    reply(response, TwinMapper.revision(revision, twins.twin(name.twinId()).activeRevision()));
  }

  @Override
  @Blocking
  public void activateTwinRevision(
      ActivateTwinRevisionRequest request, StreamObserver<Twin> response) {
    Names.Child name = Names.child(request.getName(), "revisions", "name");
    if (request.getEtag().isEmpty()) {
      throw new InvalidArgumentException("etag", "required: the twin's current etag");
    }
    TwinRow before = twins.twin(name.twinId());
    LiveState previous = states.existing(twins.graph(name.twinId(), null));
    TwinRow twin = twins.activate(name.twinId(), name.id(), request.getEtag());
    if (previous != null && !before.activeRevision().equals(twin.activeRevision())) {
      previous
          .log()
          .appendEvent(
              ChangeLog.REVISION,
              -1,
              RevisionSwitched.newBuilder()
                  .setPreviousRevision(Names.revisionName(twin.id(), before.activeRevision()))
                  .setActiveRevision(Names.revisionName(twin.id(), twin.activeRevision()))
                  .setSwitchTime(TwinMapper.timestamp(twin.updateTime()))
                  .build());
      previous.log().retire();
    }
    reply(response, TwinMapper.twin(twin, twins.revision(twin.id(), twin.activeRevision())));
  }

  @Override
  @Blocking
  public void getNode(GetNodeRequest request, StreamObserver<Node> response) {
    Names.Child name = Names.child(request.getName(), "nodes", "name");
    TwinGraph graph =
        twins.graph(
            name.twinId(), Names.revision(request.getRevision(), name.twinId(), "revision"));
    reply(response, TwinMapper.node(graph, requireNode(graph, name.id(), request.getName())));
  }

  @Override
  @Blocking
  public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> response) {
    String twinId = Names.twin(request.getParent(), "parent");
    String revisionId = Names.revision(request.getRevision(), twinId, "revision");
    int size = Pages.size(request.getPageSize());
    order(request.getOrderBy(), List.of("name"), "name");
    // The upstream condition walks observed edges too; nodes are the same in both graphs.
    TwinGraph graph = twins.graphWithObservedEdges(twinId, revisionId);
    Predicate<Integer> filter = nodeFilter(graph, "filter", request.getFilter());
    Predicate<Integer> upstream =
        request.hasUpstream() ? upstreamFilter(graph, request.getUpstream()) : node -> true;
    String fingerprint =
        "nodes|"
            + twinId
            + "|"
            + graph.revisionId()
            + "|"
            + request.getFilter()
            + "|"
            + (request.hasUpstream() ? request.getUpstream().toString() : "");
    String after = Pages.position(request.getPageToken(), fingerprint);
    int[] sorted = graph.sortedNodes();
    int start = 0;
    if (after != null) {
      start = firstAfter(sorted.length, i -> graph.nodeId(sorted[i]).compareTo(after) > 0);
    }
    ListNodesResponse.Builder builder = ListNodesResponse.newBuilder();
    String last = null;
    for (int i = start; i < sorted.length; i++) {
      int node = sorted[i];
      if (!filter.test(node) || !upstream.test(node)) {
        continue;
      }
      if (builder.getNodesCount() == size) {
        builder.setNextPageToken(Pages.token(fingerprint, last));
        break;
      }
      builder.addNodes(TwinMapper.node(graph, node));
      last = graph.nodeId(node);
    }
    reply(response, builder.build());
  }

  @Override
  @Blocking
  public void listEdges(ListEdgesRequest request, StreamObserver<ListEdgesResponse> response) {
    String twinId = Names.twin(request.getParent(), "parent");
    String revisionId = Names.revision(request.getRevision(), twinId, "revision");
    int size = Pages.size(request.getPageSize());
    order(request.getOrderBy(), List.of("source"), "source");
    TwinGraph graph = twins.graphWithObservedEdges(twinId, revisionId);
    Predicate<Integer> filter =
        MemoryFilter.compile(
            "filter",
            request.getFilter(),
            EDGE_FIELDS,
            (edge, field) ->
                switch (field) {
                  case "kind" -> graph.edgeKind(edge).name();
                  case "source" -> Names.node(twinId, graph.nodeId(graph.edgeSource(edge)));
                  case "target" -> Names.node(twinId, graph.nodeId(graph.edgeTarget(edge)));
                  case "power_path" -> graph.edgePath(edge).name();
                  case "origin" -> graph.edgeOrigin(edge).name();
                  default -> graph.edgeLoop(edge).name();
                });
    String fingerprint = "edges|" + twinId + "|" + graph.revisionId() + "|" + request.getFilter();
    String after = Pages.position(request.getPageToken(), fingerprint);
    int[] sorted = graph.sortedEdges();
    int start = 0;
    if (after != null) {
      // The token contains the sort key of the last edge returned, so recording observed edges
      // between two pages neither repeats nor skips an edge.
      try {
        start = firstAfter(sorted.length, i -> graph.compareEdgeToKey(sorted[i], after) > 0);
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException("page_token", "is not a token of this request");
      }
    }
    ListEdgesResponse.Builder builder = ListEdgesResponse.newBuilder();
    int last = -1;
    for (int i = start; i < sorted.length; i++) {
      if (!filter.test(sorted[i])) {
        continue;
      }
      if (builder.getEdgesCount() == size) {
        builder.setNextPageToken(Pages.token(fingerprint, graph.edgeKey(last)));
        break;
      }
      builder.addEdges(TwinMapper.edge(graph, sorted[i]));
      last = sorted[i];
    }
    reply(response, builder.build());
  }

  @Override
  @Blocking
  public void traverse(TraverseRequest request, StreamObserver<TraverseResponse> response) {
    Names.Child start = Names.child(request.getStartNode(), "nodes", "start_node");
    String revisionId = Names.revision(request.getRevision(), start.twinId(), "revision");
    if (request.getDirection() == TraverseDirection.TRAVERSE_DIRECTION_UNSPECIFIED
        || request.getDirection() == TraverseDirection.UNRECOGNIZED) {
      throw new InvalidArgumentException("direction", "required: UP or DOWN");
    }
    int depth = depth(request.getMaxDepth(), "max_depth");
    int size = Pages.size(request.getPageSize());
    Set<EdgeKind> kinds = edgeKinds(request.getEdgeKindsValueList(), "edge_kinds");
    // NOTE: the page token is an offset into the depth-first order, which an observed edge
    // recorded between two pages can shift.
    TwinGraph graph = twins.graphWithObservedEdges(start.twinId(), revisionId);
    int node = requireNode(graph, start.id(), request.getStartNode());
    String fingerprint =
        "traverse|"
            + graph.revisionId()
            + "|"
            + request.toBuilder().clearPageToken().clearPageSize().build();
    String after = Pages.position(request.getPageToken(), fingerprint);
    int offset = 0;
    if (after != null) {
      try {
        offset = Integer.parseInt(after);
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("page_token", "is not a token of this request");
      }
    }
    List<Traversal.Path> paths =
        Traversal.walk(
            graph,
            node,
            request.getDirection() == TraverseDirection.TRAVERSE_DIRECTION_UP,
            kinds,
            request.getCoolantLoop(),
            depth,
            offset + size + 1);
    TraverseResponse.Builder builder = TraverseResponse.newBuilder();
    for (int i = offset; i < Math.min(paths.size(), offset + size); i++) {
      Traversal.Path path = paths.get(i);
      Path.Builder message = Path.newBuilder();
      for (int n : path.nodes()) {
        message.addNodes(Names.node(start.twinId(), graph.nodeId(n)));
      }
      for (int e : path.edges()) {
        message.addEdges(TwinMapper.edge(graph, e));
      }
      builder.addPaths(message);
    }
    if (paths.size() > offset + size) {
      builder.setNextPageToken(Pages.token(fingerprint, Integer.toString(offset + size)));
    }
    reply(response, builder.build());
  }

  @Override
  @Blocking
  public void analyzeImpact(
      AnalyzeImpactRequest request, StreamObserver<AnalyzeImpactResponse> response) {
    String twinId = Names.twin(request.getParent(), "parent");
    String revisionId = Names.revision(request.getRevision(), twinId, "revision");
    if (request.getFailedNodesCount() == 0 || request.getFailedNodesCount() > MAX_FAILED_NODES) {
      throw new InvalidArgumentException(
          "failed_nodes", "required: 1 to " + MAX_FAILED_NODES + " node names");
    }
    List<String> nodeIds = new ArrayList<>();
    for (int i = 0; i < request.getFailedNodesCount(); i++) {
      Names.Child name = Names.child(request.getFailedNodes(i), "nodes", "failed_nodes[" + i + "]");
      if (!name.twinId().equals(twinId)) {
        throw new InvalidArgumentException(
            "failed_nodes[" + i + "]", "must be a node of " + request.getParent());
      }
      nodeIds.add(name.id());
    }
    TwinGraph graph = twins.graphWithObservedEdges(twinId, revisionId);
    int[] failed = new int[nodeIds.size()];
    for (int i = 0; i < failed.length; i++) {
      failed[i] = requireNode(graph, nodeIds.get(i), request.getFailedNodes(i));
    }
    // Live rack power comes from telemetry; until a rack has reported, it counts at design power.
    java.util.function.IntFunction<Double> live = null;
    if (request.getLoadBasisValue() == io.factorytwin.twin.v1.LoadBasis.LOAD_BASIS_LIVE_VALUE) {
      LiveState state = lease.owner() ? states.existing(graph) : null;
      live =
          rack -> {
            int point = graph.point(rack, "rack-power");
            return state == null || point < 0 || state.latestTime(point) == Long.MIN_VALUE
                ? null
                : state.latest(point);
          };
    }
    ImpactAnalysis.Result result = ImpactAnalysis.analyze(graph, failed, live);
    AnalyzeImpactResponse.Builder builder =
        AnalyzeImpactResponse.newBuilder().setEvaluatedRackCount(result.evaluatedRacks());
    for (ImpactAnalysis.RackResult rack : result.racks()) {
      RackImpact.Builder impact =
          RackImpact.newBuilder()
              .setRack(Names.node(twinId, graph.nodeId(rack.rack())))
              .setReason(rack.reason());
      if (rack.losesPower()) {
        impact.addImpacts(ImpactKind.IMPACT_KIND_LOSES_POWER);
      }
      if (rack.losesCooling()) {
        impact.addImpacts(ImpactKind.IMPACT_KIND_LOSES_COOLING);
      }
      if (rack.redundancyReduced()) {
        impact.addImpacts(ImpactKind.IMPACT_KIND_REDUNDANCY_REDUCED);
      }
      rack.causes().forEach(cause -> impact.addCauses(Names.node(twinId, graph.nodeId(cause))));
      if (rack.marginKw() != null) {
        impact.setCapacityMarginKw(rack.marginKw());
        if (rack.marginFraction() != null) {
          impact.setCapacityMarginFraction(rack.marginFraction());
        }
      }
      builder.addAffectedRacks(impact);
    }
    for (ImpactAnalysis.GroupResult group : result.groups()) {
      GroupImpact.Builder impact =
          GroupImpact.newBuilder()
              .setGroup(graph.group(group.group()).getId())
              .setDeclaredRedundancy(group.redundancy())
              .setRemainingCapacityKw(group.remainingKw())
              .setLoadKw(group.loadKw())
              .setMarginKw(group.remainingKw() - group.loadKw());
      group
          .lostMembers()
          .forEach(m -> impact.addFailedMembers(Names.node(twinId, graph.nodeId(m))));
      builder.addGroups(impact);
    }
    reply(response, builder.build());
  }

  @Override
  @Blocking
  public void recordObservedEdges(
      RecordObservedEdgesRequest request, StreamObserver<RecordObservedEdgesResponse> response) {
    String twinId = Names.twin(request.getParent(), "parent");
    ObservedEdgeRequests.checkShape(request);
    TwinGraph active = twins.graph(twinId, null);
    List<TwinGraph.ObservedEdge> edges = ObservedEdgeRequests.edges(request, twinId, active);
    int created = twins.recordObservedEdges(twinId, edges);

    // Each edge as stored: one recorded before keeps its first observer.
    Map<TwinGraph.ObservedEdge, String> observers = new java.util.HashMap<>();
    for (TwinGraph.ObservedEdge stored : twins.observedEdges(twinId)) {
      observers.put(
          new TwinGraph.ObservedEdge(stored.kind(), stored.source(), stored.target(), ""),
          stored.observer());
    }
    RecordObservedEdgesResponse.Builder builder =
        RecordObservedEdgesResponse.newBuilder().setCreatedCount(created);
    for (io.factorytwin.twin.v1.ObservedEdge edge : request.getEdgesList()) {
      String source = Names.child(edge.getSource(), "nodes", "source").id();
      String target = Names.child(edge.getTarget(), "nodes", "target").id();
      String observer =
          observers.getOrDefault(
              new TwinGraph.ObservedEdge(edge.getKind(), source, target, ""),
              request.getObserver());
      builder.addEdges(
          io.factorytwin.twin.v1.Edge.newBuilder()
              .setKind(edge.getKind())
              .setSource(Names.node(twinId, source))
              .setTarget(Names.node(twinId, target))
              .setOrigin(io.factorytwin.twin.v1.EdgeOrigin.EDGE_ORIGIN_OBSERVED)
              .setObserver(observer));
    }
    reply(response, builder.build());
  }

  @Override
  @Blocking
  public void getPoint(GetPointRequest request, StreamObserver<Point> response) {
    Names.Child name = Names.child(request.getName(), "points", "name");
    TwinGraph graph =
        twins.graph(
            name.twinId(), Names.revision(request.getRevision(), name.twinId(), "revision"));
    int point = requirePoint(graph, name.id(), request.getName());
    Setpoints.Value written =
        graph.pointTemplate(point).isSetpoint()
            ? setpoints.value(name.twinId(), name.id()).orElse(null)
            : null;
    reply(response, TwinMapper.point(graph, point, written));
  }

  @Override
  @Blocking
  public void listPoints(ListPointsRequest request, StreamObserver<ListPointsResponse> response) {
    String twinId = Names.twin(request.getParent(), "parent");
    String revisionId = Names.revision(request.getRevision(), twinId, "revision");
    int size = Pages.size(request.getPageSize());
    order(request.getOrderBy(), List.of("name"), "name");
    TwinGraph graph = twins.graph(twinId, revisionId);
    Predicate<Integer> filter = pointFilter(graph, request.getFilter());
    String fingerprint = "points|" + twinId + "|" + graph.revisionId() + "|" + request.getFilter();
    String after = Pages.position(request.getPageToken(), fingerprint);
    Map<String, Setpoints.Value> written = setpoints.values(twinId);
    ListPointsResponse.Builder builder = ListPointsResponse.newBuilder();
    forEachPoint(
        graph,
        after,
        size,
        filter,
        point -> {
          String id = graph.pointId(point);
          builder.addPoints(TwinMapper.point(graph, point, written.get(id)));
        },
        last -> builder.setNextPageToken(Pages.token(fingerprint, last)));
    reply(response, builder.build());
  }

  @Override
  @Blocking
  public void getLatestValues(
      GetLatestValuesRequest request, StreamObserver<GetLatestValuesResponse> response) {
    lease.requireOwner();
    String twinId = Names.twin(request.getParent(), "parent");
    boolean named = request.getPointsCount() > 0;
    if (named == !request.getFilter().isEmpty()) {
      throw new InvalidArgumentException(
          "points", "set either points or filter, not both or neither");
    }
    if (request.getPointsCount() > MAX_NAMED_POINTS) {
      throw new InvalidArgumentException("points", "at most " + MAX_NAMED_POINTS + " points");
    }
    // The owner's live state, rebuilt from the roll-ups if this replica just took over.
    TwinGraph graph = states.of(twinId).graph();
    // Named points read only their own written setpoints; a filter may match any point.
    Map<String, Setpoints.Value> written =
        named ? setpoints.values(twinId, namedPointIds(request)) : setpoints.values(twinId);
    GetLatestValuesResponse.Builder builder =
        GetLatestValuesResponse.newBuilder()
            .setRevision(Names.revisionName(twinId, graph.revisionId()));
    Instant clock = facilityClock(twinId);
    if (clock != null) {
      builder.setFacilityTime(TwinMapper.timestamp(clock));
    }
    if (named) {
      List<Integer> points = new ArrayList<>();
      for (int i = 0; i < request.getPointsCount(); i++) {
        Names.Child name = Names.child(request.getPoints(i), "points", "points[" + i + "]");
        if (!name.twinId().equals(twinId)) {
          throw new InvalidArgumentException(
              "points[" + i + "]", "must be a point of " + request.getParent());
        }
        points.add(requirePoint(graph, name.id(), request.getPoints(i)));
      }
      points.forEach(point -> builder.addValues(latest(graph, point, written)));
    } else {
      int size = Pages.size(request.getPageSize());
      String fingerprint =
          "latest|" + twinId + "|" + graph.revisionId() + "|" + request.getFilter();
      String after = Pages.position(request.getPageToken(), fingerprint);
      forEachPoint(
          graph,
          after,
          size,
          pointFilter(graph, request.getFilter()),
          point -> builder.addValues(latest(graph, point, written)),
          last -> builder.setNextPageToken(Pages.token(fingerprint, last)));
    }
    reply(response, builder.build());
  }

  @Override
  @Blocking
  public void applySetpoint(ApplySetpointRequest request, StreamObserver<SetpointChange> response) {
    lease.requireOwner();
    Setpoints.Request checked = checkSetpoint(request);
    Setpoints.Change change;
    try {
      change = setpoints.apply(checked);
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    reply(response, publishSetpoint(change));
  }

  @Override
  @Blocking
  public void batchApplySetpoints(
      BatchApplySetpointsRequest request, StreamObserver<BatchApplySetpointsResponse> response) {
    lease.requireOwner();
    String twinId = Names.twin(request.getParent(), "parent");
    int count = request.getRequestsCount();
    if (count == 0 || count > MAX_BATCH_SETPOINTS) {
      throw new InvalidArgumentException(
          "requests", "must hold 1 to " + MAX_BATCH_SETPOINTS + " changes, not " + count);
    }
    List<Setpoints.Request> checked = new ArrayList<>(count);
    Set<String> points = new HashSet<>();
    for (int i = 0; i < count; i++) {
      ApplySetpointRequest item = request.getRequests(i);
      String prefix = "requests[" + i + "].";
      Setpoints.Request one;
      try {
        one = checkSetpoint(item);
      } catch (InvalidArgumentException e) {
        throw e.under(prefix);
      }
      if (!one.twinId().equals(twinId)) {
        throw new InvalidArgumentException(
            prefix + "point", "must belong to " + request.getParent() + ", not " + item.getPoint());
      }
      if (!points.add(one.pointId())) {
        throw new InvalidArgumentException(
            prefix + "point", item.getPoint() + " appears twice; send one change per point");
      }
      checked.add(one);
    }
    List<Setpoints.Change> changes;
    try {
      changes = setpoints.applyAll(checked);
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    BatchApplySetpointsResponse.Builder builder = BatchApplySetpointsResponse.newBuilder();
    for (Setpoints.Change change : changes) {
      builder.addChanges(publishSetpoint(change));
    }
    reply(response, builder.build());
  }

  /**
   * Checks an ApplySetpoint request against the contract and the twin's graph and returns the write
   * it requests. The checks need no database.
   */
  private Setpoints.Request checkSetpoint(ApplySetpointRequest request) {
    Names.Child name = Names.child(request.getPoint(), "points", "point");
    List<InvalidArgumentException.FieldViolation> violations = new ArrayList<>();
    if (!UUID.matcher(request.getRequestId()).matches()) {
      violations.add(new InvalidArgumentException.FieldViolation("request_id", "required: a UUID"));
    }
    if (!ACTION.matcher(request.getAction()).matches()) {
      violations.add(
          new InvalidArgumentException.FieldViolation("action", "required: actions/{action}"));
    }
    if (!request.hasFacilityTime()) {
      violations.add(
          new InvalidArgumentException.FieldViolation(
              "facility_time", "required: the twin's facility clock when the change was decided"));
    }
    if (request.getExpectedVersion() < 1) {
      violations.add(
          new InvalidArgumentException.FieldViolation(
              "expected_version", "required: the point's current version, 1 or more"));
    }
    if (!Double.isFinite(request.getValue())) {
      violations.add(new InvalidArgumentException.FieldViolation("value", "must be finite"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidArgumentException(violations);
    }
    TwinGraph graph = twins.graph(name.twinId(), null);
    int point = requirePoint(graph, name.id(), request.getPoint());
    PointTemplate template = graph.pointTemplate(point);
    if (!template.isSetpoint()) {
      throw new FailedPreconditionException(
          "POINT_KIND_MISMATCH",
          List.of(
              new FailedPreconditionException.Violation(
                  "POINT_KIND",
                  request.getPoint(),
                  "is a sensor; only setpoint points take ApplySetpoint")));
    }
    if (request.getValue() < template.physicalMin()
        || request.getValue() > template.physicalMax()) {
      throw new InvalidArgumentException(
          "OUT_OF_PHYSICAL_RANGE",
          List.of(
              new InvalidArgumentException.FieldViolation(
                  "value",
                  "must lie in the physical range ["
                      + template.physicalMin()
                      + ", "
                      + template.physicalMax()
                      + "] "
                      + template.unit())));
    }
    return new Setpoints.Request(
        name.twinId(),
        name.id(),
        request.getValue(),
        request.getExpectedVersion(),
        graph.defaultValue(point),
        request.getRequestId(),
        request.getAction(),
        TwinMapper.instant(request.getFacilityTime()),
        facilityClock(name.twinId()),
        Caller.current().subject());
  }

  /**
   * Passes an applied change to the twin's live state: the desired value, the change log and the
   * insights of the same equipment. A replayed change is passed again, which changes nothing.
   */
  private SetpointChange publishSetpoint(Setpoints.Change change) {
    SetpointChange applied = TwinMapper.change(change);
    LiveState state = states.of(change.twinId());
    int livePoint = state.graph().point(change.pointId());
    if (livePoint >= 0) {
      state.desired(livePoint, change.value());
      state.log().appendEvent(ChangeLog.SETPOINT, livePoint, applied);
      // Insights of the same equipment record the action applied to it.
      String nodeId = state.graph().nodeId(state.graph().pointNode(livePoint));
      for (InsightStore.Row linked : insights.link(change.twinId(), nodeId, change.action())) {
        insights.publish(state.graph(), linked);
      }
      state.log().signal();
    }
    return applied;
  }

  @Override
  @Blocking
  public void listSetpointHistory(
      ListSetpointHistoryRequest request, StreamObserver<ListSetpointHistoryResponse> response) {
    String twinId = Names.twin(request.getParent(), "parent");
    int size = Pages.size(request.getPageSize());
    Order order = order(request.getOrderBy(), List.of("facility_time"), "facility_time desc");
    Instant from = null;
    Instant to = null;
    if (request.hasTimeRange()) {
      if (request.getTimeRange().hasStartTime()) {
        from = TwinMapper.instant(request.getTimeRange().getStartTime());
      }
      if (request.getTimeRange().hasEndTime()) {
        to = TwinMapper.instant(request.getTimeRange().getEndTime());
      }
      if (from != null && to != null && !from.isBefore(to)) {
        throw new InvalidArgumentException("time_range", "start_time must be before end_time");
      }
    }
    Predicate<Setpoints.Change> filter =
        MemoryFilter.compile(
            "filter",
            request.getFilter(),
            Map.of("point", Type.TEXT, "action", Type.TEXT, "writer", Type.TEXT),
            (change, field) ->
                switch (field) {
                  case "point" -> Names.point(twinId, change.pointId());
                  case "action" -> change.action();
                  default -> change.writer();
                });
    twins.twin(twinId);
    String fingerprint =
        "history|"
            + twinId
            + "|"
            + request.getFilter()
            + "|"
            + order
            + "|"
            + request.getTimeRange();
    String after = Pages.position(request.getPageToken(), fingerprint);
    long cursor;
    try {
      cursor = after == null ? 0 : Long.parseLong(after);
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("page_token", "is not a token of this request");
    }
    // Changes are listed in the order they were applied; the facility clock only moves forward,
    // so that is facility-time order.
    ListSetpointHistoryResponse.Builder builder = ListSetpointHistoryResponse.newBuilder();
    boolean ascending = !order.descending();
    while (true) {
      List<Setpoints.Change> batch = setpoints.changes(twinId, ascending, cursor, from, to, 500);
      for (Setpoints.Change change : batch) {
        cursor = change.id();
        if (!filter.test(change)) {
          continue;
        }
        if (builder.getChangesCount() == size) {
          reply(
              response,
              builder
                  .setNextPageToken(
                      Pages.token(fingerprint, Long.toString(previous(change, ascending))))
                  .build());
          return;
        }
        builder.addChanges(TwinMapper.change(change));
      }
      if (batch.size() < 500) {
        break;
      }
    }
    reply(response, builder.build());
  }

  private static long previous(Setpoints.Change change, boolean ascending) {
    // The cursor is exclusive: resume just before the change that did not fit.
    return ascending ? change.id() - 1 : change.id() + 1;
  }

  private PointValue latest(TwinGraph graph, int point, Map<String, Setpoints.Value> written) {
    String id = graph.pointId(point);
    PointValue.Builder value = PointValue.newBuilder().setPoint(Names.point(graph.twinId(), id));
    LiveState state = states.existing(graph);
    if (graph.pointNode(point) == 0) {
      // The site's points are the KPIs, computed from the other points' latest values.
      Double kpi = state == null ? null : kpiValue(state.kpis(), graph.pointTemplate(point));
      if (kpi != null) {
        value
            .setValue(kpi)
            .setFacilityTime(
                TwinMapper.timestamp(Instant.ofEpochMilli(state.kpis().facilityTime())));
      }
      return value.build();
    }
    if (!graph.pointTemplate(point).isSetpoint() && state != null) {
      long time = state.latestTime(point);
      if (time != Long.MIN_VALUE) {
        value
            .setValue(state.latest(point))
            .setFacilityTime(TwinMapper.timestamp(Instant.ofEpochMilli(time)));
      }
    }
    if (graph.pointTemplate(point).isSetpoint()) {
      Setpoints.Value stored = written.get(id);
      if (stored == null) {
        value.setValue(graph.defaultValue(point)).setVersion(1);
      } else {
        value.setValue(stored.value()).setVersion(stored.version());
        if (stored.facilityTime() != null) {
          value.setFacilityTime(TwinMapper.timestamp(stored.facilityTime()));
        }
      }
    }
    return value.build();
  }

  private static Double kpiValue(LiveState.KpiValues kpis, PointTemplate template) {
    return switch (template.pointType()) {
      case "pue" -> kpis.pue();
      case "tokens-per-watt" -> kpis.tokensPerWatt();
      case "tokens-per-second" -> kpis.tokensPerSecond();
      case "it-power" -> kpis.itPowerKw();
      case "cooling-power" -> kpis.coolingPowerKw();
      case "facility-power" -> kpis.facilityPowerKw();
      default -> null;
    };
  }

  /** Visits points by node name, then point order, after a "node id|suffix" position. */
  private static void forEachPoint(
      TwinGraph graph,
      String after,
      int size,
      Predicate<Integer> filter,
      java.util.function.IntConsumer visit,
      java.util.function.Consumer<String> more) {
    int[] sorted = graph.sortedNodes();
    String afterNode = null;
    String afterSuffix = null;
    if (after != null) {
      int bar = after.lastIndexOf('|');
      if (bar < 0) {
        throw new InvalidArgumentException("page_token", "is not a token of this request");
      }
      afterNode = after.substring(0, bar);
      afterSuffix = after.substring(bar + 1);
    }
    String fromNode = afterNode;
    int start =
        fromNode == null
            ? 0
            : firstAfter(sorted.length, i -> graph.nodeId(sorted[i]).compareTo(fromNode) >= 0);
    int count = 0;
    String last = null;
    for (int i = start; i < sorted.length; i++) {
      int node = sorted[i];
      List<PointTemplate> templates = graph.templates(node);
      boolean skipping = afterNode != null && graph.nodeId(node).equals(afterNode);
      for (int t = 0; t < templates.size(); t++) {
        String suffix = templates.get(t).suffix();
        if (skipping) {
          if (suffix.equals(afterSuffix)) {
            skipping = false;
          }
          continue;
        }
        int point = graph.firstPoint(node) + t;
        if (!filter.test(point)) {
          continue;
        }
        if (count == size) {
          more.accept(last);
          return;
        }
        visit.accept(point);
        count++;
        last = graph.nodeId(node) + "|" + suffix;
      }
    }
  }

  private Predicate<Integer> pointFilter(TwinGraph graph, String filter) {
    return MemoryFilter.compile(
        "filter",
        filter,
        POINT_FIELDS,
        (point, field) -> {
          PointTemplate template = graph.pointTemplate(point);
          return switch (field) {
            case "node" -> Names.node(graph.twinId(), graph.nodeId(graph.pointNode(point)));
            case "point_type" -> template.pointType();
            case "process_area" -> template.processArea();
            case "kind" -> template.kind().name();
            case "unit" -> template.unit();
            default -> template.dsxPointType();
          };
        });
  }

  private Predicate<Integer> nodeFilter(TwinGraph graph, String field, String filter) {
    return MemoryFilter.compile(
        field,
        filter,
        NODE_FIELDS,
        (node, name) -> {
          if (name.equals("equipment_class")) {
            return graph.equipmentClass(node).name();
          }
          if (name.equals("parent")) {
            return graph.parent(node) < 0
                ? ""
                : Names.node(graph.twinId(), graph.nodeId(graph.parent(node)));
          }
          if (name.equals("part_revision")) {
            return graph.part(node) == null ? "" : graph.part(node).getPartRevision();
          }
          if (name.startsWith("labels.")) {
            return graph.labels(node).get(name.substring("labels.".length()));
          }
          AttributeValue value =
              TwinMapper.attributes(graph, node).get(name.substring("attributes.".length()));
          return value == null ? null : TwinMapper.attributeValue(value);
        });
  }

  private Predicate<Integer> upstreamFilter(TwinGraph graph, UpstreamCondition condition) {
    Set<EdgeKind> kinds = edgeKinds(condition.getEdgeKindsValueList(), "upstream.edge_kinds");
    if (kinds.isEmpty()) {
      throw new InvalidArgumentException("upstream.edge_kinds", "required: at least one edge kind");
    }
    if (condition.getFilter().isBlank()) {
      throw new InvalidArgumentException("upstream.filter", "required");
    }
    int depth = depth(condition.getMaxDepth(), "upstream.max_depth");
    Predicate<Integer> match = nodeFilter(graph, "upstream.filter", condition.getFilter());
    return node -> {
      BitSet seen = new BitSet();
      ArrayDeque<int[]> queue = new ArrayDeque<>();
      queue.add(new int[] {node, 0});
      seen.set(node);
      while (!queue.isEmpty()) {
        int[] at = queue.poll();
        if (at[1] == depth) {
          continue;
        }
        for (int i = 0; i < graph.inDegree(at[0]); i++) {
          int edge = graph.inEdge(at[0], i);
          int source = graph.edgeSource(edge);
          if (kinds.contains(graph.edgeKind(edge)) && !seen.get(source)) {
            if (match.test(source)) {
              return true;
            }
            seen.set(source);
            queue.add(new int[] {source, at[1] + 1});
          }
        }
      }
      return false;
    };
  }

  private static Set<EdgeKind> edgeKinds(List<Integer> values, String field) {
    Set<EdgeKind> kinds = EnumSet.noneOf(EdgeKind.class);
    for (int i = 0; i < values.size(); i++) {
      EdgeKind kind = EdgeKind.forNumber(values.get(i));
      if (kind == null || kind == EdgeKind.EDGE_KIND_UNSPECIFIED) {
        throw new InvalidArgumentException(field + "[" + i + "]", "not a known edge kind");
      }
      kinds.add(kind);
    }
    return kinds;
  }

  private static int depth(int requested, String field) {
    if (requested == 0) {
      return DEFAULT_DEPTH;
    }
    if (requested < 1 || requested > MAX_DEPTH) {
      throw new InvalidArgumentException(field, "must be in [1, " + MAX_DEPTH + "]");
    }
    return requested;
  }

  private static int requireNode(TwinGraph graph, String nodeId, String name) {
    int node = graph.node(nodeId);
    if (node < 0) {
      throw new NotFoundException(name);
    }
    return node;
  }

  private static int requirePoint(TwinGraph graph, String pointId, String name) {
    int point = graph.point(pointId);
    if (point < 0) {
      throw new NotFoundException(name);
    }
    return point;
  }

  /** Returns the smallest index in [0, length) whose test is true; the test must be monotone. */
  private static int firstAfter(int length, java.util.function.IntPredicate test) {
    int low = 0;
    int high = length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (test.test(mid)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  /** A parsed order_by. */
  record Order(String field, boolean descending) {}

  private static Order order(String orderBy, List<String> fields, String defaultOrder) {
    String text = orderBy.isBlank() ? defaultOrder : orderBy.trim();
    String[] words = text.split("\\s+");
    if (words.length > 2
        || !fields.contains(words[0])
        || (words.length == 2 && !words[1].equals("desc") && !words[1].equals("asc"))) {
      throw new InvalidArgumentException(
          "order_by", "must be one of " + fields + ", optionally followed by ' desc'");
    }
    return new Order(words[0], words.length == 2 && words[1].equals("desc"));
  }

  private static <T> Comparator<T> comparator(Function<T, String> key, boolean descending) {
    Comparator<T> ascending = Comparator.comparing(key);
    return descending ? ascending.reversed() : ascending;
  }

  /** A page of a small list sorted in memory, with a keyset token on the sort key. */
  record InMemoryPage<T>(List<T> items, String nextToken) {

    static <T> InMemoryPage<T> of(
        List<T> sorted,
        Function<T, String> key,
        boolean descending,
        String token,
        String fingerprint,
        int size) {
      String after = Pages.position(token, fingerprint);
      List<T> items = new ArrayList<>();
      for (T item : sorted) {
        String itemKey = key.apply(item);
        if (after != null
            && (descending ? itemKey.compareTo(after) >= 0 : itemKey.compareTo(after) <= 0)) {
          continue;
        }
        if (items.size() == size) {
          return new InMemoryPage<>(
              items, Pages.token(fingerprint, key.apply(items.get(size - 1))));
        }
        items.add(item);
      }
      return new InMemoryPage<>(items, "");
    }
  }

  /** Returns the twin's facility clock, or null before its first telemetry sample. */
  /** Returns the point ids of a request's named points; names that do not parse are skipped. */
  private static List<String> namedPointIds(GetLatestValuesRequest request) {
    List<String> ids = new ArrayList<>(request.getPointsCount());
    for (String name : request.getPointsList()) {
      int slash = name.lastIndexOf('/');
      if (slash >= 0) {
        ids.add(name.substring(slash + 1));
      }
    }
    return ids;
  }

  private Instant facilityClock(String twinId) {
    long clock = states.facilityClock(twinId);
    return clock == Long.MIN_VALUE ? null : Instant.ofEpochMilli(clock);
  }

  private static <T> void reply(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
