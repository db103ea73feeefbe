package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every zoo network with batch norm runs each (convolution, batch norm) pair as one folded
 * convolution in frozen inference ({@link BatchNormFold}) and computes what the two blocks compute.
 */
class BatchNormFoldTest {

    /**
     * A chain pairs a convolution without bias with the batch norm right after it and nothing else:
     * not a batch norm without a convolution before it, nor a convolution at the end.
     */
    @Test
    void aChainPairsEachBiaslessConvolutionWithTheBatchNormAfterIt() {
        Conv2d conv =
                Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .setFilters(4)
                        .optBias(false)
                        .build();
        BatchNorm norm = BatchNorm.builder().build();
        List<BatchNormFold> chain = BatchNormFold.chain(List.of(norm, conv, norm, conv), 1e-5f);
        assertThat(chain).hasSize(4);
        assertThat(chain.get(0)).isNull();
        assertThat(chain.get(1)).isNotNull();
        assertThat(chain.get(2)).isNull();
        assertThat(chain.get(3)).as("a convolution with nothing after it").isNull();
    }

    /** The network's pairs. */
    private static List<BatchNormFold> folds(Block net) {
        if (net instanceof HeatmapNet h) {
            return h.batchNormFolds();
        }
        if (net instanceof ResNet18 r) {
            return r.batchNormFolds();
        }
        return ((ChannelsLastSequentialBlock) net).batchNormFolds();
    }

    private static long folded(Block net) {
        return folds(net).stream().filter(BatchNormFold::isFolded).count();
    }

    /**
     * Frozen inference folds every pair and gives the unfolded network's output; a training pass
     * drops the folded arrays, so parameters trained afterwards are seen; loaded parameters are new
     * arrays, which are folded afresh. The batch norms get random statistics, gamma and beta first,
     * so that every term of the fold counts.
     */
    @ParameterizedTest
    @CsvSource({
        "heatmap, PyTorch, 29, 21, 14",
        "heatmap, MXNet, 29, 21, 14",
        "resnet18, PyTorch, 40, 32, 20",
        "resnet18, MXNet, 40, 32, 20",
        "landmark-cnn, PyTorch, 32, 32, 5",
        "landmark-cnn, MXNet, 32, 32, 5"
    })
    void frozenInferenceFoldsAndSeesParametersTrainedOrLoadedAfterwards(
            String architecture, String engine, int width, int height, int pairs) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            Block net = ModelZoo.create(architecture, 10);
            Shape input = new Shape(2, 1, height, width);
            net.initialize(manager, DataType.FLOAT32, input);
            assertThat(folds(net)).hasSize(pairs);
            Random random = new Random(7);
            RandomParameters.randomizeBatchNorms(net, random);
            NDArray x =
                    manager.create(RandomParameters.gaussians(random, (int) input.size()), input);
            ParameterStore ps = new ParameterStore(manager, false);
            float[] unfolded = net.forward(ps, new NDList(x), false).head().toFloatArray();
            assertThat(folded(net)).isZero();
            net.freezeParameters(true);
            float[] foldedOut = net.forward(ps, new NDList(x), false).head().toFloatArray();
            assertThat(folded(net)).isEqualTo(pairs);
            assertThat(foldedOut).containsExactly(unfolded, within(1e-4f));

            // Unfreezing every parameter would ask for the running statistics' gradients too,
            // which PyTorch's batch norm refuses.
            net.freezeParameters(
                    false,
                    p ->
                            p.getType() != Parameter.Type.RUNNING_MEAN
                                    && p.getType() != Parameter.Type.RUNNING_VAR);
            try (GradientCollector gc = Engine.getEngine(engine).newGradientCollector()) {
                gc.backward(net.forward(ps, new NDList(x), true).head().sum());
            }
            assertThat(folded(net)).isZero();
            RandomParameters.randomizeBatchNorms(net, random);
            float[] retrained = net.forward(ps, new NDList(x), false).head().toFloatArray();
            net.freezeParameters(true);
            float[] refolded = net.forward(ps, new NDList(x), false).head().toFloatArray();
            assertThat(refolded).containsExactly(retrained, within(1e-4f));
            assertThat(retrained).isNotEqualTo(unfolded);

