package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * libtorch's NNPACK switch, read and written through {@link TorchNnpack}: the library's first
 * PyTorch check turns it off, and a batch-1 convolution on libtorch's native path (where the NNPACK
 * question is asked) gives the same values either way. Linux only.
 */
class TorchNnpackTest {

    @Test
    void theFirstPyTorchCheckTurnsNnpackOff() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/self/maps (Linux)");
        ConvolutionCheck.verify("PyTorch");
        assertThat(TorchNnpack.isEnabled()).contains(false);
    }

    @Test
    void theSwitchReadsBackAndChangesNoValue() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/self/maps (Linux)");
        Optional<Boolean> before = TorchNnpack.isEnabled();
        assertThat(before).as("libtorch's switch is found").isPresent();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            // 1 × 60 × 80 input values: under libtorch's 20,480, so its native path at batch 1.
            NDArray x = m.randomUniform(-1, 1, new Shape(1, 1, 60, 80));
            NDArray w = m.randomUniform(-1, 1, new Shape(24, 1, 3, 3));
            assertThat(TorchNnpack.set(true)).isTrue();
            assertThat(TorchNnpack.isEnabled()).contains(true);
            float[] on = convolve(x, w);
            assertThat(TorchNnpack.set(false)).isTrue();
            assertThat(TorchNnpack.isEnabled()).contains(false);
            assertThat(convolve(x, w)).containsExactly(on);
        } finally {
            TorchNnpack.set(before.get());
        }
    }

    private static float[] convolve(NDArray x, NDArray w) {
        Shape one = new Shape(1, 1);
        return Conv2d.conv2d(x, w, null, one, new Shape(0, 0), one, 1).head().toFloatArray();
    }
}
