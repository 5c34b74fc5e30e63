package io.factorytwin.lifecycle.mapping;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.factorytwin.common.v1.EquipmentSpec;
import io.factorytwin.lifecycle.v1.SpecSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Fills protobuf builders from a YAML node tree by the messages' field descriptors, without Java
 * reflection. Keys are proto field names. Enum values are written by name, with or without the
 * enum's prefix ({@code RACK_SYSTEM} or {@code EQUIPMENT_CLASS_RACK_SYSTEM}). Every problem is
 * collected with its element path and position instead of stopping at the first.
 *
 * <p>Inside an {@code EquipmentSpec}, any field may be written as {@code {value: ..., source:
 * "..."}}; the source becomes a {@code SpecSource} of the part revision.
 */
final class YamlMessages {

  /** Deepest nesting accepted, which also stops a recursive anchor. */
  private static final int MAX_DEPTH = 40;

  private static final int MAX_CITATION_CHARS = 1024;

  /** Fields that the contract marks output only inside messages a document may contain. */
  private static final Set<String> OUTPUT_ONLY =
      Set.of(
          "factorytwin.common.v1.Placement.container", "factorytwin.common.v1.Connection.domain");

  /** Numbers as the YAML 1.2 core schema writes them. */
  private static final Pattern FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");

  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");

  private final List<Problem> problems = new ArrayList<>();

  /**
   * One problem found while reading.
   *
   * @param mark the position, where known when the problem is found (YAML syntax errors); null when
   *     it is to be looked up by the path
   * @param atKey whether the position is that of the key naming the path's node, such as for an
   *     unknown field
   */
  record Problem(String path, String message, Mark mark, boolean atKey) {}

  List<Problem> problems() {
    return problems;
  }

  void problem(String path, Node node, String message) {
    problems.add(
        new Problem(path, message, node == null ? null : node.getStartMark().orElse(null), false));
  }

  /** Records a problem located at the key that names the path's node. */
  void problemAtKey(String path, String message) {
    problems.add(new Problem(path, message, null, true));
  }

