package io.factorytwin.lifecycle.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;

class YamlPositionsTest {

  private static final LoadSettings MARKED = LoadSettings.builder().setUseMarks(true).build();

  private static final String DOCUMENT =
      """
      parts:
      - id: rack
        revisions:
        - release: true
          ports: &ports
          - {id: power-a, domain: ELECTRICAL}
      designs:
      - id: hall
        placements:
        - {id: rack-1, part_revision: parts/rack/revisions/a}
        - id: rack-2
          part_revision: parts/rack/revisions/a
        ? [complex, key]
        : ignored
        connections:
        - {source_placement: rack-1, source_port: power-a}
      """;

  private static int[] locate(String path) {
    return YamlPositions.locate(DOCUMENT, MARKED, path, false);
  }

  @Test
  void locate_fieldInFlowMapping() {
    assertThat(locate("designs[0].placements[0].part_revision")).containsExactly(10, 33);
  }

  @Test
  void locate_itemOfBlockSequence() {
    assertThat(locate("designs[0].placements[1]")).containsExactly(11, 5);
    assertThat(locate("designs[0].placements[1].part_revision")).containsExactly(12, 20);
  }

  @Test
  void locate_atKey_givesKeyPosition() {
    assertThat(
            YamlPositions.locate(DOCUMENT, MARKED, "designs[0].placements[1].part_revision", true))
        .containsExactly(12, 5);
  }

  @Test
  void locate_afterComplexKey_findsLaterKeys() {
    assertThat(locate("designs[0].connections[0].source_port")).containsExactly(16, 45);
  }

  @Test
  void locate_missingPath_givesNearestEnclosingNode() {
    assertThat(locate("designs[0].placements[7].id")).containsExactly(10, 3);
    assertThat(locate("designs[0].no_such_key")).containsExactly(8, 3);
  }

  @Test
  void locate_emptyPathOrDocument() {
    assertThat(locate("")).containsExactly(1, 1);
    assertThat(YamlPositions.locate("", MARKED, "parts[0]", false)).containsExactly(0, 0);
  }

  @Test
  void locate_manyPaths_inOnePass() {
    List<int[]> positions =
        YamlPositions.locate(
            DOCUMENT,
            MARKED,
            List.of(
                new YamlPositions.Query("parts[0].revisions[0].ports[0].domain", false),
                new YamlPositions.Query("designs[0].id", true),
                new YamlPositions.Query("designs[3]", false)));

    assertThat(positions).hasSize(3);
    assertThat(positions.get(0)).containsExactly(6, 29);
    assertThat(positions.get(1)).containsExactly(8, 3);
    assertThat(positions.get(2)).containsExactly(8, 1);
  }

  @Test
  void parent_cutsLastSegment() {
    assertThat(YamlPositions.parent("parts[2].revisions[0].spec"))
        .isEqualTo("parts[2].revisions[0]");
    assertThat(YamlPositions.parent("parts[2]")).isEqualTo("parts");
    assertThat(YamlPositions.parent("parts")).isEmpty();
  }
}
