package io.factorytwin.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.PortDomain;
import io.factorytwin.common.v1.PortSpec;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.mapping.ApplyDesignMessages;
import io.factorytwin.lifecycle.model.Area;
import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignRevision;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.GroupElement;
import io.factorytwin.lifecycle.model.Part;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PartRevision;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.PowerPath;
import io.factorytwin.lifecycle.model.Redundancy;
import io.factorytwin.lifecycle.model.RevisionState;
import io.factorytwin.lifecycle.model.Setpoints;
import io.factorytwin.lifecycle.service.PublishedDesign;
import io.factorytwin.twin.v1.ApplyDesignHeader;
import io.factorytwin.twin.v1.ApplyDesignRequest;
import io.factorytwin.twin.v1.DesignChunk;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ApplyDesign stream that the relay sends, built from a design held in memory. */
class ApplyDesignMessagesTest {

  private static final PartRef RACK = new PartRef("rack", 1);

  @Test
  void largeDesign_isSplitIntoBoundedChunks() {
    PublishedDesign design = aRowOfRacks(2_000);
    int chunkBytes = 16 * 1024;

    List<ApplyDesignRequest> messages = ApplyDesignMessages.of(design, "hall", true, chunkBytes);

    ApplyDesignHeader header = messages.getFirst().getHeader();
    List<DesignChunk> chunks =
        messages.subList(1, messages.size() - 1).stream()
            .map(ApplyDesignRequest::getChunk)
            .toList();
    assertThat(header.getTwinId()).isEqualTo("hall");
    assertThat(header.getDesign()).isEqualTo("designs/hall");
    assertThat(header.getDesignRevision()).isEqualTo("designs/hall/revisions/b");
    assertThat(header.getActivate()).isTrue();
    assertThat(header.getPartCount()).isEqualTo(1);
    assertThat(header.getPlacementCount()).isEqualTo(2_000);
    assertThat(header.getConnectionCount()).isEqualTo(1_999);
    assertThat(header.getRedundancyGroupCount()).isEqualTo(1);
    assertThat(chunks.size()).isGreaterThan(10);
    for (int i = 0; i < chunks.size(); i++) {
      assertThat(chunks.get(i).getSequence()).as("sequence of chunk %d", i).isEqualTo(i + 1);
      assertThat(chunks.get(i).getSerializedSize())
          .as("bytes of chunk %d", i + 1)
          .isLessThanOrEqualTo(chunkBytes);
    }
    assertThat(chunks.stream().mapToInt(DesignChunk::getPlacementsCount).sum()).isEqualTo(2_000);
    assertThat(chunks.stream().mapToInt(DesignChunk::getConnectionsCount).sum()).isEqualTo(1_999);
    assertThat(chunks.stream().mapToInt(DesignChunk::getRedundancyGroupsCount).sum()).isEqualTo(1);
    assertThat(chunks.stream().filter(DesignChunk::hasSite).count()).isEqualTo(1);
    assertThat(chunks.getFirst().hasSite()).isTrue();
    assertThat(chunks.getFirst().getSetpoints().getTcsSupplyTemperatureC()).isEqualTo(30.0);
    assertThat(chunks.getFirst().getParts(0).getPartRevision()).isEqualTo("parts/rack/revisions/a");
    assertThat(chunks.getFirst().getParts(0).getPortsCount()).isEqualTo(1);
    assertThat(messages.getLast().getCommit().getChunkCount()).isEqualTo(chunks.size());
  }

  @Test
  void emptyDesign_isOneChunkWithTheSite() {
    List<ApplyDesignRequest> messages =
        ApplyDesignMessages.of(aRowOfRacks(0), "hall", false, ApplyDesignMessages.CHUNK_BYTES);

    assertThat(messages).hasSize(3);
    assertThat(messages.get(1).getChunk().getSequence()).isEqualTo(1);
    assertThat(messages.get(1).getChunk().hasSite()).isTrue();
    assertThat(messages.get(2).getCommit().getChunkCount()).isEqualTo(1);
  }

  /** Builds revision B of design hall: racks in a row, each cabled to the next. */
  private static PublishedDesign aRowOfRacks(int racks) {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    DesignRevision revision = new DesignRevision();
    revision.designId = "hall";
    revision.revisionNumber = 2;
    revision.state = RevisionState.RELEASED;
    revision.author = "alice";
    revision.createTime = now;
    revision.updateTime = now;
    List<GroupElement> groups = new ArrayList<>();
    if (racks >= 2) {
      groups.add(
          new GroupElement(
              "racks", "", Redundancy.N_PLUS_1, List.of("hall-1.rack-0", "hall-1.rack-1")));
    }
    revision.apply(
        new DesignContent(
            Site.newBuilder().setDisplayName("Leesburg").build().toByteArray(),
            List.of(new Area("hall-1", Hall.newBuilder().setId("hall-1").build().toByteArray())),
            List.of(),
            groups,
            new Setpoints(30.0, null, null, null),
            ""));

    List<PlacementElement> placements = new ArrayList<>();
    List<ConnectionElement> connections = new ArrayList<>();
    for (int i = 0; i < racks; i++) {
      placements.add(
          new PlacementElement(
              "hall-1.rack-" + i,
              "hall-1",
              RACK,
              "Rack " + i + " of a long row of GB200 NVL72 racks",
              i * 0.6,
              0,
              0,
              0,
              new byte[0]));
      if (i > 0) {
        connections.add(
            new ConnectionElement(
                "hall-1.rack-" + (i - 1) + ".net.hall-1.rack-" + i + ".net",
                "hall-1.rack-" + (i - 1),
                "net",
                "hall-1.rack-" + i,
                "net",
                io.factorytwin.lifecycle.model.PortDomain.ELECTRICAL,
                PowerPath.A));
      }
    }

    Part part = new Part();
    part.id = "rack";
    part.displayName = "GB200 NVL72";
    part.equipmentClass = EquipmentClass.RACK_SYSTEM;
    part.manufacturer = "NVIDIA";
    part.model = "GB200 NVL72";
    PartRevision partRevision = new PartRevision();
    partRevision.ports =
        io.factorytwin.lifecycle.v1.PartRevision.newBuilder()
            .addPorts(
                PortSpec.newBuilder().setId("net").setDomain(PortDomain.PORT_DOMAIN_ELECTRICAL))
            .build()
            .toByteArray();
    List<PublishedDesign.UsedPart> parts =
        racks == 0 ? List.of() : List.of(new PublishedDesign.UsedPart(RACK, part, partRevision));
    return new PublishedDesign(revision, placements, connections, parts);
  }
}
