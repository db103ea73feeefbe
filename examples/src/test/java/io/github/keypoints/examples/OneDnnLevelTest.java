package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's choice of oneDNN level: the first right level, kept in a file. */
class OneDnnLevelTest {

    @TempDir Path dir;

    @Test
    void theFirstRightLevelIsChosenAndNoSlowerOneIsChecked() throws IOException {
        List<String> asked = new ArrayList<>();
        List<OneDnnLevel.Verdict> verdicts = new ArrayList<>();
        String level =
                OneDnnLevel.choose(
                        OneDnnLevel.LEVELS,
                        l -> {
                            asked.add(l);
                            return new OneDnnLevel.Verdict(l, !l.equals("AVX512_CORE"), "fake");
                        },
                        verdicts);
        assertThat(level).isEqualTo("AVX2");
        assertThat(asked).containsExactly("AVX512_CORE", "AVX2");
        assertThat(verdicts).extracting(OneDnnLevel.Verdict::right).containsExactly(false, true);
    }

    @Test
    void whenNoLevelIsRightTheLowestIsAnswered() throws IOException {
        List<OneDnnLevel.Verdict> verdicts = new ArrayList<>();
        String level =
                OneDnnLevel.choose(
                        List.of("AVX2", "AVX"),
                        l -> new OneDnnLevel.Verdict(l, false, "fake"),
                        verdicts);
        assertThat(level).isEqualTo(OneDnnLevel.LOWEST);
        assertThat(verdicts).hasSize(2);
        assertThatThrownBy(() -> OneDnnLevel.choose(List.of(), l -> null, verdicts))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCheckThatCannotRunIsAnErrorNotAVerdict() {
        List<OneDnnLevel.Verdict> verdicts = new ArrayList<>();
        assertThatThrownBy(
                        () ->
                                OneDnnLevel.choose(
                                        OneDnnLevel.LEVELS,
                                        l -> {
                                            throw new IOException("no engine");
                                        },
                                        verdicts))
                .hasMessage("no engine");
        assertThat(verdicts).isEmpty();
    }

    @Test
    void theVerdictFileHoldsTheLevelFirstAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("sub").resolve("onednn-level-1");
        OneDnnLevel.write(
                file,
                "AVX2",
                List.of(
                        new OneDnnLevel.Verdict("AVX512_CORE", false, "7 wrong of 10"),
                        new OneDnnLevel.Verdict("AVX2", true, "0 wrong of 10")),
                "Some CPU");
        // the launcher reads the first line
        assertThat(Files.readAllLines(file).get(0)).isEqualTo("AVX2");
        assertThat(Files.readString(file))
                .contains("Some CPU", "# AVX512_CORE wrong: 7 wrong of 10", "# AVX2 right");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aRealLevelIsCheckedInAChildJvmAndWritten() throws Exception {
        // A place where the verdict cannot be kept (a folder under a file) still gives the level.
        Path blocker = Files.writeString(dir.resolve("a-file"), "x");
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            OneDnnLevel.main(
                    new String[] {
                        "--output", blocker.resolve("x").toString(), "--levels", "SSE41"
                    });
        } finally {
            System.setOut(out);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8).strip()).isEqualTo("SSE41");
        Path file = dir.resolve("onednn-level-real");
        OneDnnLevel.main(new String[] {"--output", file.toString(), "--levels", "SSE41"});
        assertThat(Files.readAllLines(file).get(0)).isEqualTo("SSE41");
        // Every output (batch 2, 32 filters, 56x76) of each of the 8 channel counts and 2048
        // input and 2048 weight gradients each; then 2048 outputs and 1024 weight and 1024 input
        // gradients of each of ResNet-18's 11 shapes at 224x224, the recipes' heatmap networks' 13,
        // the stack networks' own 18 (nose-tip, 58 points at 120x90 and 240x180, landmark-cnn) and
        // ResNet-18's 11 at 96x96 - except the input gradients of the 7 convolutions that take a
        // network's input - in the library's layout at SSE41 (the default one for every kind).
        int perShape = 2048 + 2 * 1024;
        int outputs = 8 * (2 * 32 * 56 * 76 + 2 * 2048) + (11 + 13 + 18 + 11) * perShape - 7 * 1024;
        assertThat(Files.readString(file))
                .contains(
                        "# SSE41 right: 0 wrong of "
                                + outputs
                                + " convolution outputs and gradients, layout default (the"
                                + " library's at this level)");
    }
}
