package io.factorytwin.twin.service;

import io.factorytwin.support.error.EtagMismatchException;
import io.factorytwin.support.error.FailedPreconditionException;
import io.factorytwin.support.error.NotFoundException;
import io.factorytwin.twin.graph.GraphBuilder;
import io.factorytwin.twin.graph.TwinGraph;
import io.factorytwin.twin.service.TwinStore.RevisionRow;
import io.factorytwin.twin.service.TwinStore.TwinRow;
import io.factorytwin.twin.v1.DesignChunk;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Twins and their revisions: building a revision from a design, switching the active revision, and
 * the in-memory graphs of the revisions in use.
 */
@ApplicationScoped
public class Twins {

  /** The outcome of ApplyDesign. */
  public record Applied(RevisionRow revision, boolean newlyBuilt) {}

  private static final long ACTIVE_REVISION_TTL_NANOS = 1_000_000_000L;

  private record Active(String revisionId, long readAt) {}

  private final Map<String, Active> active = new java.util.concurrent.ConcurrentHashMap<>();

  /** A design graph with the observed edges of one version added. */
  private record ObservedView(TwinGraph design, long version, TwinGraph graph) {}

  /** The number of a twin's observed edges and when it was read, in System.nanoTime. */
  private record ObservedVersion(long version, long readAt) {}

  private final TwinStore store;
  private final ObservedEdgeStore observedEdges;
  private final int cachedGraphs;

  /** Loaded graphs by "twin/revision", least recently used first. */
  private final Map<String, TwinGraph> graphs = new LinkedHashMap<>(16, 0.75f, true);

  /** Graphs with observed edges by "twin/revision", least recently used first. */
  private final Map<String, ObservedView> observedViews = new LinkedHashMap<>(16, 0.75f, true);

  private final Map<String, ObservedVersion> observedVersions =
      new java.util.concurrent.ConcurrentHashMap<>();

  Twins(
      TwinStore store,
      ObservedEdgeStore observedEdges,
      @ConfigProperty(name = "twin.cached-revisions") int cachedGraphs) {
    this.store = store;
    this.observedEdges = observedEdges;
    this.cachedGraphs = cachedGraphs;
  }

  /** The twin, or NOT_FOUND. */
  public TwinRow twin(String twinId) {
    return store.twin(twinId).orElseThrow(() -> new NotFoundException("twins/" + twinId));
  }

  public List<TwinRow> twins() {
    return store.twins();
  }

  public RevisionRow revision(String twinId, String revisionId) {
    return store
        .revision(twinId, revisionId)
        .orElseThrow(() -> new NotFoundException("twins/" + twinId + "/revisions/" + revisionId));
  }

  public List<RevisionRow> revisions(String twinId) {
    twin(twinId);
    return store.revisions(twinId);
  }

  /**
   * The revision already built from a design revision, if any. Fails with FAILED_PRECONDITION
   * (DESIGN_MISMATCH) when the twin exists and was built from another design.
   */
  public Optional<RevisionRow> existingBuild(String twinId, String design, String designRevision) {
    Optional<TwinRow> twin = store.twin(twinId);
    if (twin.isEmpty()) {
      return Optional.empty();
    }
    if (!twin.get().design().equals(design)) {
      throw new FailedPreconditionException(
          "DESIGN_MISMATCH",
          List.of(
              new FailedPreconditionException.Violation(
                  "DESIGN_MISMATCH",
                  "twins/" + twinId,
                  "the twin is built from "
                      + twin.get().design()
                      + ", not "
                      + design
                      + "; publish to another twin id")));
    }
    return store.revisionOfDesign(twinId, designRevision);
  }

  /**
   * Builds and stores a revision. The graph is built first, so a design the twin cannot use is
   * rejected before anything is written.
   */
  public Applied apply(
      String twinId,
      String design,
      String designRevision,
      boolean activate,
      List<DesignChunk> chunks) {
    Optional<RevisionRow> existing = existingBuild(twinId, design, designRevision);
    if (existing.isPresent()) {
      return new Applied(existing.get(), false);
    }
    String revisionId = designRevision.substring(designRevision.lastIndexOf('/') + 1);
    TwinGraph graph = GraphBuilder.build(twinId, revisionId, designRevision, chunks);
    RevisionRow row =
        new RevisionRow(
            twinId,
            revisionId,
            designRevision,
            graph.site(),
            graph.setpoints(),
            graph.nodeCount(),
            graph.edgeCount(),
            graph.pointCount(),
            chunks.size(),
            Instant.now(),
            null);
    try {
      store.insertRevision(row, design, chunks, activate);
    } catch (SQLException | RuntimeException e) {
      if (DatabaseException.isUniqueViolation(e)) {
        throw new EtagMismatchException(
            "ALREADY_EXISTS",
            "twins/" + twinId + "/revisions/" + revisionId,
            "another call is building "
                + designRevision
                + " into twins/"
                + twinId
                + " at the same moment; retry to receive the built revision");
      }
      if (e instanceof SQLException sql) {
        throw new DatabaseException(sql);
      }
      throw (RuntimeException) e;
    }
    synchronized (graphs) {
      put(twinId + "/" + revisionId, graph);
    }
    active.remove(twinId);
    return new Applied(revision(twinId, revisionId), true);
  }

