package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.models.ConvolutionCheck.Suite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up check keeps its right verdicts on disk and a later check with the same key reads
 * them instead of comparing again ({@link CheckVerdicts}); wrong verdicts are never kept, and any
 * change of setting, a foreign file or an unwritable folder makes the check run. Each check here
 * runs through a counting stand-in for the engine's convolution ({@link
 * ConvolutionCheck#withConvolution}), which delegates to the real one and whose identity is part of
 * the key, so no verdict of these tests is ever read by another JVM.
 */
class CheckVerdictsTest {

    private static final String EXTRA = "keypoints.checkVerdictsTest.setting";

    @TempDir Path dir;

    /** The build's folder ({@code keypoints.cacheDir} on the test JVM's command line). */
    private String folderBefore;

    @BeforeEach
    void keepVerdictsHere() {
        folderBefore = System.getProperty(CheckVerdicts.DIR_PROPERTY);
        // The library's once-per-JVM adjustments run their own product check; done first, it
        // keeps no verdict in a test's folder.
        NativeTuning.prepareOnce("PyTorch");
        System.setProperty(CheckVerdicts.PROPERTY, "true");
        System.setProperty(CheckVerdicts.DIR_PROPERTY, dir.toString());
    }

    @AfterEach
    void asTheBuildHasIt() {
        System.setProperty(CheckVerdicts.PROPERTY, "false");
        if (folderBefore == null) {
            System.clearProperty(CheckVerdicts.DIR_PROPERTY);
        } else {
            System.setProperty(CheckVerdicts.DIR_PROPERTY, folderBefore);
        }
        System.clearProperty(EXTRA);
    }

    /** The engine's convolution, counted each time a comparison runs one. */
    private static final class Counting implements ConvolutionCheck.ConvolutionUnderTest {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public ai.djl.nn.Block wrap(ai.djl.nn.Block convolution, boolean channelsLast) {
            runs.incrementAndGet();
            return convolution;
        }
    }

    /** One check of the small networks' convolutions in the preferred layout, in a fresh record. */
    private static boolean check(ConvolutionCheck.ConvolutionUnderTest convolution) {
        boolean[] right = new boolean[1];
        ConvolutionCheck.withConvolution(
                convolution,
                () ->
                        right[0] =
                                ConvolutionCheck.rightLayout(
                                                "PyTorch",
                                                Suite.SMALL_NETWORKS,
                                                ConvolutionCheck.ownShapes(
                                                        Suite.SMALL_NETWORKS, null))
                                        .isPresent());
        return right[0];
    }

