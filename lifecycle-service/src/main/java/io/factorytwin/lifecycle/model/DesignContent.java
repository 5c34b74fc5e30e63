package io.factorytwin.lifecycle.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of a design revision that live in its own row: site, halls, rows, redundancy groups,
 * setpoints and change summary. The element lists are stored in a length-prefixed layout: a count,
 * then per element its fields in order, written with {@link DataOutputStream}.
 *
 * @param site the contract's protobuf encoding of the Site, null when unset
 */
public record DesignContent(
    byte[] site,
    List<Area> halls,
    List<Area> rows,
    List<GroupElement> groups,
    Setpoints setpoints,
    String changeSummary) {

  /** Layout version written first, so a change of layout is detected on read. */
  private static final int LAYOUT = 1;

  public static DesignContent empty() {
    return new DesignContent(null, List.of(), List.of(), List.of(), Setpoints.NONE, "");
  }

  public static byte[] encodeAreas(List<Area> areas) {
    return write(
        out -> {
          out.writeInt(areas.size());
          for (Area area : areas) {
            out.writeUTF(area.id());
            out.writeInt(area.encoded().length);
            out.write(area.encoded());
          }
        });
  }

  public static List<Area> decodeAreas(byte[] bytes) {
    return read(
        bytes,
        in -> {
          int count = in.readInt();
          List<Area> areas = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            String id = in.readUTF();
            byte[] encoded = new byte[in.readInt()];
            in.readFully(encoded);
            areas.add(new Area(id, encoded));
          }
          return areas;
        });
  }

  public static byte[] encodeGroups(List<GroupElement> groups) {
    return write(
        out -> {
          out.writeInt(groups.size());
          for (GroupElement group : groups) {
            out.writeUTF(group.id());
            out.writeUTF(group.displayName());
            out.writeUTF(group.redundancy().name());
            out.writeInt(group.members().size());
            for (String member : group.members()) {
              out.writeUTF(member);
            }
          }
        });
  }

  public static List<GroupElement> decodeGroups(byte[] bytes) {
    return read(
        bytes,
        in -> {
          int count = in.readInt();
          List<GroupElement> groups = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            String id = in.readUTF();
            String displayName = in.readUTF();
            Redundancy redundancy = Redundancy.valueOf(in.readUTF());
            int size = in.readInt();
            List<String> members = new ArrayList<>(size);
            for (int j = 0; j < size; j++) {
              members.add(in.readUTF());
            }
            groups.add(new GroupElement(id, displayName, redundancy, List.copyOf(members)));
          }
          return groups;
        });
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(LAYOUT);
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] bytes, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != LAYOUT) {
        throw new IllegalStateException("stored design elements have an unknown layout");
      }
      return reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("stored design elements are unreadable", e);
    }
  }
}
