package io.factorytwin.control.repository;

import io.factorytwin.support.filter.Filter;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A List filter rendered for a JDBC query: the condition with {@code ?} placeholders and the values
 * to bind to them, in order.
 */
public record FilterSql(String condition, List<Object> parameters) {

  /** The condition of the filter that matches everything. */
  public static final FilterSql NONE = new FilterSql("", List.of());

  public static FilterSql of(Filter filter) {
    List<Object> parameters = new ArrayList<>();
    String condition =
        filter.render(
            value -> {
              parameters.add(value);
              return "?";
            });
    return new FilterSql(condition, List.copyOf(parameters));
  }

  /** Returns {@code " AND (condition)"}, or the empty string when the filter is empty. */
  public String and() {
    return condition.isEmpty() ? "" : " AND " + condition;
  }

  /** Binds the values from the given placeholder index on; returns the index after the last. */
  public int bind(PreparedStatement statement, int first) throws SQLException {
    return bind(statement, first, parameters);
  }

  /**
   * Binds strings, instants, longs and booleans from the given placeholder index on; returns the
   * index after the last.
   */
  static int bind(PreparedStatement statement, int first, List<Object> values) throws SQLException {
    int index = first;
    for (Object value : values) {
      switch (value) {
        case String text -> statement.setString(index, text);
        case Instant instant -> statement.setTimestamp(index, Timestamp.from(instant));
        case Long number -> statement.setLong(index, number);
        case Boolean flag -> statement.setBoolean(index, flag);
        default ->
            throw new IllegalArgumentException("no JDBC binding for " + value.getClass().getName());
      }
      index++;
    }
    return index;
  }
}
