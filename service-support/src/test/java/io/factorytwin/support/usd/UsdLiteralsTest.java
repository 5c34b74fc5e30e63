package io.factorytwin.support.usd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UsdLiteralsTest {

  @Test
  void primName_mapsIdSegments() {
    assertThat(UsdLiterals.primName("rack-12")).isEqualTo("rack_12");
    assertThat(UsdLiterals.primName("hall-1")).isEqualTo("hall_1");
    assertThat(UsdLiterals.primName("03")).isEqualTo("_03");
    assertThat(UsdLiterals.primName("3-a")).isEqualTo("_3_a");
    assertThat(UsdLiterals.primName("a.b")).isEqualTo("a_x002e_b");
    assertThat(UsdLiterals.primName("")).isEqualTo("_");
  }

  @Test
  void number_writesShortestForm() {
    assertThat(UsdLiterals.number(132)).isEqualTo("132");
    assertThat(UsdLiterals.number(-0.0)).isEqualTo("0");
    assertThat(UsdLiterals.number(2.4)).isEqualTo("2.4");
    assertThat(UsdLiterals.number(-77.558)).isEqualTo("-77.558");
    assertThat(UsdLiterals.number(0.0002)).isEqualTo("2.0e-4");
    assertThat(UsdLiterals.number(1e20)).isEqualTo("1.0e20");
    assertThat(UsdLiterals.number(Double.NaN)).isEqualTo("nan");
    assertThat(UsdLiterals.number(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
  }

  @Test
  void string_escapesSpecialCharacters() {
    assertThat(UsdLiterals.string("plain")).isEqualTo("\"plain\"");
    assertThat(UsdLiterals.string("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
    assertThat(UsdLiterals.string("a\\b")).isEqualTo("\"a\\\\b\"");
    assertThat(UsdLiterals.string("line\nnext\ttab\r")).isEqualTo("\"line\\nnext\\ttab\\r\"");
    assertThat(UsdLiterals.string("bell\u0007")).isEqualTo("\"bell\\x07\"");
    assertThat(UsdLiterals.string("Zürich 東京 \uD83D\uDE80"))
        .isEqualTo("\"Zürich 東京 \uD83D\uDE80\"");
  }
}
