package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PythonTorchReference#serve}'s line protocol, with {@code /bin/sh} scripts in place of the
 * Python reference (no torch needed): the first JSON line, one answer per request, and clear errors
 * when the script ends early or answers with something else than JSON.
 */
@Timeout(60)
class PythonTorchReferenceTest {

    private static PythonTorchReference shell(Path dir, String body) throws IOException {
        Path script = dir.resolve("reference.sh");
        Files.writeString(script, body);
        return new PythonTorchReference("/bin/sh", script, "unused");
    }

    @Test
    void theFirstLineThenOneAnswerPerRequest(@TempDir Path dir) throws Exception {
        PythonTorchReference ref =
                shell(
                        dir,
                        "echo '{\"threads\": '\"$OMP_NUM_THREADS\"', \"args\": \"'\"$*\"'\"}'\n"
                                + "while read key n; do\n"
                                + "  echo '{\"case\": \"'$key'\", \"ms\": '$n'}'\n"
                                + "done\n");
        try (PythonTorchReference.Served s = ref.serve(3, List.of("--serve", "x:1x1:2"))) {
            assertThat(s.first().get("threads").getAsInt())
                    .as("the thread count reaches the script")
                    .isEqualTo(3);
            assertThat(s.first().get("args").getAsString()).isEqualTo("--serve x:1x1:2");
            assertThat(s.ask("heatmap:120x90 7").get("ms").getAsDouble()).isEqualTo(7.0);
            assertThat(s.ask("nose-tip:80x60 30").get("case").getAsString())
                    .isEqualTo("nose-tip:80x60");
        }
    }

    @Test
    void aScriptThatEndsBeforeAnsweringNamesItsExitCode(@TempDir Path dir) throws Exception {
        PythonTorchReference ref = shell(dir, "echo '{}'\nread line\nexit 7\n");
        try (PythonTorchReference.Served s = ref.serve(1, List.of())) {
            assertThatThrownBy(() -> s.ask("heatmap:120x90 3"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("reference.sh")
                    .hasMessageContaining("exit code 7");
        }
        PythonTorchReference gone = shell(dir, "echo '{}'\nexec 0<&-\nsleep 1\n");
        try (PythonTorchReference.Served s = gone.serve(1, List.of())) {
            Thread.sleep(200);
            assertThatThrownBy(() -> s.ask("x".repeat(1 << 20)))
                    .as("a script that closed its input: the request cannot be written")
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("reference.sh stopped reading before the request");
        }
        PythonTorchReference silent = shell(dir, "exit 3\n");
        assertThatThrownBy(() -> silent.serve(1, List.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exit code 3");
    }

    @Test
    void anAnswerThatIsNotJsonIsAnError(@TempDir Path dir) throws Exception {
        PythonTorchReference ref = shell(dir, "echo '{}'\nread line\necho 'Traceback: boom'\n");
        try (PythonTorchReference.Served s = ref.serve(1, List.of())) {
            assertThatThrownBy(() -> s.ask("x 1"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("expected a JSON object, got: Traceback: boom");
        }
    }
}