  /** Switches the active revision after checking the twin's etag. */
  public TwinRow activate(String twinId, String revisionId, String etag) {
    TwinRow twin = twin(twinId);
    revision(twinId, revisionId);
    if (!etag(twin).equals(etag)) {
      throw new EtagMismatchException("twins/" + twinId);
    }
    if (twin.activeRevision().equals(revisionId)) {
      return twin;
    }
    graph(twinId, revisionId);
    try {
      if (!store.activate(twin, revisionId, Instant.now())) {
        throw new EtagMismatchException("twins/" + twinId);
      }
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    active.remove(twinId);
    return twin(twinId);
  }

  /** The etag of a twin: its version and creation time, so a recreated twin never matches. */
  public static String etag(TwinRow twin) {
    return Long.toString(twin.version(), 36)
        + "-"
        + Long.toString(twin.createTime().toEpochMilli(), 36);
  }

  /**
   * The graph of a revision, or of the active revision when revisionId is null or empty; loaded
   * from the stored design when no graph of it is in memory.
   */
  public TwinGraph graph(String twinId, String revisionId) {
    String revision =
        revisionId == null || revisionId.isEmpty() ? activeRevision(twinId) : revisionId;
    String key = twinId + "/" + revision;
    synchronized (graphs) {
      TwinGraph cached = graphs.get(key);
      if (cached != null) {
        return cached;
      }
    }
    RevisionRow row = revision(twinId, revision);
    TwinGraph graph =
        GraphBuilder.build(twinId, revision, row.designRevision(), store.chunks(twinId, revision));
    synchronized (graphs) {
      TwinGraph raced = graphs.get(key);
      if (raced != null) {
        return raced;
      }
      put(key, graph);
    }
    return graph;
  }

  /**
   * The graph of a revision (the active one when revisionId is null or empty) with the twin's
   * observed edges added; see {@link TwinGraph#withObservedEdges}. The number of observed edges is
   * read from the database at most once per {@link #ACTIVE_REVISION_TTL_NANOS}, so edges recorded
   * through another replica show within that time, and those recorded here at once.
   *
   * <p>NOTE: every change rereads all observed edges of the twin and rebuilds their adjacency, at
   * O(k log k) for k edges, so a client that records many edges should send them in few calls.
   */
  public TwinGraph graphWithObservedEdges(String twinId, String revisionId) {
    TwinGraph design = graph(twinId, revisionId);
    long version = observedVersion(twinId);
    String key = twinId + "/" + design.revisionId();
    synchronized (observedViews) {
      ObservedView cached = observedViews.get(key);
      if (cached != null && cached.design() == design && cached.version() >= version) {
        return cached.graph();
      }
    }
    ObservedEdgeStore.Snapshot snapshot = observedEdges.all(twinId);
    TwinGraph graph = design.withObservedEdges(snapshot.edges());
    synchronized (observedViews) {
      observedViews.put(key, new ObservedView(design, snapshot.version(), graph));
      while (observedViews.size() > cachedGraphs) {
        observedViews.remove(observedViews.keySet().iterator().next());
      }
    }
    return graph;
  }

  /**
   * Stores observed edges of a twin. The caller has checked them against the active revision.
   *
   * @return the number of edges that were new
   */
  public int recordObservedEdges(String twinId, List<TwinGraph.ObservedEdge> edges) {
    int created;
    try {
      created = observedEdges.insert(twinId, edges, Instant.now());
    } catch (SQLException e) {
      throw new DatabaseException(e);
    }
    observedVersions.remove(twinId);
    return created;
  }

  /** Returns every observed edge of a twin, as stored. */
  public List<TwinGraph.ObservedEdge> observedEdges(String twinId) {
    return observedEdges.all(twinId).edges();
  }

  private long observedVersion(String twinId) {
    long now = System.nanoTime();
    ObservedVersion cached = observedVersions.get(twinId);
    if (cached != null && now - cached.readAt() < ACTIVE_REVISION_TTL_NANOS) {
      return cached.version();
    }
    long version = observedEdges.version(twinId);
    observedVersions.put(twinId, new ObservedVersion(version, now));
    return version;
  }

  /**
   * The active revision of a twin, read from the database at most once per {@link
   * #ACTIVE_REVISION_TTL_NANOS}: queries and telemetry name the active revision on every call, and
   * a database round trip each time would cost more than the query. A switch made by this process
   * shows at once; one made by another replica within that time.
   */
  private String activeRevision(String twinId) {
    long now = System.nanoTime();
    Active cached = active.get(twinId);
    if (cached != null && now - cached.readAt() < ACTIVE_REVISION_TTL_NANOS) {
      return cached.revisionId();
    }
    String revision = twin(twinId).activeRevision();
    active.put(twinId, new Active(revision, now));
    return revision;
  }

  private void put(String key, TwinGraph graph) {
    graphs.put(key, graph);
    while (graphs.size() > cachedGraphs) {
      String eldest = graphs.keySet().iterator().next();
      graphs.remove(eldest);
    }
  }
}