  /**
   * Returns the entries of a mapping node keyed by their scalar keys, or null after recording a
   * problem when the node is not a mapping. Duplicate keys are rejected by the YAML loader.
   */
  Map<String, NodeTuple> entries(Node node, String path) {
    if (!(node instanceof MappingNode mapping)) {
      problem(path, node, "must be a mapping of field names to values");
      return null;
    }
    Map<String, NodeTuple> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode key) {
        entries.put(key.getValue(), tuple);
      } else {
        problem(path, tuple.getKeyNode(), "keys must be plain field names");
      }
    }
    return entries;
  }

  /** Returns the items of a sequence node, or null after recording a problem. */
  List<Node> items(Node node, String path) {
    if (isNull(node)) {
      return List.of();
    }
    if (!(node instanceof SequenceNode sequence)) {
      problem(path, node, "must be a list");
      return null;
    }
    return sequence.getValue();
  }

  /** Returns a scalar as text, "" for a YAML null, or null after recording a problem. */
  String text(Node node, String path) {
    if (isNull(node)) {
      return "";
    }
    if (!(node instanceof ScalarNode scalar)) {
      problem(path, node, "must be a text value");
      return null;
    }
    return scalar.getValue();
  }

  /** Returns a true or false scalar, or false after recording a problem. */
  boolean bool(Node node, String path) {
    String value = node instanceof ScalarNode scalar ? scalar.getValue() : "";
    return switch (value) {
      case "true", "True", "TRUE" -> true;
      case "false", "False", "FALSE" -> false;
      default -> {
        problem(path, node, "must be true or false");
        yield false;
      }
    };
  }

  /**
   * Fills the builder from a mapping node.
   *
   * @param ignored keys the caller reads itself
   * @param allowed field names that may appear, or null for every field that is not output only
   * @param sources collects the spec sources, or null outside a part revision
   */
  void merge(
      Node node,
      Message.Builder builder,
      String path,
      Set<String> ignored,
      Set<String> allowed,
      List<SpecSource> sources) {
    boolean inSpec = builder.getDescriptorForType().equals(EquipmentSpec.getDescriptor());
    mergeMessage(node, builder, path, ignored, allowed, inSpec ? "" : null, sources, 0);
  }

  private void mergeMessage(
      Node node,
      Message.Builder builder,
      String path,
      Set<String> ignored,
      Set<String> allowed,
      String specPath,
      List<SpecSource> sources,
      int depth) {
    if (depth > MAX_DEPTH) {
      problem(path, node, "is nested deeper than " + MAX_DEPTH + " levels");
      return;
    }
    Map<String, NodeTuple> entries = entries(node, path);
    if (entries == null) {
      return;
    }
    Descriptor descriptor = builder.getDescriptorForType();
    for (var entry : entries.entrySet()) {
      String key = entry.getKey();
      if (ignored.contains(key)) {
        continue;
      }
      String fieldPath = path + "." + key;
      Node value = entry.getValue().getValueNode();
      FieldDescriptor field = descriptor.findFieldByName(key);
      if (field == null
          || OUTPUT_ONLY.contains(field.getFullName())
          || (allowed != null && !allowed.contains(key))) {
        problemAtKey(fieldPath, "unknown field; " + expected(descriptor, ignored, allowed));
        continue;
      }
      String fieldSpecPath = specPath == null ? null : join(specPath, key);
      Node content = value;
      if (fieldSpecPath != null && isSourced(value)) {
        content = sourced(value, fieldPath, fieldSpecPath, sources);
        if (content == null) {
          continue;
        }
      }
      if (isNull(content)) {
        continue;
      }
      mergeField(content, builder, field, fieldPath, fieldSpecPath, sources, depth);
    }
  }

  private void mergeField(
      Node node,
      Message.Builder builder,
      FieldDescriptor field,
      String path,
      String specPath,
      List<SpecSource> sources,
      int depth) {
    if (field.isMapField()) {
      Map<String, NodeTuple> entries = entries(node, path);
      if (entries == null) {
        return;
      }
      Descriptor entryType = field.getMessageType();
      for (var entry : entries.entrySet()) {
        String value = text(entry.getValue().getValueNode(), path + "." + entry.getKey());
        if (value == null) {
          continue;
        }
        Message.Builder pair = builder.newBuilderForField(field);
        pair.setField(entryType.findFieldByName("key"), entry.getKey());
        pair.setField(entryType.findFieldByName("value"), value);
        builder.addRepeatedField(field, pair.build());
      }
      return;
    }
    if (field.isRepeated()) {
      List<Node> items = items(node, path);
      if (items == null) {
        return;
      }
      for (int i = 0; i < items.size(); i++) {
        String itemPath = path + "[" + i + "]";
        Object value = single(items.get(i), builder, field, itemPath, specPath, sources, depth);
        if (value != null) {
          builder.addRepeatedField(field, value);
        }
      }
      return;
    }
    Object value = single(node, builder, field, path, specPath, sources, depth);
    if (value != null) {
      builder.setField(field, value);
    }
  }

  private Object single(
      Node node,
      Message.Builder builder,
      FieldDescriptor field,
      String path,
      String specPath,
      List<SpecSource> sources,
      int depth) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      Message.Builder child = builder.newBuilderForField(field);
      String childSpecPath =
          specPath != null || !field.getMessageType().equals(EquipmentSpec.getDescriptor())
              ? specPath
              : "";
      mergeMessage(node, child, path, Set.of(), null, childSpecPath, sources, depth + 1);
      return child.build();
    }
    if (!(node instanceof ScalarNode scalar)) {
      problem(path, node, "must be a single value, not a list or mapping");
      return null;
    }
    String text = scalar.getValue().trim();
    return switch (field.getJavaType()) {
      case DOUBLE, FLOAT -> {
        Double number = finite(text);
        if (number == null) {
          problem(path, node, "must be a finite number, got '" + ResourceNames.clip(text) + "'");
          yield null;
        }
        yield field.getJavaType() == FieldDescriptor.JavaType.FLOAT
            ? (Object) number.floatValue()
            : (Object) number;
      }
      case INT, LONG -> integer(text, field, path, node);
      case BOOLEAN -> bool(node, path);
      case STRING -> scalar.getValue();
      case ENUM -> enumValue(text, field.getEnumType(), path, node);
      default -> {
        problem(path, node, "has a type that documents cannot set");
        yield null;
      }
    };
  }

  private Object integer(String text, FieldDescriptor field, String path, Node node) {
    boolean unsigned =
        field.getType() == FieldDescriptor.Type.UINT32
            || field.getType() == FieldDescriptor.Type.UINT64;
    boolean wide = field.getJavaType() == FieldDescriptor.JavaType.LONG;
    long min = Integer.MIN_VALUE;
    long max = Integer.MAX_VALUE;
    if (unsigned) {
      min = 0;
      max = wide ? Long.MAX_VALUE : 0xFFFF_FFFFL;
    } else if (wide) {
      min = Long.MIN_VALUE;
      max = Long.MAX_VALUE;
    }
    if (INTEGER.matcher(text).matches()) {
      try {
        long value = Long.parseLong(text);
        if (value >= min && value <= max) {
          return wide ? (Object) value : (Object) (int) value;
        }
      } catch (NumberFormatException e) {
        // Out of the range of long; reported below.
      }
    }
    problem(
        path,
        node,
        "must be a whole number from "
            + min
            + " to "
            + max
            + ", got '"
            + ResourceNames.clip(text)
            + "'");
    return null;
  }

  private EnumValueDescriptor enumValue(String text, EnumDescriptor type, String path, Node node) {
    String prefix = enumPrefix(type);
    String name = text.toUpperCase(Locale.ROOT).replace('-', '_');
    EnumValueDescriptor value = type.findValueByName(name);
    if (value == null) {
      value = type.findValueByName(prefix + name);
    }
    if (value == null || value.getNumber() == 0) {
      problem(
          path,
          node,
          "must be one of "
              + type.getValues().stream()
                  .filter(v -> v.getNumber() != 0)
                  .map(v -> v.getName().substring(prefix.length()))
                  .collect(Collectors.joining(", "))
              + ", got '"
              + ResourceNames.clip(text)
              + "'");
      return null;
    }
    return value;
  }

  /** Returns the common prefix of an enum's value names, such as {@code EQUIPMENT_CLASS_}. */
  private static String enumPrefix(EnumDescriptor type) {
    String unspecified = type.getValues().getFirst().getName();
    return unspecified.endsWith("UNSPECIFIED")
        ? unspecified.substring(0, unspecified.length() - "UNSPECIFIED".length())
        : "";
  }

  /**
   * Reads the {@code {value, source}} form of a spec field: records the source and returns the
   * value node, or null after recording a problem.
   */
  private Node sourced(Node node, String path, String specPath, List<SpecSource> sources) {
    Map<String, NodeTuple> entries = entries(node, path);
    Node value = null;
    for (var entry : entries.entrySet()) {
      Node content = entry.getValue().getValueNode();
      switch (entry.getKey()) {
        case "value" -> value = content;
        case "source" -> {
          String citation = text(content, path + ".source");
          if (citation == null) {
            continue;
          }
          if (citation.isBlank()
              || citation.codePointCount(0, citation.length()) > MAX_CITATION_CHARS) {
            problem(
                path + ".source",
                content,
                "must be a citation of 1 to " + MAX_CITATION_CHARS + " characters");
          } else if (sources != null) {
            sources.add(SpecSource.newBuilder().setField(specPath).setCitation(citation).build());
          } else {
            problem(path + ".source", content, "sources are only allowed in part revision specs");
          }
        }
        default ->
            problemAtKey(
                path + "." + entry.getKey(),
                "unknown field; a sourced value has only 'value' and 'source'");
      }
    }
    return value;
  }

  private static boolean isSourced(Node node) {
    if (!(node instanceof MappingNode mapping)) {
      return false;
    }
    return mapping.getValue().stream()
        .anyMatch(t -> t.getKeyNode() instanceof ScalarNode key && key.getValue().equals("value"));
  }

  static boolean isNull(Node node) {
    if (!(node instanceof ScalarNode scalar) || scalar.getScalarStyle() != ScalarStyle.PLAIN) {
      return false;
    }
    return switch (scalar.getValue()) {
      case "", "~", "null", "Null", "NULL" -> true;
      default -> false;
    };
  }

  private static Double finite(String text) {
    if (!FLOAT.matcher(text).matches()) {
      return null;
    }
    double value = Double.parseDouble(text);
    return Double.isFinite(value) ? value : null;
  }

  private static String join(String prefix, String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  private static String expected(Descriptor descriptor, Set<String> ignored, Set<String> allowed) {
    Set<String> names = new HashSet<>(ignored);
    for (FieldDescriptor field : descriptor.getFields()) {
      if (!OUTPUT_ONLY.contains(field.getFullName())
          && (allowed == null || allowed.contains(field.getName()))) {
        names.add(field.getName());
      }
    }
    return "expected one of " + names.stream().sorted().collect(Collectors.joining(", "));
  }
}
