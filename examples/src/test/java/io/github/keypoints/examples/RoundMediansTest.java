package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundMediansTest {

    private static final List<String> FIELDS =
            List.of("java_ms", "python_ms", "ratio", "java_forward_ms");

    private static Map<String, Object> row(String engine, double java, double python) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", "nose-tip");
        r.put("engine", engine);
        r.put("java_ms", java);
        r.put("python_ms", python);
        r.put("ratio", java / python);
        if (engine.equals("PyTorch")) {
            r.put("java_forward_ms", java / 3);
        }
        return r;
    }

    @Test
    void theRatioIsTheMedianOfTheRoundsRatiosAndAbsentFieldsStayAbsent() {
        List<List<Map<String, Object>>> rounds = new ArrayList<>();
        double[][] t = {{90, 60}, {80, 100}, {100, 80}, {120, 60}};
        for (double[] r : t) {
            rounds.add(List.of(row("PyTorch", r[0], r[1]), row("MXNet", r[0] / 2, r[1])));
        }
        List<Map<String, Object>> out = RoundMedians.combine(rounds, FIELDS);
        Map<String, Object> pt = out.get(0);
        // Ratios 1.5, 0.8, 1.25, 2.0: the upper median of four is 1.5; the medians of the
        // times (100 and 80) would give 1.25.
        assertThat(pt.get("ratio")).isEqualTo(1.5);
        assertThat(pt.get("ratio_rounds")).isEqualTo(List.of(1.5, 0.8, 1.25, 2.0));
        assertThat(pt.get("java_ms")).isEqualTo(100.0);
        assertThat(pt.get("python_ms")).isEqualTo(80.0);
        assertThat(pt.get("java_forward_ms")).isEqualTo(100.0 / 3);
        assertThat(pt.get("rounds")).isEqualTo(4);
        assertThat(out.get(1))
                .doesNotContainKey("java_forward_ms")
                .containsEntry("engine", "MXNet");
        assertThat(RoundMedians.format(pt.get("ratio_rounds"))).isEqualTo("1.50 0.80 1.25 2.00");
    }

    @Test
    void oneRoundComesBackAsItWasAndRoundsWithDifferentCasesAreRefused() {
        List<Map<String, Object>> one = List.of(row("PyTorch", 90, 60));
        assertThat(RoundMedians.combine(List.of(one), FIELDS)).isSameAs(one);
        assertThatThrownBy(
                        () ->
                                RoundMedians.combine(
                                        List.of(one, List.of(one.get(0), one.get(0))), FIELDS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rounds differ");
    }

    @Test
    void runsWhoseRowsNameOtherNetworksOrEnginesAreRefused() {
        List<Map<String, Object>> pt = List.of(row("PyTorch", 90, 60));
        List<Map<String, Object>> mx = List.of(row("MXNet", 90, 60));
        assertThatThrownBy(
                        () ->
                                RoundMedians.combine(
                                        List.of(pt, mx), FIELDS, List.of("ratio"), "processes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("processes differ")
                .hasMessageContaining("engine PyTorch and MXNet");
        List<Map<String, Object>> out =
                RoundMedians.combine(List.of(pt, pt), FIELDS, List.of("ratio"), "processes");
        assertThat(out.get(0)).containsEntry("processes", 2).containsKey("ratio_processes");
        assertThat(out.get(0)).doesNotContainKeys("java_ms_processes", "rounds");
    }
}