            Block other = ModelZoo.create(architecture, 10);
            other.initialize(manager, DataType.FLOAT32, input);
            RandomParameters.randomizeBatchNorms(other, random);
            float[] expected = other.forward(ps, new NDList(x), false).head().toFloatArray();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            other.saveParameters(new DataOutputStream(bytes));
            net.loadParameters(
                    manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            net.freezeParameters(true);
            // A new store, as each prediction makes: a store keeps the arrays it first handed out.
            ParameterStore fresh = new ParameterStore(manager, false);
            float[] loaded = net.forward(fresh, new NDList(x), false).head().toFloatArray();
            assertThat(folded(net)).isEqualTo(pairs);
            assertThat(loaded).containsExactly(expected, within(1e-4f));
        }
    }

    /**
     * On PyTorch a folded weight keeps its convolution weight's memory layout, so a network runs
     * the kinds of convolution kernels {@link ConvolutionCheck} judged for its layout:
     * channels-last weights fold into channels-last weights, default-layout ones into
     * default-layout ones.
     */
    @ParameterizedTest
    @CsvSource({
        "heatmap, 29, 21, true",
        "heatmap, 29, 21, false",
        "resnet18, 40, 32, true",
        "resnet18, 40, 32, false",
        "landmark-cnn, 32, 32, true",
        "landmark-cnn, 32, 32, false"
    })
    void foldedWeightsKeepTheLayout(
            String architecture, int width, int height, boolean channelsLast) {
        System.setProperty(ChannelsLast.PROPERTY, Boolean.toString(channelsLast));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Block net = ModelZoo.create(architecture, 10);
            Shape input = new Shape(2, 1, height, width);
            net.initialize(manager, DataType.FLOAT32, input);
            net.freezeParameters(true);
            NDArray x = manager.randomNormal(input);
            net.forward(new ParameterStore(manager, false), new NDList(x), false);
            int laidOut = 0;
            for (BatchNormFold pair : folds(net)) {
                NDArray w = pair.convolutionWeight().getArray();
                boolean contiguous = TorchLayout.isContiguous(w);
                assertThat(TorchLayout.isContiguous(pair.foldedWeight()))
                        .as("folded weight of %s", w.getShape())
                        .isEqualTo(contiguous);
                laidOut += contiguous ? 0 : 1;
            }
            if (channelsLast) {
                assertThat(laidOut).isPositive();
            } else {
                assertThat(laidOut).isZero();
            }
        } finally {
            System.clearProperty(ChannelsLast.PROPERTY);
        }
    }

    /**
     * Threads that run a frozen network's first passes at once (so they fold at once) all get the
     * unfolded twin's output, and every pair ends up folded.
     */
    @ParameterizedTest
    @CsvSource({"heatmap, 29, 21, 14", "resnet18, 40, 32, 20", "landmark-cnn, 32, 32, 5"})
    void concurrentFirstPassesAgreeWithTheUnfoldedNetwork(
            String architecture, int width, int height, int pairs) throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Shape input = new Shape(2, 1, height, width);
            Block twin = ModelZoo.create(architecture, 10);
            twin.initialize(manager, DataType.FLOAT32, input);
            Random random = new Random(11);
            RandomParameters.randomizeBatchNorms(twin, random);
            NDArray x =
                    manager.create(RandomParameters.gaussians(random, (int) input.size()), input);
            float[] expected =
                    twin.forward(new ParameterStore(manager, false), new NDList(x), false)
                            .head()
                            .toFloatArray();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            twin.saveParameters(new DataOutputStream(bytes));
            Block net = ModelZoo.create(architecture, 10);
            net.initialize(manager, DataType.FLOAT32, input);
            net.loadParameters(
                    manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            net.freezeParameters(true);
            int threads = 4;
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<float[]>> outputs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    outputs.add(
                            pool.submit(
                                    () -> {
                                        start.await();
                                        ParameterStore ps = new ParameterStore(manager, false);
                                        return net.forward(ps, new NDList(x), false)
                                                .head()
                                                .toFloatArray();
                                    }));
                }
                for (Future<float[]> out : outputs) {
                    assertThat(out.get()).containsExactly(expected, within(1e-4f));
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(folded(net)).isEqualTo(pairs);
        }
    }
}
