package io.github.keypoints.models.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.preprocess.CropPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencv.core.Mat;

/**
 * 10,000 predictions hold no native memory: the resident set size (VmRSS, which counts the engine's
 * native buffers) grows by less than {@value #BOUND_MB} MB after a warm-up. Each call allocates
 * about 40 KB of tensors (input and activations), so a leak of them would add some 400 MB and fail
 * the bound.
 *
 * <p>VmRSS also counts the Java heap, which a JVM with a growing heap keeps committing as the calls
 * allocate, so the test runs only in a JVM whose heap is fixed and pre-touched ({@code -Xms} equal
 * to {@code -Xmx}, {@code -XX:+AlwaysPreTouch}): surefire's {@code native-memory} execution in this
 * module's POM. Anywhere else (the default execution, when {@code -Dtest=} names this class) it is
 * skipped with a message that says so.
 */
class KeypointDetectorMemoryTest {

    static final int CALLS = 10_000;
    static final int WARM_UP = 1_000;
    static final long BOUND_MB = 48;

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void tenThousandPredictionsKeepNativeMemoryFlat(String engine) throws Exception {
        Path status = Path.of("/proc/self/status");
        Assumptions.assumeTrue(Files.isReadable(status), "needs Linux /proc/self/status");
        Assumptions.assumeTrue(
                heapFixedAndPreTouched(),
                "needs a fixed, pre-touched heap (-Xms = -Xmx, -XX:+AlwaysPreTouch), or VmRSS"
                        + " counts the growing Java heap: runs in surefire's native-memory"
                        + " execution");
        Path dir =
                TinyModels.save(
                        tmp.resolve("m"),
                        engine,
                        new CropPolicy(CropPolicy.Kind.FACE_BOX, 1.2, true));
        Mat photo = TinyModels.photo(64, 48, 1);
        Box box = new Box(8, 6, 40, 36);
        try (KeypointDetector detector =
                KeypointDetector.builder().setModel(dir).optEngine(engine).build()) {
            Keypoints first = detector.predict(photo, box);
            for (int i = 0; i < WARM_UP; i++) {
                detector.predict(photo, box);
            }
            long before = rssKb(status);
            long start = System.nanoTime();
            Keypoints last = null;
            for (int i = 0; i < CALLS; i++) {
                last = detector.predict(photo, box);
            }
            double ms = (System.nanoTime() - start) / 1e6 / CALLS;
            long after = rssKb(status);
            System.out.printf(
                    "KeypointDetectorMemoryTest[%s]: VmRSS %d kB after %d warm-up calls, %d kB"
                            + " after %d more (growth %d kB, %.3f ms per call)%n",
                    engine, before, WARM_UP, after, CALLS, after - before, ms);
            assertThat(last).isEqualTo(first);
            assertThat(after - before).isLessThan(BOUND_MB * 1024);
        } finally {
            photo.release();
        }
    }

    /** Whether this JVM's heap can't grow and was touched at start-up (its flags say so). */
    static boolean heapFixedAndPreTouched() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String xms = null;
        String xmx = null;
        boolean preTouch = false;
        for (String a : args) {
            if (a.startsWith("-Xms")) {
                xms = a.substring(4);
            } else if (a.startsWith("-Xmx")) {
                xmx = a.substring(4);
            } else if (a.equals("-XX:+AlwaysPreTouch")) {
                preTouch = true;
            } else if (a.equals("-XX:-AlwaysPreTouch")) {
                preTouch = false;
            }
        }
        return preTouch && xms != null && xms.equalsIgnoreCase(xmx);
    }

    private static long rssKb(Path status) throws IOException {
        System.gc();
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS line in " + status);
    }
}
