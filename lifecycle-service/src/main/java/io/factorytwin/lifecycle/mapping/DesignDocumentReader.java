package io.factorytwin.lifecycle.mapping;

import com.google.protobuf.Message;
import io.factorytwin.common.v1.Connection;
import io.factorytwin.common.v1.Hall;
import io.factorytwin.common.v1.Placement;
import io.factorytwin.common.v1.RedundancyGroup;
import io.factorytwin.common.v1.Row;
import io.factorytwin.lifecycle.model.DesignContent;
import io.factorytwin.lifecycle.model.DesignEdit;
import io.factorytwin.lifecycle.model.EquipmentClass;
import io.factorytwin.lifecycle.model.RevisionContent;
import io.factorytwin.lifecycle.service.AlternativeFields;
import io.factorytwin.lifecycle.service.DesignDocument;
import io.factorytwin.lifecycle.service.DesignDocument.AlternativeEntry;
import io.factorytwin.lifecycle.service.DesignDocument.DesignEntry;
import io.factorytwin.lifecycle.service.DesignDocument.PartEntry;
import io.factorytwin.lifecycle.service.DesignDocument.RevisionEntry;
import io.factorytwin.lifecycle.service.DesignFields;
import io.factorytwin.lifecycle.service.DocumentError;
import io.factorytwin.lifecycle.service.DocumentRejectedException;
import io.factorytwin.lifecycle.service.PartFields;
import io.factorytwin.lifecycle.service.SpecRules;
import io.factorytwin.lifecycle.v1.Alternative;
import io.factorytwin.lifecycle.v1.Design;
import io.factorytwin.lifecycle.v1.DesignRevision;
import io.factorytwin.lifecycle.v1.Part;
import io.factorytwin.lifecycle.v1.PartRevision;
import io.factorytwin.lifecycle.v1.SpecSource;
import io.factorytwin.support.error.InvalidArgumentException;
import io.factorytwin.support.error.InvalidArgumentException.FieldViolation;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Reads a YAML design document (the format is described in the module README) into a checked {@link
 * DesignDocument}. It runs the same checks as the single-resource RPCs, through the same mappers
 * and spec rules, and collects every error with its element path before anything is stored.
 */
@ApplicationScoped
public class DesignDocumentReader {

  /**
   * Maximum number of YAML aliases per document. Anchors repeat port lists, so a few hundred are
   * enough, and the bound stops alias expansion from blowing up memory.
   */
  private static final int MAX_ALIASES = 500;

  private static final Set<String> DOCUMENT_KEYS = Set.of("parts", "designs");
  private static final Set<String> PART_KEYS =
      Set.of(
          "id",
          "display_name",
          "equipment_class",
          "manufacturer",
          "model",
          "description",
          "revisions");
  private static final Set<String> PART_FIELDS =
      Set.of("display_name", "equipment_class", "manufacturer", "model", "description");
  private static final Set<String> REVISION_KEYS =
      Set.of("spec", "ports", "change_summary", "release");
  private static final Set<String> REVISION_FIELDS = Set.of("spec", "ports", "change_summary");
  private static final Set<String> DESIGN_FIELDS = Set.of("display_name", "description");
  private static final Set<String> DESIGN_REVISION_FIELDS =
      Set.of("site", "setpoints", "change_summary");
  private static final List<String> ELEMENT_LISTS =
      List.of("halls", "rows", "placements", "connections", "redundancy_groups");
  private static final Set<String> ALTERNATIVE_FIELDS =
      Set.of(
          "display_name", "description", "site", "power_source", "part_substitutions", "setpoints");

  /** A mapper violation on an edit, such as {@code edits[3].upsert_placement.part_revision}. */
  private static final Pattern EDIT_FIELD = Pattern.compile("edits\\[(\\d+)]\\.[a-z_]+(.*)");

  private final SpecRules rules;

  DesignDocumentReader(SpecRules rules) {
    this.rules = rules;
  }

