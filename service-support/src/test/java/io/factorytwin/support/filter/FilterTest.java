package io.factorytwin.support.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.factorytwin.support.error.InvalidArgumentException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterTest {

  private static final Map<String, Filter.Field> FIELDS =
      Map.of(
          "agent",
          Filter.Field.text(
              "agent_id", v -> v.startsWith("agents/") ? v.substring("agents/".length()) : null),
          "point",
          Filter.Field.text("point"),
          "state",
          Filter.Field.enumeration("state", "STATE_", List.of("APPLIED", "REJECTED")),
          "enabled",
          Filter.Field.bool("enabled"),
          "create_time",
          Filter.Field.timestamp("create_time"),
          "sequence",
          Filter.Field.integer("sequence"));

  private static Map<String, Object> record(String agent, String state, Instant time) {
    Map<String, Object> values = new HashMap<>();
    values.put("agent", agent);
    values.put("point", "twins/t/points/cdu-01.tcs_supply_sp");
    values.put("state", state);
    values.put("enabled", true);
    values.put("create_time", time);
    values.put("sequence", 7L);
    return values;
  }

  private static boolean matches(String filter, Map<String, Object> record) {
    return Filter.parse(filter, FIELDS).matches(record::get);
  }

  @Test
  void emptyFilter_matchesEverythingAndRendersNothing() {
    Filter filter = Filter.parse("  ", FIELDS);

    assertThat(filter.isEmpty()).isTrue();
    assertThat(filter.render(v -> "?")).isEmpty();
    assertThat(filter.matches(name -> null)).isTrue();
  }

  @Test
  void render_placesEveryValueInAParameterInOrder() {
    List<Object> parameters = new ArrayList<>();
    String sql =
        Filter.parse(
                "agent = \"agents/lc\" AND (state = STATE_REJECTED OR NOT sequence >= 10)"
                    + " AND point = 'twins/t/points/cdu_1*'",
                FIELDS)
            .render(
                value -> {
                  parameters.add(value);
                  return "?";
                });

    assertThat(sql)
        .isEqualTo(
            "(agent_id = ? AND (state = ? OR NOT sequence >= ?)"
                + " AND point LIKE ? ESCAPE '\\')");
    assertThat(parameters).containsExactly("lc", "REJECTED", 10L, "twins/t/points/cdu\\_1%");
  }

  @Test
  void matches_followsTheComparisonsAndPrecedence() {
    Instant time = Instant.parse("2026-12-05T10:00:00Z");
    Map<String, Object> applied = record("lc", "APPLIED", time);

    assertThat(matches("state = applied", applied)).isTrue();
    assertThat(matches("state = REJECTED OR agent = \"agents/lc\"", applied)).isTrue();
    assertThat(matches("state = REJECTED OR agent = 'agents/x' AND sequence = 7", applied))
        .isFalse();
    assertThat(matches("-state = REJECTED", applied)).isTrue();
    assertThat(matches("sequence > -1 AND sequence <= 7 AND sequence != 8", applied)).isTrue();
    assertThat(matches("create_time >= \"2026-12-05T11:00:00+01:00\"", applied)).isTrue();
    assertThat(matches("create_time > \"2026-12-05T10:00:00Z\"", applied)).isFalse();
    assertThat(matches("point = \"twins/t/points/cdu-01*\"", applied)).isTrue();
    assertThat(matches("point != \"twins/t/points/cdu-02*\"", applied)).isTrue();
    assertThat(matches("enabled = false", applied)).isFalse();
  }

  @Test
  void missingValue_isUnknownAndNotOfUnknownStaysUnknown() {
    Map<String, Object> noTime = record("lc", "APPLIED", null);

    assertThat(matches("create_time > \"2026-01-01T00:00:00Z\"", noTime)).isFalse();
    assertThat(matches("NOT create_time > \"2026-01-01T00:00:00Z\"", noTime)).isFalse();
    assertThat(matches("NOT create_time > \"2026-01-01T00:00:00Z\" OR sequence = 7", noTime))
        .isTrue();
  }

  @Test
  void malformedFilters_failOnTheFilterFieldSayingWhy() {
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry("colour = red", "unknown field 'colour'"),
            Map.entry("state > APPLIED", "'state' takes only = and !="),
            Map.entry("state = PAUSED", "'PAUSED' is not a valid value of 'state'"),
            Map.entry("agent = \"lc\"", "'lc' is not a valid value of 'agent'"),
            Map.entry("sequence = 1.5", "'1.5' is not a valid value of 'sequence'"),
            Map.entry("create_time < yesterday", "not a valid value of 'create_time'"),
            Map.entry("point = \"open", "has no closing quote"),
            Map.entry("sequence ! 3", "'!' at position 10 must be followed by '='"),
            Map.entry("sequence = 3 sequence = 4", "join comparisons with AND or OR"),
            Map.entry("(sequence = 3", "expected ')'"),
            Map.entry("sequence =", "expected a value after 'sequence =' at the end"),
            Map.entry("sequence == 3", "expected a value, got '='"),
            Map.entry("point > \"a*\"", "a value ending in '*' takes only = and !="),
            Map.entry("enabled = yes", "'yes' is not a valid value of 'enabled'"));
    for (Map.Entry<String, String> c : cases.entrySet()) {
      assertThatThrownBy(() -> Filter.parse(c.getKey(), FIELDS))
          .as(c.getKey())
          .isInstanceOfSatisfying(
              InvalidArgumentException.class,
              e -> {
                assertThat(e.violations()).hasSize(1);
                assertThat(e.violations().getFirst().field()).isEqualTo("filter");
                assertThat(e.violations().getFirst().description()).contains(c.getValue());
              });
    }
  }

  @Test
  void deepOrLongFilters_areRefusedBeforeTheyCostMuch() {
    String deep = "(".repeat(40) + "sequence = 1" + ")".repeat(40);
    String negations = "NOT ".repeat(40) + "sequence = 1";
    String longFilter = "sequence = 1" + " OR sequence = 1".repeat(200);

    for (String filter : List.of(deep, negations)) {
      assertThatThrownBy(() -> Filter.parse(filter, FIELDS))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("nest deeper than 32");
    }
    assertThatThrownBy(() -> Filter.parse(longFilter, FIELDS))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("longer than 2000 characters");
  }
}
