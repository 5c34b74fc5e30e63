package io.factorytwin.lifecycle.mapping;

import com.google.protobuf.Message;
import io.factorytwin.common.v1.EquipmentClass;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.OperatingSetpoints;
import io.factorytwin.lifecycle.service.DesignRevisionView;
import io.factorytwin.lifecycle.service.PublishedDesign;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.twin.v1.ApplyDesignCommit;
import io.factorytwin.twin.v1.ApplyDesignHeader;
import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.DesignChunk;
import io.factorytwin.twin.v1.DesignPart;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds the messages of a twin-service ApplyDesign stream from a published design: one header with
 * the element counts, chunks of at most {@link #CHUNK_BYTES} each, and a commit.
 */
public final class ApplyDesignMessages {

  /**
   * Maximum size of one chunk in bytes (1 MiB), as the contract advises. twin-service accepts
   * messages of up to 4 MiB, the gRPC default.
   */
  public static final int CHUNK_BYTES = 1024 * 1024;

  /** Upper bound of what a repeated field adds per element: its tag and length prefix. */
  private static final int ELEMENT_OVERHEAD_BYTES = 6;

  /** Upper bound of the chunk's sequence field: its tag and a 64-bit varint. */
  private static final int SEQUENCE_BYTES = 11;

  private ApplyDesignMessages() {}

  /**
   * Returns the stream for the design. The first chunk carries the site and the setpoints; parts,
   * halls, rows, placements, connections and redundancy groups follow in that order.
   *
   * @param chunkBytes the most bytes of one chunk; an element larger than that gets a chunk of its
   *     own
   */
  public static List<ApplyDesignRequest> of(
      PublishedDesign design, String twinId, boolean activate, int chunkBytes) {
    DesignRevision revision = DesignMapper.toProto(new DesignRevisionView(design.revision(), 0));
    Chunks chunks = new Chunks(chunkBytes);
    if (revision.hasSite()) {
      chunks.add(revision.getSite(), chunk -> chunk.setSite(revision.getSite()));
    }
    OperatingSetpoints setpoints = revision.getSetpoints();
    if (!setpoints.equals(OperatingSetpoints.getDefaultInstance())) {
      chunks.add(setpoints, chunk -> chunk.setSetpoints(setpoints));
    }
    for (PublishedDesign.UsedPart used : design.parts()) {
      DesignPart part = part(used);
      chunks.add(part, chunk -> chunk.addParts(part));
    }
    revision.getHallsList().forEach(hall -> chunks.add(hall, chunk -> chunk.addHalls(hall)));
    revision.getRowsList().forEach(row -> chunks.add(row, chunk -> chunk.addRows(row)));
    for (var element : design.placements()) {
      var placement = DesignMapper.toProto(element);
      chunks.add(placement, chunk -> chunk.addPlacements(placement));
    }
    for (var element : design.connections()) {
      var connection = DesignMapper.toProto(element);
      chunks.add(connection, chunk -> chunk.addConnections(connection));
    }
    revision
        .getRedundancyGroupsList()
        .forEach(group -> chunks.add(group, chunk -> chunk.addRedundancyGroups(group)));
    List<DesignChunk> built = chunks.finish();

    String designRevision = design.revision().name();
    List<ApplyDesignRequest> messages = new ArrayList<>(built.size() + 2);
    messages.add(
        ApplyDesignRequest.newBuilder()
            .setHeader(
                ApplyDesignHeader.newBuilder()
                    .setTwinId(twinId)
                    .setDesign("designs/" + design.revision().designId)
                    .setDesignRevision(designRevision)
                    .setActivate(activate)
                    .setPartCount(design.parts().size())
                    .setPlacementCount(design.placements().size())
                    .setConnectionCount(design.connections().size())
                    .setRedundancyGroupCount(revision.getRedundancyGroupsCount()))
            .build());
    built.forEach(chunk -> messages.add(ApplyDesignRequest.newBuilder().setChunk(chunk).build()));
    messages.add(
        ApplyDesignRequest.newBuilder()
            .setCommit(ApplyDesignCommit.newBuilder().setChunkCount(built.size()))
            .build());
    return messages;
  }

  private static DesignPart part(PublishedDesign.UsedPart used) {
    var part = used.part();
    var revision = used.revision();
    return DesignPart.newBuilder()
        .setPartRevision(used.ref().name())
        .setDisplayName(part.displayName)
        .setEquipmentClass(EquipmentClass.valueOf("EQUIPMENT_CLASS_" + part.equipmentClass.name()))
        .setManufacturer(part.manufacturer)
        .setModel(part.model)
        .setSpec(
            revision.spec == null
                ? EquipmentSpec.getDefaultInstance()
                : PartMapper.decodeSpec(revision.spec))
        .addAllPorts(PartMapper.decodeRevision(revision.ports).getPortsList())
        .build();
  }

  /** Fills chunks in sequence, closing one when the next element would take it past the size. */
  private static final class Chunks {
    private final int maxBytes;
    private final List<DesignChunk> done = new ArrayList<>();
    private DesignChunk.Builder current = DesignChunk.newBuilder();
    private long currentBytes = SEQUENCE_BYTES;
    private boolean currentEmpty = true;

    Chunks(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    void add(Message element, Consumer<DesignChunk.Builder> addition) {
      long size = element.getSerializedSize() + ELEMENT_OVERHEAD_BYTES;
      if (!currentEmpty && currentBytes + size > maxBytes) {
        close();
      }
      addition.accept(current);
      currentBytes += size;
      currentEmpty = false;
    }

    List<DesignChunk> finish() {
      if (!currentEmpty || done.isEmpty()) {
        close();
      }
      return List.copyOf(done);
    }

    private void close() {
      done.add(current.setSequence(done.size() + 1).build());
      current = DesignChunk.newBuilder();
      currentBytes = SEQUENCE_BYTES;
      currentEmpty = true;
    }
  }
}
