package io.factorytwin.lifecycle.mapping;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;

/**
 * Finds the line and column of element paths, such as {@code
 * designs[0].connections[12].source_placement}, in a YAML document.
 *
 * <p>The reader composes documents without marks, because the marks of a design of 7,552 racks take
 * about 200 MB of heap (measured with a class histogram of lifecycle-service). Positions are needed
 * only for errors, so this class parses the text again as a stream of events, with marks, and keeps
 * only the marks of the requested paths and of their enclosing elements. All paths of one document
 * are found in one pass. A path that leads through an alias ends at the alias.
 */
final class YamlPositions {

  private YamlPositions() {}

  /** A path to find, and whether the position of the key that names its node is requested. */
  record Query(String path, boolean atKey) {}

  /** The marks found for one path: of its node and of the key that names it. */
  private static final class Found {
    Mark node;
    Mark key;
  }

  /** One open mapping or sequence on the way down to the current event. */
  private static final class Frame {
    final boolean mapping;
    final String path;

    /** A complex key's subtree, which has no path; its end completes the key. */
    final boolean isKey;

    int nextIndex;
    boolean expectKey = true;
    String key;
    Mark keyMark;

    Frame(boolean mapping, String path, boolean isKey) {
      this.mapping = mapping;
      this.path = path;
      this.isKey = isKey;
    }
  }

  /** Returns the position of one path; see {@link #locate(String, LoadSettings, List)}. */
  static int[] locate(String text, LoadSettings settings, String path, boolean atKey) {
    return locate(text, settings, List.of(new Query(path, atKey))).getFirst();
  }

  /**
   * Returns the 1-based line and column of each query's node, or of the key that names it when the
   * query sets {@code atKey}. A path that does not lead to a node gets the position of its deepest
   * enclosing node, and {0, 0} when not even the root is found.
   *
   * @param settings load settings with marks on, as the document was read with
   */
  static List<int[]> locate(String text, LoadSettings settings, List<Query> queries) {
    Map<String, Found> requested = new HashMap<>();
    for (Query query : queries) {
      for (String prefix = query.path(); ; prefix = parent(prefix)) {
        requested.putIfAbsent(prefix, new Found());
        if (prefix.isEmpty()) {
          break;
        }
      }
    }
    scan(text, settings, requested);

    List<int[]> positions = new ArrayList<>(queries.size());
    for (Query query : queries) {
      Found exact = requested.get(query.path());
      if (query.atKey() && exact.key != null) {
        positions.add(position(exact.key));
        continue;
      }
      Mark mark = null;
      for (String prefix = query.path(); mark == null; prefix = parent(prefix)) {
        mark = requested.get(prefix).node;
        if (prefix.isEmpty()) {
          break;
        }
      }
      positions.add(position(mark));
    }
    return positions;
  }

  /** Records the marks of every node whose path is requested. */
  private static void scan(String text, LoadSettings settings, Map<String, Found> requested) {
    Deque<Frame> stack = new ArrayDeque<>();
    for (Event event : new Parse(settings).parseString(text)) {
      Event.ID id = event.getEventId();
      boolean collection = id == Event.ID.MappingStart || id == Event.ID.SequenceStart;
      if (id == Event.ID.MappingEnd || id == Event.ID.SequenceEnd) {
        stack.pop();
        continue;
      }
      if (!collection && id != Event.ID.Scalar && id != Event.ID.Alias) {
        continue;
      }
      Frame parent = stack.peek();
      String path;
      Mark keyMark = null;
      if (parent == null) {
        path = "";
      } else if (parent.isKey) {
        path = null;
      } else if (parent.mapping && parent.expectKey) {
        // This event is a key, kept for the value that follows.
        parent.expectKey = false;
        parent.key = event instanceof ScalarEvent scalar ? scalar.getValue() : null;
        parent.keyMark = event.getStartMark().orElse(null);
        if (collection) {
          stack.push(new Frame(id == Event.ID.MappingStart, null, true));
        }
        continue;
      } else if (parent.mapping) {
        parent.expectKey = true;
        keyMark = parent.keyMark;
        path =
            parent.key == null || parent.path == null
                ? null
                : parent.path.isEmpty() ? parent.key : parent.path + "." + parent.key;
      } else {
        int index = parent.nextIndex++;
        path = parent.path == null ? null : parent.path + "[" + index + "]";
      }
      if (path != null) {
        Found found = requested.get(path);
        if (found != null && found.node == null) {
          found.node = event.getStartMark().orElse(null);
          found.key = keyMark;
        }
      }
      if (collection) {
        stack.push(new Frame(id == Event.ID.MappingStart, path, parent != null && parent.isKey));
      }
    }
  }

  /** Returns the enclosing path: {@code a.b[2]} for {@code a.b[2].c}, "" for a top-level key. */
  static String parent(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? "" : path.substring(0, cut);
  }

  private static int[] position(Mark mark) {
    return mark == null ? new int[] {0, 0} : new int[] {mark.getLine() + 1, mark.getColumn() + 1};
  }
}
