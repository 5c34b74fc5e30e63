package io.factorytwin.lifecycle.mapping;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.factorytwin.support.usd.UsdLiterals;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the fields of a contract message as typed custom USD attributes, one per field, named by
 * the namespace and the field's JSON name: {@code rated_power_kw} of a spec becomes {@code custom
 * double factorytwin:ratedPowerKw}, and a field of a nested message adds one namespace level
 * ({@code factorytwin:rack:gpuCount}). A repeated scalar becomes an array attribute, and a repeated
 * message becomes one array per field of its elements ({@code
 * factorytwin:efficiencyCurve:loadFraction}). Fields come in declaration order, so the output is
 * the same for the same message.
 */
final class UsdMessageAttributes {

  private UsdMessageAttributes() {}

  /**
   * Appends one line per set field. An optional field or sub-message that is unset, an enum at its
   * UNSPECIFIED value, an empty string and an empty list are left out. A plain numeric field is
   * written even when it is 0, because 0 is a valid value there.
   */
  static void append(StringBuilder out, String indent, String namespace, Message message) {
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      String name = namespace + ":" + field.getJsonName();
      if (field.isRepeated()) {
        if (message.getRepeatedFieldCount(field) == 0) {
          continue;
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          appendColumns(out, indent, name, message, field);
        } else {
          List<Object> values = new ArrayList<>();
          for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            values.add(message.getRepeatedField(field, i));
          }
          appendArray(out, indent, name, field, values);
        }
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (message.hasField(field)) {
          append(out, indent, name, (Message) message.getField(field));
        }
      } else if (isSet(message, field)) {
        out.append(indent)
            .append("custom ")
            .append(typeName(field))
            .append(' ')
            .append(name)
            .append(" = ");
        appendValue(out, field, message.getField(field));
        out.append('\n');
      }
    }
  }

  /**
   * Appends one array per scalar field of the elements of a repeated message. NOTE: a USD array
   * cannot have a gap, so a field that some elements leave unset is left out, and so is a nested
   * message inside the elements. No spec message of the current contract has such a field.
   */
  private static void appendColumns(
      StringBuilder out, String indent, String name, Message message, FieldDescriptor field) {
    int count = message.getRepeatedFieldCount(field);
    for (FieldDescriptor column : field.getMessageType().getFields()) {
      if (column.isRepeated() || column.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      List<Object> values = new ArrayList<>(count);
      boolean complete = true;
      for (int i = 0; i < count; i++) {
        Message element = (Message) message.getRepeatedField(field, i);
        if (column.hasPresence() && !element.hasField(column)) {
          complete = false;
          break;
        }
        values.add(element.getField(column));
      }
      if (complete) {
        appendArray(out, indent, name + ":" + column.getJsonName(), column, values);
      }
    }
  }

  private static void appendArray(
      StringBuilder out, String indent, String name, FieldDescriptor field, List<Object> values) {
    out.append(indent)
        .append("custom ")
        .append(typeName(field))
        .append("[] ")
        .append(name)
        .append(" = [");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      appendValue(out, field, values.get(i));
    }
    out.append("]\n");
  }

  private static boolean isSet(Message message, FieldDescriptor field) {
    if (field.hasPresence()) {
      return message.hasField(field);
    }
    return switch (field.getJavaType()) {
      case STRING -> !((String) message.getField(field)).isEmpty();
      case ENUM -> ((EnumValueDescriptor) message.getField(field)).getNumber() != 0;
      case BYTE_STRING -> false;
      default -> true;
    };
  }

  static String typeName(FieldDescriptor field) {
    return switch (field.getType()) {
      case DOUBLE -> "double";
      case FLOAT -> "float";
      case INT32, SINT32, SFIXED32 -> "int";
      case INT64, SINT64, SFIXED64 -> "int64";
      case UINT32, FIXED32 -> "uint";
      case UINT64, FIXED64 -> "uint64";
      case BOOL -> "bool";
      case STRING -> "string";
      case ENUM -> "token";
      case BYTES, MESSAGE, GROUP ->
          throw new IllegalArgumentException(field.getFullName() + " has no USD value type");
    };
  }

  private static void appendValue(StringBuilder out, FieldDescriptor field, Object value) {
    switch (field.getType()) {
      case DOUBLE -> out.append(UsdLiterals.number((Double) value));
      case FLOAT -> out.append(UsdLiterals.number(Double.parseDouble(value.toString())));
      case UINT32, FIXED32 -> out.append(Integer.toUnsignedString((Integer) value));
      case UINT64, FIXED64 -> out.append(Long.toUnsignedString((Long) value));
      case BOOL -> out.append((Boolean) value ? '1' : '0');
      case STRING -> UsdLiterals.appendString(out, (String) value);
      case ENUM -> UsdLiterals.appendString(out, enumToken((EnumValueDescriptor) value));
      default -> out.append(value);
    }
  }

  /**
   * Returns an enum value's name without the prefix that the contract's style puts on every value
   * ({@code REDUNDANCY_N_PLUS_1} becomes {@code N_PLUS_1}).
   */
  static String enumToken(EnumValueDescriptor value) {
    String typeName = value.getType().getName();
    StringBuilder prefix = new StringBuilder(typeName.length() + 4);
    for (int i = 0; i < typeName.length(); i++) {
      char c = typeName.charAt(i);
      if (i > 0 && Character.isUpperCase(c)) {
        prefix.append('_');
      }
      prefix.append(Character.toUpperCase(c));
    }
    prefix.append('_');
    String name = value.getName();
    return name.startsWith(prefix.toString()) ? name.substring(prefix.length()) : name;
  }
}
