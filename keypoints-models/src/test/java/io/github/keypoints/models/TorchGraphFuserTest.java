package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * libtorch's oneDNN Graph fuser through {@link TorchGraphFuser}: registered on Linux, applied to
 * the graphs of passes run inside {@link TorchGraphFuser#fusing} and to no other, and a fused
 * module computes what the same module computes unfused.
 */
class TorchGraphFuserTest {

    /** A 3×3 convolution with bias and ReLU, 8 → 16 channels, on constants. */
    private static final String CODE =
            TorchScriptArchive.HEADER
                    + "  def forward(self: __torch__.Net,\n"
                    + "    x: Tensor) -> Tensor:\n"
                    + "    y = torch.relu(torch._convolution(x, CONSTANTS.c0, CONSTANTS.c1, [1, 1],"
                    + " [1, 1], [1, 1], False, [0, 0], 1, False, False, True, True))\n"
                    + "    return torch.max_pool2d(y, [2, 2], [2, 2], [0, 0], [1, 1], False)\n";

    @AfterEach
    void clearProperty() {
        System.clearProperty(TorchGraphFuser.PROPERTY);
    }

    @Test
    void onlyPassesInsideFusingAreFusedAndTheValuesStay() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs /proc/self/maps (Linux)");
        assertThat(TorchGraphFuser.isAvailable()).as("registered with libtorch").isTrue();
        Random random = new Random(3);
        float[] w = RandomParameters.gaussians(random, 16 * 8 * 9);
        float[] b = RandomParameters.gaussians(random, 16);
        float[] x = RandomParameters.gaussians(random, 8 * 20 * 24);
        byte[] archive =
                TorchScriptArchive.of(
                                CODE,
                                List.of(),
                                List.of(
                                        new TorchScriptArchive.Constant(
                                                new long[] {16, 8, 3, 3}, w),
                                        new TorchScriptArchive.Constant(new long[] {16}, b)))
                        .bytes();
        long before = TorchGraphFuser.fusedGraphs();
        float[] plain = run(archive, x, false);
        assertThat(TorchGraphFuser.fusedGraphs()).as("outside fusing: not fused").isEqualTo(before);
        float[] fused = run(archive, x, true);
        assertThat(TorchGraphFuser.fusedGraphs()).as("inside fusing: fused").isGreaterThan(before);
        CloseOutputs.assertClose(fused, plain, 1e-5f);
    }

    @Test
    void offWhenFalse() {
        System.setProperty(TorchGraphFuser.PROPERTY, "false");
        assertThat(TorchGraphFuser.isAvailable()).isFalse();
    }

    /** Loads a fresh module and runs it four times (the executor optimises after profiling). */
    private static float[] run(byte[] archive, float[] x, boolean fusing) throws Exception {
        try (Model model = Model.newInstance("fuser", Device.cpu(), "PyTorch")) {
            model.load(new ByteArrayInputStream(archive));
            NDManager m = model.getNDManager();
            float[] out = null;
            for (int i = 0; i < 4; i++) {
                try (NDManager pass = m.newSubManager()) {
                    NDList in = new NDList(pass.create(x, new Shape(1, 8, 20, 24)));
                    NDList y =
                            fusing
                                    ? TorchGraphFuser.fusing(
                                            () ->
                                                    model.getBlock()
                                                            .forward(
                                                                    new ParameterStore(pass, false),
                                                                    in,
                                                                    false))
                                    : model.getBlock()
                                            .forward(new ParameterStore(pass, false), in, false);
                    out = y.head().toFloatArray();
                }
            }
            return out;
        }
    }
}