    private List<Path> verdicts() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("convolution-check-"))
                    .toList();
        }
    }

    @Test
    void aRightVerdictIsKeptAndReadByTheNextCheckInsteadOfComparing() throws IOException {
        System.setProperty(EXTRA, "x");
        Counting engine = new Counting();
        assertThat(check(engine)).isTrue();
        int compared = engine.runs.get();
        assertThat(compared).as("convolutions run by the first check").isPositive();
        assertThat(verdicts()).hasSize(1);
        String kept = Files.readString(verdicts().get(0));
        assertThat(kept)
                .startsWith("keypoints convolution check verdict 1\n")
                .contains(
                        "\ncpu ",
                        "\nengine PyTorch ",
                        "\nonednn caches ",
                        "\ncheck code ",
                        "/libtorch_cpu.so ")
                .contains("\nproperty " + EXTRA + "=x\n")
                // the comparison as a record would name it, as verdicts kept before were keyed
                .containsPattern(
                        "\ncheck CheckKey\\[engine=PyTorch, channelsLast=(true|false),"
                                + " suite=SMALL_NETWORKS, ownOnly=false, own=\\[\\]\\], a stand-in ")
                .doesNotContain(CheckVerdicts.PROPERTY, CheckVerdicts.DIR_PROPERTY)
                .endsWith("\nright\n");

        assertThat(check(engine)).isTrue();
        assertThat(engine.runs).as("the second check read the verdict").hasValue(compared);
    }

    @Test
    void anyOtherSettingIsAnotherKeyAndTheCheckRunsAgain() throws IOException {
        Counting engine = new Counting();
        assertThat(check(engine)).isTrue();
        int compared = engine.runs.get();
        System.setProperty(EXTRA, "changed");
        assertThat(check(engine)).isTrue();
        assertThat(engine.runs).hasValue(2 * compared);
        assertThat(verdicts()).hasSize(2);
        // and another stand-in (another JVM's convolution, as far as the key goes) runs too
        Counting other = new Counting();
        assertThat(check(other)).isTrue();
        assertThat(other.runs).hasValue(compared);
    }

    @Test
    void aWrongVerdictIsNeverKept() throws IOException {
        ConvolutionCheck.ConvolutionUnderTest wrong =
                (conv, channelsLast) -> WrongConvolution.of(conv);
        assertThat(check(wrong)).isFalse();
        assertThat(verdicts()).isEmpty();
    }

    @Test
    void aFileThatDoesNotHoldTheKeyIsNotBelievedAndIsReplaced() throws IOException {
        Counting engine = new Counting();
        check(engine);
        int compared = engine.runs.get();
        Path file = verdicts().get(0);
        String kept = Files.readString(file);
        Files.writeString(file, kept.replace("right", "wrong"));
        check(engine);
        assertThat(engine.runs).hasValue(2 * compared);
        assertThat(Files.readString(file)).isEqualTo(kept);
        Files.writeString(file, "");
        check(engine);
        assertThat(engine.runs).hasValue(3 * compared);
    }

    @Test
    void offItNeitherReadsNorWrites() throws IOException {
        System.setProperty(CheckVerdicts.PROPERTY, "false");
        Counting engine = new Counting();
        check(engine);
        int compared = engine.runs.get();
        check(engine);
        assertThat(engine.runs).hasValue(2 * compared);
        assertThat(verdicts()).isEmpty();
    }

    @Test
    void aFolderThatCannotBeWrittenOnlyMeansTheCheckRunsAgain() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("a-file"), "x");
        System.setProperty(CheckVerdicts.DIR_PROPERTY, notAFolder.resolve("verdicts").toString());
        Counting engine = new Counting();
        assertThat(check(engine)).isTrue();
        int compared = engine.runs.get();
        assertThat(check(engine)).isTrue();
        assertThat(engine.runs).hasValue(2 * compared);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(notAFolder);
        }
    }

    /**
     * The matrix-product check after a BLAS adjustment keeps its verdict the same way, under its
     * own comparison; a kept verdict is read, not written again (the file keeps the old time a
     * rewrite would replace).
     */
    @Test
    void theProductCheckKeepsAndReadsItsVerdictToo() throws IOException {
        assertThat(ProductCheck.firstWrong("PyTorch")).isEmpty();
        assertThat(verdicts()).hasSize(1);
        Path file = verdicts().get(0);
        assertThat(Files.readString(file))
                .contains("\ncheck matrix products 15 x 1037 x 131, 256 samples\n")
                .endsWith("\nright\n");
        FileTime old = FileTime.fromMillis(86_400_000L);
        Files.setLastModifiedTime(file, old);
        assertThat(ProductCheck.firstWrong("PyTorch")).isEmpty();
        assertThat(verdicts()).containsExactly(file);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
        // a convolution check's verdict is another file: another comparison
        check(new Counting());
        assertThat(verdicts()).hasSize(2);
    }

    /**
     * The key names the checking code by the file it was loaded from, with its size and time: a
     * rebuilt class (here this test's own, in its class folder) is another key.
     */
    @Test
    void aRebuiltCheckerIsAnotherKey() throws Exception {
        Class<?> checker = CheckVerdictsTest.class;
        Path classFile =
                Path.of(checker.getProtectionDomain().getCodeSource().getLocation().toURI())
                        .resolve(checker.getName().replace('.', '/') + ".class");
        assertThat(classFile).isRegularFile();
        String before = CheckVerdicts.key("PyTorch", "a check", checker);
        assertThat(before)
                .contains(
                        "\ncheck code "
                                + checker.getProtectionDomain().getCodeSource().getLocation()
                                + ' '
                                + Files.size(classFile)
                                + ' ');
        assertThat(CheckVerdicts.key("PyTorch", "a check", checker)).isEqualTo(before);
        FileTime built = Files.getLastModifiedTime(classFile);
        try {
            Files.setLastModifiedTime(classFile, FileTime.fromMillis(built.toMillis() + 1_000));
            assertThat(CheckVerdicts.key("PyTorch", "a check", checker)).isNotEqualTo(before);
        } finally {
            Files.setLastModifiedTime(classFile, built);
        }
        assertThat(CheckVerdicts.key("PyTorch", "a check", checker)).isEqualTo(before);
    }

    @Test
    void theDefaultFolderIsTheLaunchersUnlessSet() {
        System.clearProperty(CheckVerdicts.DIR_PROPERTY);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path expected =
                xdg != null && !xdg.isBlank()
                        ? Path.of(xdg.strip(), "keypoints")
                        : Path.of(System.getProperty("user.home"), ".cache", "keypoints");
        assertThat(CheckVerdicts.directory()).isEqualTo(expected);
    }
}