  /**
   * Parses and checks a document. Fails with {@link DocumentRejectedException} listing every error
   * found, each with its element path, line and column.
   *
   * @param documentName the uploaded file's name, used in YAML syntax messages
   */
  public DesignDocument read(byte[] bytes, String documentName) {
    Reading reading = new Reading();
    Node root = parse(bytes, documentName, reading);
    if (root != null) {
      reading.document(root);
    }
    List<DocumentError> errors = reading.errors();
    if (!errors.isEmpty()) {
      throw new DocumentRejectedException(errors);
    }
    return new DesignDocument(reading.parts, reading.designs, reading::locate);
  }

  private static Node parse(byte[] bytes, String documentName, Reading reading) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      reading.yaml.problem("", null, "the document is not valid UTF-8");
      return null;
    }
    reading.text = text;
    reading.markedSettings = settings(documentName, text, true);
    try {
      // The tree is composed without marks, because marks take more heap than the rest of it.
      // YamlPositions finds an error's position from the text when one is needed.
      Optional<Node> root = new Compose(settings(documentName, text, false)).composeString(text);
      if (root.isEmpty()) {
        reading.yaml.problem("", null, "the document is empty; it needs parts or designs");
        return null;
      }
      return root.get();
    } catch (MarkedYamlEngineException e) {
      Mark mark = markOfSyntaxError(text, reading.markedSettings);
      String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
      String context = e.getContext() == null ? "" : e.getContext() + ": ";
      reading
          .yaml
          .problems()
          .add(new YamlMessages.Problem("", "invalid YAML: " + context + problem, mark, false));
      return null;
    } catch (YamlEngineException e) {
      reading.yaml.problem("", null, "invalid YAML: " + e.getMessage());
      return null;
    }
  }

  private static LoadSettings settings(String documentName, String text, boolean useMarks) {
    return LoadSettings.builder()
        .setLabel(documentName.isEmpty() ? "document" : documentName)
        .setAllowDuplicateKeys(false)
        .setAllowRecursiveKeys(false)
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setCodePointLimit(Math.max(text.length() + 1, 1024))
        .setUseMarks(useMarks)
        .build();
  }

  /** Composes the text again with marks, to the syntax error, and returns the error's position. */
  private static Mark markOfSyntaxError(String text, LoadSettings markedSettings) {
    try {
      new Compose(markedSettings).composeString(text);
    } catch (MarkedYamlEngineException e) {
      return e.getProblemMark().orElse(null);
    } catch (YamlEngineException e) {
      return null;
    }
    return null;
  }

  /** The state of reading one document. */
  private final class Reading {
    final YamlMessages yaml = new YamlMessages();
    String text = "";
    LoadSettings markedSettings;
    final List<PartEntry> parts = new ArrayList<>();
    final List<DesignEntry> designs = new ArrayList<>();
    final Map<String, String> partPaths = new HashMap<>();
    final Map<String, String> designPaths = new HashMap<>();

    void document(Node root) {
      Map<String, NodeTuple> entries = yaml.entries(root, "");
      if (entries == null) {
        return;
      }
      unknownKeys(entries, DOCUMENT_KEYS, "");
      List<Node> partNodes = list(entries, "parts", "parts");
      for (int i = 0; i < partNodes.size(); i++) {
        part(partNodes.get(i), "parts[" + i + "]");
      }
      List<Node> designNodes = list(entries, "designs", "designs");
      for (int i = 0; i < designNodes.size(); i++) {
        design(designNodes.get(i), "designs[" + i + "]");
      }
    }

    private void part(Node node, String path) {
      Map<String, NodeTuple> entries = yaml.entries(node, path);
      if (entries == null) {
        return;
      }
      unknownKeys(entries, PART_KEYS, path);
      String partId = id(entries, path, partPaths, "part");
      Part.Builder part = Part.newBuilder();
      mergeSubset(node, entries, part, path, PART_FIELDS, null);
      PartFields fields = check(() -> PartMapper.newPart(part.build(), path), path, path);
      List<RevisionEntry> revisions = new ArrayList<>();
      List<Node> revisionNodes = list(entries, "revisions", path + ".revisions");
      for (int j = 0; j < revisionNodes.size(); j++) {
        String revisionPath = path + ".revisions[" + j + "]";
        RevisionEntry revision =
            revision(
                revisionNodes.get(j),
                revisionPath,
                fields == null ? null : fields.equipmentClass());
        if (revision != null) {
          revisions.add(revision);
        }
      }
      if (partId != null && fields != null) {
        parts.add(new PartEntry(path, partId, fields, revisions));
      }
    }

    private RevisionEntry revision(Node node, String path, EquipmentClass equipmentClass) {
      Map<String, NodeTuple> entries = yaml.entries(node, path);
      if (entries == null) {
        return null;
      }
      unknownKeys(entries, REVISION_KEYS, path);
      boolean release =
          entries.containsKey("release")
              && yaml.bool(entries.get("release").getValueNode(), path + ".release");
      PartRevision.Builder revision = PartRevision.newBuilder();
      List<SpecSource> sources = new ArrayList<>();
      int problemsBefore = yaml.problems().size();
      mergeSubset(node, entries, revision, path, REVISION_FIELDS, sources);
      // A value that could not be read is left unset, so the spec rules would report it again.
      boolean readable = yaml.problems().size() == problemsBefore;
      revision.addAllSources(sources);
      RevisionContent content =
          check(() -> PartMapper.content(revision.build()), "part_revision", path);
      if (content == null || equipmentClass == null || !readable) {
        return null;
      }
      for (FieldViolation violation : rules.validate(equipmentClass, content, path)) {
        yaml.problem(violation.field(), null, violation.description());
      }
      return new RevisionEntry(path, content, release);
    }

    private void design(Node node, String path) {
      Map<String, NodeTuple> entries = yaml.entries(node, path);
      if (entries == null) {
        return;
      }
      Set<String> known = new HashSet<>(Set.of("id", "alternatives"));
      known.addAll(DESIGN_FIELDS);
      known.addAll(DESIGN_REVISION_FIELDS);
      known.addAll(ELEMENT_LISTS);
      unknownKeys(entries, known, path);
      String designId = id(entries, path, designPaths, "design");

      Design.Builder design = Design.newBuilder();
      mergeSubset(node, entries, design, path, DESIGN_FIELDS, null);
      DesignFields fields = check(() -> DesignMapper.newDesign(design.build(), path), path, path);

      DesignRevision.Builder revision = DesignRevision.newBuilder();
      mergeSubset(node, entries, revision, path, DESIGN_REVISION_FIELDS, null);
      DesignContent content = check(() -> DesignMapper.content(revision.build(), path), path, path);
      List<DesignEdit> edits = edits(entries, path);

      List<AlternativeEntry> alternatives = new ArrayList<>();
      List<Node> alternativeNodes = list(entries, "alternatives", path + ".alternatives");
      Map<String, String> alternativePaths = new HashMap<>();
      for (int k = 0; k < alternativeNodes.size(); k++) {
        AlternativeEntry alternative =
            alternative(
                alternativeNodes.get(k), path + ".alternatives[" + k + "]", alternativePaths);
        if (alternative != null) {
          alternatives.add(alternative);
        }
      }
      if (designId != null && fields != null && content != null && edits != null) {
        designs.add(new DesignEntry(path, designId, fields, content, edits, alternatives));
      }
    }

    /** Converts the element lists of a design into upsert edits that carry document paths. */
    private List<DesignEdit> edits(Map<String, NodeTuple> entries, String path) {
      List<io.factorytwin.lifecycle.v1.DesignEdit> edits = new ArrayList<>();
      List<String> editPaths = new ArrayList<>();
      for (String listName : ELEMENT_LISTS) {
        Map<String, String> seen = new HashMap<>();
        List<Node> nodes = list(entries, listName, path + "." + listName);
        for (int k = 0; k < nodes.size(); k++) {
          String elementPath = path + "." + listName + "[" + k + "]";
          io.factorytwin.lifecycle.v1.DesignEdit edit =
              element(listName, nodes.get(k), elementPath);
          if (edit == null) {
            continue;
          }
          String elementId = elementId(edit);
          String first = seen.putIfAbsent(elementId, elementPath);
          if (first != null) {
            yaml.problem(
                elementPath + ".id",
                nodes.get(k),
                "duplicate id " + elementId + "; first used at " + first);
            continue;
          }
          edits.add(edit);
          editPaths.add(elementPath);
        }
      }
      List<DesignEdit> converted = new ArrayList<>(edits.size());
      boolean valid = true;
      for (int offset = 0; offset < edits.size(); offset += DesignMapper.MAX_EDITS) {
        List<io.factorytwin.lifecycle.v1.DesignEdit> chunk =
            edits.subList(offset, Math.min(edits.size(), offset + DesignMapper.MAX_EDITS));
        try {
          List<DesignEdit> mapped = DesignMapper.edits(chunk, false);
          for (int n = 0; n < mapped.size(); n++) {
            converted.add(relabel(mapped.get(n), editPaths.get(offset + n)));
          }
        } catch (InvalidArgumentException e) {
          valid = false;
          for (FieldViolation violation : e.violations()) {
            Matcher matcher = EDIT_FIELD.matcher(violation.field());
            String field =
                matcher.matches()
                    ? editPaths.get(offset + Integer.parseInt(matcher.group(1))) + matcher.group(2)
                    : path;
            yaml.problem(field, null, violation.description());
          }
        }
      }
      return valid ? converted : null;
    }

    private io.factorytwin.lifecycle.v1.DesignEdit element(
        String listName, Node node, String path) {
      var edit = io.factorytwin.lifecycle.v1.DesignEdit.newBuilder();
      switch (listName) {
        case "halls" -> edit.setUpsertHall((Hall) merged(node, Hall.newBuilder(), path));
        case "rows" -> edit.setUpsertRow((Row) merged(node, Row.newBuilder(), path));
        case "placements" ->
            edit.setUpsertPlacement((Placement) merged(node, Placement.newBuilder(), path));
        case "connections" -> {
          Connection.Builder connection = Connection.newBuilder();
          merged(node, connection, path);
          if (connection.getId().isEmpty()) {
            connection.setId(
                String.join(
                    ".",
                    connection.getSourcePlacement(),
                    connection.getSourcePort(),
                    connection.getTargetPlacement(),
                    connection.getTargetPort()));
          }
          edit.setUpsertConnection(connection.build());
        }
        case "redundancy_groups" ->
            edit.setUpsertRedundancyGroup(
                (RedundancyGroup) merged(node, RedundancyGroup.newBuilder(), path));
        default -> throw new IllegalArgumentException("not an element list: " + listName);
      }
      return edit.build();
    }

    private AlternativeEntry alternative(Node node, String path, Map<String, String> seen) {
      Map<String, NodeTuple> entries = yaml.entries(node, path);
      if (entries == null) {
        return null;
      }
      Set<String> known = new HashSet<>(ALTERNATIVE_FIELDS);
      known.add("id");
      unknownKeys(entries, known, path);
      String alternativeId = id(entries, path, seen, "alternative");
      Alternative.Builder alternative = Alternative.newBuilder();
      mergeSubset(node, entries, alternative, path, ALTERNATIVE_FIELDS, null);
      AlternativeFields fields =
          check(
              () ->
                  AlternativeMapper.fields(alternative.build(), path, AlternativeMapper.UPDATABLE),
              path,
              path);
      return alternativeId == null || fields == null
          ? null
          : new AlternativeEntry(path, alternativeId, fields);
    }

    private Message merged(Node node, Message.Builder builder, String path) {
      yaml.merge(node, builder, path, Set.of(), null, null);
      return builder.build();
    }

    /** Fills the builder from the named keys of a mapping whose other keys are read elsewhere. */
    private void mergeSubset(
        Node node,
        Map<String, NodeTuple> entries,
        Message.Builder builder,
        String path,
        Set<String> fields,
        List<SpecSource> sources) {
      Set<String> others = new LinkedHashSet<>(entries.keySet());
      others.removeAll(fields);
      yaml.merge(node, builder, path, others, fields, sources);
    }

    /** Reads and checks the {@code id} key, or returns null after recording a problem. */
    private String id(
        Map<String, NodeTuple> entries, String path, Map<String, String> seen, String kind) {
      NodeTuple tuple = entries.get("id");
      String id = tuple == null ? "" : yaml.text(tuple.getValueNode(), path + ".id");
      if (id == null) {
        return null;
      }
      String checked = check(() -> ResourceNames.partId(id, path + ".id"), path, path);
      if (checked != null) {
        String first = seen.putIfAbsent(checked, path);
        if (first != null) {
          yaml.problem(
              path + ".id",
              tuple.getValueNode(),
              "duplicate " + kind + " id " + id + "; first used at " + first);
          return null;
        }
      }
      return checked;
    }

    private List<Node> list(Map<String, NodeTuple> entries, String key, String path) {
      NodeTuple tuple = entries.get(key);
      if (tuple == null) {
        return List.of();
      }
      List<Node> items = yaml.items(tuple.getValueNode(), path);
      return items == null ? List.of() : items;
    }

    private void unknownKeys(Map<String, NodeTuple> entries, Set<String> known, String path) {
      for (var entry : entries.entrySet()) {
        if (!known.contains(entry.getKey())) {
          String at = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
          yaml.problemAtKey(
              at,
              "unknown field; expected one of "
                  + String.join(", ", known.stream().sorted().toList()));
        }
      }
    }

    /**
     * Runs a mapper and records its violations, replacing the request field it names with the
     * document path; returns null when it failed.
     */
    private <T> T check(Supplier<T> mapper, String requestField, String path) {
      try {
        return mapper.get();
      } catch (InvalidArgumentException e) {
        Set<String> reported = new HashSet<>();
        yaml.problems().forEach(problem -> reported.add(problem.path()));
        for (FieldViolation violation : e.violations()) {
          String field = violation.field();
          String at =
              field.startsWith(requestField) ? path + field.substring(requestField.length()) : path;
          // A value the YAML reader rejected is left unset, and the mapper reports it again.
          if (!reported.contains(at)) {
            yaml.problem(at, null, violation.description());
          }
        }
        return null;
      }
    }

    List<DocumentError> errors() {
      List<YamlMessages.Problem> problems = yaml.problems();
      List<YamlPositions.Query> queries = new ArrayList<>();
      for (YamlMessages.Problem problem : problems) {
        if (problem.mark() == null) {
          queries.add(new YamlPositions.Query(problem.path(), problem.atKey()));
        }
      }
      // One pass over the text finds every position, however many errors there are.
      List<int[]> located =
          queries.isEmpty() || markedSettings == null
              ? List.of()
              : YamlPositions.locate(text, markedSettings, queries);
      List<DocumentError> errors = new ArrayList<>(problems.size());
      int next = 0;
      for (YamlMessages.Problem problem : problems) {
        int[] position;
        if (problem.mark() != null) {
          position = new int[] {problem.mark().getLine() + 1, problem.mark().getColumn() + 1};
        } else {
          position = located.isEmpty() ? new int[] {0, 0} : located.get(next);
          next++;
        }
        errors.add(new DocumentError(problem.path(), problem.message(), position[0], position[1]));
      }
      return errors;
    }

    /** Finds the position of the path or of its nearest enclosing element. */
    int[] locate(String path) {
      if (markedSettings == null) {
        return new int[] {0, 0};
      }
      return YamlPositions.locate(text, markedSettings, path, false);
    }
  }

  private static String elementId(io.factorytwin.lifecycle.v1.DesignEdit edit) {
    return switch (edit.getEditCase()) {
      case UPSERT_HALL -> edit.getUpsertHall().getId();
      case UPSERT_ROW -> edit.getUpsertRow().getId();
      case UPSERT_PLACEMENT -> edit.getUpsertPlacement().getId();
      case UPSERT_CONNECTION -> edit.getUpsertConnection().getId();
      case UPSERT_REDUNDANCY_GROUP -> edit.getUpsertRedundancyGroup().getId();
      default -> "";
    };
  }

  /** Gives an edit the document path of its element, so later violations name that element. */
  private static DesignEdit relabel(DesignEdit edit, String path) {
    return switch (edit) {
      case DesignEdit.UpsertHall hall -> new DesignEdit.UpsertHall(path, hall.hall());
      case DesignEdit.UpsertRow row -> new DesignEdit.UpsertRow(path, row.row());
      case DesignEdit.UpsertPlacement placement ->
          new DesignEdit.UpsertPlacement(path, placement.placement());
      case DesignEdit.UpsertConnection connection ->
          new DesignEdit.UpsertConnection(path, connection.connection());
      case DesignEdit.UpsertGroup group -> new DesignEdit.UpsertGroup(path, group.group());
      default -> edit;
    };
  }
}
