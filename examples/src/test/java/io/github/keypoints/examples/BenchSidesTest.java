package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link BenchSides#noteIfSeveralEngines}: a note only when two engines share the process. */
class BenchSidesTest {

    @Test
    void twoEnginesGetTheOneEnginePerRunNoteAndOneGetsNothing() {
        BenchSides sides = new BenchSides();
        sides.engines = List.of("PyTorch", "MXNet");
        String two = stderrOf(() -> sides.noteIfSeveralEngines("bench train", "it was slower"));
        assertThat(two)
                .startsWith("bench train: note:")
                .contains("it was slower")
                .contains("--engines PyTorch, then --engines MXNet");
        sides.engines = List.of("MXNet");
        assertThat(stderrOf(() -> sides.noteIfSeveralEngines("bench train", "x"))).isEmpty();
    }

    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
