package io.factorytwin.lifecycle.mapping;

import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.Position;
import io.factorytwin.common.v1.RackSpec;
import io.factorytwin.common.v1.Row;
import io.factorytwin.common.v1.Site;
import io.factorytwin.lifecycle.model.Area;
import io.factorytwin.lifecycle.model.ConnectionElement;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignRevision;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.GroupElement;
import io.factorytwin.lifecycle.model.PartRef;
import io.factorytwin.lifecycle.model.PlacementElement;
import io.factorytwin.lifecycle.model.PortDomain;
import io.factorytwin.lifecycle.model.PowerPath;
import io.factorytwin.lifecycle.model.Setpoints;
import io.factorytwin.lifecycle.service.DesignRevisionView;
import io.factorytwin.lifecycle.service.UsdExportSource;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Times the writing of USD stages of growing size, to show that the export time grows linearly with
 * the number of racks. Each row has 16 racks, two RPPs (A and B) and three CDUs, wired as in the
 * reference hall: 8 connections per rack. The text goes to a writer that only counts characters, so
 * the figures leave out the database read and the network. Run it with bench/usd-export.sh.
 */
public final class UsdExportTiming {

  private static final int RACKS_PER_ROW = 16;

  private static final int RUNS = 5;

  private UsdExportTiming() {}

  /** Takes row counts as arguments; without any, times 8, 80 and 469 rows. */
  public static void main(String[] args) throws IOException {
    int[] rowCounts =
        args.length == 0
            ? new int[] {8, 80, 469}
            : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    // The first stages warm up the JIT compiler, so the measured runs see compiled code.
    for (int i = 0; i < 20; i++) {
      write(source(8));
    }
    System.out.println("racks  placements  connections  bytes  median ms  ms per 1000 racks");
    for (int rows : rowCounts) {
      UsdExportSource source = source(rows);
      List<Long> nanos = new ArrayList<>();
      long chars = 0;
      for (int run = 0; run < RUNS; run++) {
        long start = System.nanoTime();
        chars = write(source);
        nanos.add(System.nanoTime() - start);
      }
      nanos.sort(Comparator.naturalOrder());
      double medianMs = nanos.get(RUNS / 2) / 1e6;
      int racks = rows * RACKS_PER_ROW;
      System.out.printf(
          "%d  %d  %d  %d  %.1f  %.1f%n",
          racks,
          source.placements().size(),
          source.connections().size(),
          chars,
          medianMs,
          medianMs * 1000 / racks);
    }
  }

  /** Writes one stage with its alternatives; returns its length in characters (ASCII here). */
  private static long write(UsdExportSource source) throws IOException {
    long[] count = new long[1];
    Writer counter =
        new Writer() {
          @Override
          public void write(char[] buffer, int offset, int length) {
            count[0] += length;
          }

          @Override
          public Writer append(CharSequence text) {
            count[0] += text.length();
            return this;
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    UsdStageWriter.write(source, true, counter);
    return count[0];
  }

  private static UsdExportSource source(int rows) {
    PartRef rack = new PartRef("gb200-nvl72", 1);
    PartRef rpp = new PartRef("rpp-1000", 1);
    PartRef cdu = new PartRef("cdu-1350", 1);
    List<Area> rowAreas = new ArrayList<>();
    List<PlacementElement> placements = new ArrayList<>();
    List<ConnectionElement> connections = new ArrayList<>();
    for (int r = 1; r <= rows; r++) {
      String row = String.format("hall-1.row-%03d", r);
      rowAreas.add(
          new Area(
              row,
              Row.newBuilder()
                  .setId(row)
                  .setPosition(Position.newBuilder().setYM(3.6 * (r - 1)))
                  .build()
                  .toByteArray()));
      placements.add(placement(row + ".rpp-a", rpp, -1.2, 0));
      placements.add(placement(row + ".rpp-b", rpp, -1.2, 1.2));
      for (int c = 1; c <= 3; c++) {
        placements.add(placement(row + ".cdu-" + c, cdu, -1.2 - 1.2 * c, 0));
      }
      for (int k = 1; k <= RACKS_PER_ROW; k++) {
        String id = String.format("%s.rack-%02d", row, k);
        placements.add(placement(id, rack, 1.2 * (k - 1), 0));
        connections.add(connection(row + ".rpp-a", id, PortDomain.ELECTRICAL, PowerPath.A));
        connections.add(connection(row + ".rpp-b", id, PortDomain.ELECTRICAL, PowerPath.B));
        for (int c = 1; c <= 3; c++) {
          String unit = row + ".cdu-" + c;
          connections.add(connection(unit, id, PortDomain.TCS_SUPPLY, PowerPath.UNSPECIFIED));
          connections.add(connection(id, unit, PortDomain.TCS_RETURN, PowerPath.UNSPECIFIED));
        }
      }
    }
    placements.sort(Comparator.comparing(PlacementElement::id));
    connections.sort(Comparator.comparing(ConnectionElement::id));

    DesignRevision revision = new DesignRevision();
    revision.designId = "timing-hall";
    revision.revisionNumber = 1;
    revision.version = 1;
    revision.createTime = Instant.EPOCH;
    revision.apply(
        new DesignContent(
            Site.newBuilder()
                .setDisplayName("Leesburg, Virginia")
                .setLatitudeDeg(39.078)
                .setLongitudeDeg(-77.558)
                .build()
                .toByteArray(),
            List.of(new Area("hall-1", Hall.newBuilder().setId("hall-1").build().toByteArray())),
            rowAreas,
            List.<GroupElement>of(),
            Setpoints.NONE,
            ""));
    EquipmentSpec rackSpec =
        EquipmentSpec.newBuilder()
            .setRatedPowerKw(132)
            .setDesignPowerKw(120)
            .setRack(RackSpec.newBuilder().setGpuCount(72).setGpuPowerW(1200))
            .build();
    EquipmentSpec otherSpec = EquipmentSpec.newBuilder().setRatedPowerKw(1000).build();
    return new UsdExportSource(
        new DesignRevisionView(revision, 0),
        placements,
        connections,
        Map.of(
            rack,
            new UsdExportSource.UsedPart(EquipmentClass.RACK_SYSTEM, rackSpec.toByteArray()),
            rpp,
            new UsdExportSource.UsedPart(
                EquipmentClass.REMOTE_POWER_PANEL, otherSpec.toByteArray()),
            cdu,
            new UsdExportSource.UsedPart(EquipmentClass.CDU, otherSpec.toByteArray())),
        List.of());
  }

  private static PlacementElement placement(String id, PartRef part, double x, double y) {
    return new PlacementElement(
        id,
        PlacementElement.containerOf(id),
        part,
        id.substring(id.lastIndexOf('.') + 1),
        x,
        y,
        0,
        0,
        Placement.getDefaultInstance().toByteArray());
  }

  private static ConnectionElement connection(
      String source, String target, PortDomain domain, PowerPath path) {
    return new ConnectionElement(
        source + ".out." + target + ".in", source, "out", target, "in", domain, path);
  }
}
