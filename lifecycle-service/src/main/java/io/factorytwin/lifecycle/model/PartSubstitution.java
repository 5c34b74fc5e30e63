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
 * Replaces one part revision with another in every placement that uses it.
 *
 * @param from the part revision to replace
 * @param to the part revision used instead
 */
public record PartSubstitution(PartRef from, PartRef to) {

  /** Layout version written first, so a change of layout is detected on read. */
  private static final int LAYOUT = 1;

  /** Encodes substitutions as a layout version, a count, then per entry the two names. */
  public static byte[] encode(List<PartSubstitution> substitutions) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(LAYOUT);
      out.writeInt(substitutions.size());
      for (PartSubstitution substitution : substitutions) {
        out.writeUTF(substitution.from().partId());
        out.writeInt(substitution.from().number());
        out.writeUTF(substitution.to().partId());
        out.writeInt(substitution.to().number());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static List<PartSubstitution> decode(byte[] stored) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
      if (in.readInt() != LAYOUT) {
        throw new IllegalStateException("stored part substitutions have an unknown layout");
      }
      int count = in.readInt();
      List<PartSubstitution> substitutions = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        PartRef from = new PartRef(in.readUTF(), in.readInt());
        PartRef to = new PartRef(in.readUTF(), in.readInt());
        substitutions.add(new PartSubstitution(from, to));
      }
      return substitutions;
    } catch (IOException e) {
      throw new UncheckedIOException("stored part substitutions are unreadable", e);
    }
  }
}
