package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * {@link TorchMklDispatch}: the cached answer found only behind the exact instructions, with the
 * displacement read as a signed little-endian number; on this libtorch the answer set (or left as
 * MKL gave it, if a product ran first in this JVM), and the matrix products right afterwards.
 */
class TorchMklDispatchTest {

    /** The check's first bytes in DJL's libtorch 2.7.1 for Linux x86-64. */
    private static final byte[] LIBTORCH_271 =
            bytes(0x8b, 0x05, 0xba, 0xb4, 0x82, 0x09, 0x85, 0xc0, 0x78, 0x01, 0xc3);

    @Test
    void theOffsetCountsFromTheEndOfTheLoad() {
        // objdump of that build: the check at 0xb466e70, its cached answer at 0x14c92330.
        assertThat(TorchMklDispatch.cacheOffset(LIBTORCH_271))
                .isEqualTo(OptionalLong.of(0x14c92330L - 0xb466e70L));
        byte[] backwards = LIBTORCH_271.clone();
        backwards[2] = (byte) 0xf0;
        backwards[3] = (byte) 0xff;
        backwards[4] = (byte) 0xff;
        backwards[5] = (byte) 0xff;
        assertThat(TorchMklDispatch.cacheOffset(backwards)).isEqualTo(OptionalLong.of(6 - 16));
    }

    @Test
    void otherInstructionsAreLeftAlone() {
        for (int i : new int[] {0, 1, 6, 7, 8, 9, 10}) {
            byte[] other = LIBTORCH_271.clone();
            other[i] ^= 0x01;
            assertThat(TorchMklDispatch.cacheOffset(other)).as("byte %d changed", i).isEmpty();
        }
        assertThat(TorchMklDispatch.cacheOffset(new byte[6])).isEmpty();
    }

    @Test
    void onThisLibtorchTheAnswerIsSetAndTheProductsStayRight() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/self/maps (Linux)");
        TorchMklDispatch.prepareOnce("MXNet");
        TorchMklDispatch.prepareOnce("PyTorch");
        assertThat(TorchMklDispatch.outcome())
                .as("found in DJL's libtorch 2.7.1")
                .isIn(TorchMklDispatch.Outcome.SET, TorchMklDispatch.Outcome.ALREADY_ANSWERED);
        Optional<NativeLibrary> lib = TorchNnpack.libtorch();
        assertThat(lib).isPresent();
        Pointer check = lib.get().getFunction("mkl_serv_intel_cpu_true");
        long offset = TorchMklDispatch.cacheOffset(check.getByteArray(0, 11)).orElseThrow();
        int answer = check.share(offset).getInt(0);
        if (TorchMklDispatch.outcome() == TorchMklDispatch.Outcome.SET) {
            assertThat(answer).as("MKL's cached answer").isEqualTo(1);
        } else {
            assertThat(answer).as("MKL's own answer, kept").isIn(0, 1);
        }
        assertThatCode(TorchMklDispatch::verify).doesNotThrowAnyException();
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }
}
