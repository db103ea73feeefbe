package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * {@link NativeTuning} asks for each engine's adjustments, and only for those: seen through {@link
 * OncePerJvm#recording}, since by the time this runs an earlier test has usually made them.
 */
class NativeTuningTest {

    @Test
    void pyTorchAsksForItsThreeAdjustmentsAndMxNetForItsOne() {
        assertThat(OncePerJvm.recording(() -> NativeTuning.prepareOnce("PyTorch")))
                .containsExactlyInAnyOrder(
                        TorchNnpack.once(), TorchOneDnnCaches.once(), TorchMklDispatch.once());
        assertThat(OncePerJvm.recording(() -> NativeTuning.prepareOnce("MXNet")))
                .containsExactly(MxOpenBlasCore.once());
        assertThat(OncePerJvm.recording(() -> NativeTuning.prepareOnce("OnnxRuntime"))).isEmpty();
    }

    @Test
    void anInputAsksForTheAdjustmentsOfItsEngine() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray x = manager.zeros(new Shape(1, 1, 2, 2));
            assertThat(OncePerJvm.recording(() -> NativeTuning.prepareOnce(x)))
                    .containsExactlyInAnyOrder(
                            TorchNnpack.once(), TorchOneDnnCaches.once(), TorchMklDispatch.once());
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            NDArray x = manager.zeros(new Shape(1, 1, 2, 2));
            assertThat(OncePerJvm.recording(() -> NativeTuning.prepareOnce(x)))
                    .containsExactly(MxOpenBlasCore.once());
        }
    }
}
