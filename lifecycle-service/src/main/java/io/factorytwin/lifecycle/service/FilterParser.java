package io.factorytwin.lifecycle.service;

import io.factorytwin.support.filter.Filter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Translates a List filter into an HQL condition with named parameters. The syntax and its checks
 * are those of the shared {@link Filter}; only the fields in the field table are accepted, and a
 * text value ending in {@code *} is compared as written, not by prefix.
 */
final class FilterParser {

  /**
   * A filterable field.
   *
   * @param path HQL path of the field, such as {@code p.manufacturer}
   * @param orderable whether &lt; and &gt; apply; false for enums
   * @param convert turns the filter's text into the parameter value, returning null for a value
   *     that is not valid for the field
   */
  record Field(String path, boolean orderable, Function<String, Object> convert) {

    static Field text(String path) {
      return new Field(path, true, value -> value);
    }
  }

  /** The HQL condition and its parameters; the condition is empty for an empty filter. */
  record Condition(String hql, Map<String, Object> parameters) {}

  private FilterParser() {}

  /** Parses a filter; an empty or blank filter matches everything. */
  static Condition parse(String filter, Map<String, Field> fields) {
    Map<String, Filter.Field> shared = new LinkedHashMap<>();
    fields.forEach(
        (name, field) ->
            shared.put(
                name, new Filter.Field(field.path(), field.orderable(), false, field.convert())));
    Map<String, Object> parameters = new LinkedHashMap<>();
    String hql =
        Filter.parse(filter, shared)
            .render(
                value -> {
                  String name = "f" + parameters.size();
                  parameters.put(name, value);
                  return ":" + name;
                });
    return new Condition(hql, Map.copyOf(parameters));
  }
}
