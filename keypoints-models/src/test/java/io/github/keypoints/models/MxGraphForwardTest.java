package io.github.keypoints.models;

import static io.github.keypoints.models.CloseOutputs.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On MXNet every zoo network's frozen inference runs as one graph ({@link MxGraphForward}) and
 * computes what the layer-by-layer pass computes, at any batch size and input size, and follows its
 * parameters when they are trained or loaded.
 */
class MxGraphForwardTest {

    private static final String MXNET = "MXNet";

    @AfterEach
    void clearProperty() {
        System.clearProperty(MxGraphForward.PROPERTY);
        System.clearProperty(MxGraphForward.FUSION_PROPERTY);
    }

    private static Block randomNetwork(
            NDManager manager, String architecture, int outputs, Shape input, Random random) {
        return RandomParameters.network(manager, architecture, outputs, input, random);
    }

    /** The network's graph holder. */
    private static MxGraphForward.Lazy graphOf(Block net) {
        if (net instanceof HeatmapNet h) {
            return h.mxnetDecodedGraph();
        }
        if (net instanceof ResNet18 r) {
            return r.mxnetGraph();
        }
        return ((ChannelsLastSequentialBlock) net).mxnetGraph();
    }

    private static boolean compiled(Block net) {
        return graphOf(net).written().map(MxGraphForward::isCompiled).orElse(false);
    }

    private static boolean fused(Block net) {
        return graphOf(net).written().map(MxGraphForward::isFused).orElse(false);
    }

    /** The output of a frozen pass with the graph on or off. */
    private static float[] run(Block net, NDArray x, boolean graph) {
        System.setProperty(MxGraphForward.PROPERTY, Boolean.toString(graph));
        return CloseOutputs.inferenceOutput(net, x);
    }

    /**
     * Batches of 2, 1 and 3 and a second input size, in turn through the graph and layer by layer:
     * the same outputs (the same kernels run; the tolerance is for float rounding), and the graph
     * was used. Batch norms get random statistics so their folds count.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.keypoints.models.ZooNetworkCases#all")
    void graphEqualsLayerByLayerAtEveryBatchAndInputSize(
            String architecture, int outputs, int height, int width) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            Random random = new Random(3);
            Block net =
                    randomNetwork(
                            manager, architecture, outputs, new Shape(1, 1, height, width), random);
            net.freezeParameters(true);
            int[][] inputs = {{2, height, width}, {1, height, width}, {3, height, width}};
            if (!architecture.equals("nose-tip")
                    && !architecture.equals("imm58")
                    && !architecture.equals("landmark-cnn")) {
                // Fully convolutional until a global pool or the decode: any size runs.
                inputs =
                        new int[][] {
                            {2, height, width}, {1, height + 5, width + 3}, {2, height, width}
                        };
            }
            for (int[] in : inputs) {
                Shape shape = new Shape(in[0], 1, in[1], in[2]);
                NDArray x =
                        manager.create(
                                RandomParameters.gaussians(random, (int) shape.size()), shape);
                float[] layered = run(net, x, false);
                float[] graph = run(net, x, true);
                assertThat(compiled(net)).as("graph used for %s", shape).isTrue();
                assertThat(fused(net)).as("frozen: graph fused for %s", shape).isTrue();
                assertThat(graph).as("output for %s", shape).hasSize(in[0] * outputs);
                assertClose(graph, layered, 1e-5f);
                if (net instanceof HeatmapNet h) {
                    assertClose(heatmaps(h, x, true), heatmaps(h, x, false), 1e-5f);
                    assertThat(h.mxnetGraph().written().map(MxGraphForward::isFused))
                            .contains(true);
                }
            }
        }
    }

    /**
     * A frozen pass answers from the graph itself: its holder's answer is present and is the
     * layers' output. (A graph that answered nothing would leave the network to its layers, with
     * the same output, unseen by the tests that compare outputs.)
     */
    @Test
    void theHolderAnswersWithTheGraphsOutput() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            Random random = new Random(23);
            Shape input = new Shape(1, 1, 24, 32);
            Block net = randomNetwork(manager, "nose-tip", 2, input, random);
            net.freezeParameters(true);
            NDArray x = manager.create(RandomParameters.gaussians(random, 24 * 32), input);
            float[] layered = run(net, x, false);
            run(net, x, true);
            try (NDManager sub = manager.newSubManager()) {
                NDArray in = x.duplicate();
                in.attach(sub);
                AtomicReference<Optional<NDList>> answer = new AtomicReference<>();
                assertThat(
                                OncePerJvm.recording(
                                        () ->
                                                answer.set(
                                                        graphOf(net)
                                                                .forward(
                                                                        net,
                                                                        new ParameterStore(
                                                                                sub, false),
                                                                        new NDList(in),
                                                                        false))))
                        .as("the native adjustments the graph's pass asks for")
                        .containsExactly(MxOpenBlasCore.once());
                assertThat(answer.get()).as("the graph's answer").isPresent();
                assertClose(answer.get().get().head().toFloatArray(), layered, 1e-5f);
            }
        }
    }

    /**
     * The heatmap network with an output stride and a softmax sharpness of its own (the default
     * landmarker's kind) decodes through its graph as layer by layer, also when the input size
     * changes between passes (the decode's grid is made again) and changes back.
     */
    @Test
    void heatmapDecodeWithStrideAndBetaFollowsTheInputSize() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            HeatmapNet net =
                    HeatmapNet.builder()
                            .setOutputs(10)
                            .optBaseChannels(8)
                            .optOutputStride(4)
                            .optBeta(2f)
                            .build();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 37, 45));
            Random random = new Random(13);
            RandomParameters.randomize(net, random);
            net.freezeParameters(true);
            int[][] sizes = {{37, 45}, {40, 48}, {37, 45}};
            for (int[] size : sizes) {
                Shape shape = new Shape(2, 1, size[0], size[1]);
                NDArray x =
                        manager.create(
                                RandomParameters.gaussians(random, (int) shape.size()), shape);
                float[] layered = run(net, x, false);
                float[] graph = run(net, x, true);
                assertThat(compiled(net)).isTrue();
                assertClose(graph, layered, 1e-5f);
            }
        }
    }

    /** The heatmap network's maps alone, with the graph on or off. */
    private static float[] heatmaps(HeatmapNet net, NDArray x, boolean graph) {
        System.setProperty(MxGraphForward.PROPERTY, Boolean.toString(graph));
        try (NDManager sub = x.getManager().newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(sub);
            return net.heatmaps(new ParameterStore(sub, false), in, false).toFloatArray();
        }
    }

    /**
     * Parameters trained in place are seen by the next frozen pass, and loaded parameters (new
     * arrays) replace the ones the graph ran on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.keypoints.models.ZooNetworkCases#all")
    void followsTrainedAndLoadedParameters(String architecture, int outputs, int height, int width)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            Shape shape = new Shape(2, 1, height, width);
            Random random = new Random(5);
            Block net = randomNetwork(manager, architecture, outputs, shape, random);
            NDArray x =
                    manager.create(RandomParameters.gaussians(random, (int) shape.size()), shape);
            net.freezeParameters(true);
            float[] before = run(net, x, true);
            assertThat(compiled(net)).isTrue();

            net.freezeParameters(
                    false,
                    p ->
                            p.getType() != Parameter.Type.RUNNING_MEAN
                                    && p.getType() != Parameter.Type.RUNNING_VAR);
            ParameterStore ps = new ParameterStore(manager, false);
            try (GradientCollector gc = Engine.getEngine(MXNET).newGradientCollector()) {
                gc.backward(net.forward(ps, new NDList(x), true).head().sum());
            }
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.subi(a.mul(0.1f)); // trained in place, as the optimisers do
            }
            net.freezeParameters(true);
            float[] trained = run(net, x, true);
            assertThat(trained).isNotEqualTo(before);
            assertClose(trained, run(net, x, false), 1e-5f);

            Block other = ModelZoo.create(architecture, outputs);
            other.initialize(manager, DataType.FLOAT32, shape);
            RandomParameters.randomize(other, random);
            other.freezeParameters(true);
            float[] expected = run(other, x, false);
            RandomParameters.copyInto(other, net, manager);
            assertClose(run(net, x, true), expected, 1e-5f);
        }
    }

    /**
     * Training passes, directly and as DJL's trainer calls them (with labels), run layer by layer:
     * no graph is made, and the output and gradients are those with the graph turned off.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.keypoints.models.ZooNetworkCases#all")
    void trainingPassesRunLayerByLayer(String architecture, int outputs, int height, int width) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            Shape shape = new Shape(3, 1, height, width);
            Random random = new Random(9);
            Block net = randomNetwork(manager, architecture, outputs, shape, random);
            NDArray x =
                    manager.create(RandomParameters.gaussians(random, (int) shape.size()), shape);
            NDArray y =
                    manager.create(
                            RandomParameters.gaussians(random, 3 * outputs), new Shape(3, outputs));
            List<float[]> layered = trainingPass(net, x, y, false, false);
            for (boolean labels : new boolean[] {false, true}) {
                List<float[]> graphOn = trainingPass(net, x, y, true, labels);
                assertThat(compiled(net)).as("graph made in training").isFalse();
                assertThat(graphOn).hasSameSizeAs(layered);
                for (int i = 0; i < graphOn.size(); i++) {
                    assertClose(graphOn.get(i), layered.get(i), 1e-4f);
                }
            }
        }
    }

    /** The output of a training pass and every parameter's gradient of a squared error. */
    private static List<float[]> trainingPass(
            Block net, NDArray x, NDArray y, boolean graph, boolean labels) {
        System.setProperty(MxGraphForward.PROPERTY, Boolean.toString(graph));
        List<float[]> out = new ArrayList<>();
        try (NDManager sub = x.getManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(sub, false);
            try (GradientCollector gc = Engine.getEngine(MXNET).newGradientCollector()) {
                NDArray pred =
                        labels
                                ? net.forward(ps, new NDList(x), new NDList(y), null).head()
                                : net.forward(ps, new NDList(x), true).head();
                out.add(pred.toFloatArray());
                gc.backward(pred.sub(y).square().sum());
            }
            for (Pair<String, Parameter> p : net.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    out.add(p.getValue().getArray().getGradient().toFloatArray());
                }
            }
        }
        return out;
    }

    /**
     * Validation during training: an inference pass with parameters not frozen uses the graph when
     * it has no folded batch norm, and sees parameters updated in place since the last pass.
     */
    @Test
    void unfrozenInferenceSeesParametersUpdatedInPlace() {
        Shape shape = new Shape(2, 1, 60, 80);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            Block net = ModelZoo.create("nose-tip", 2);
            net.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = manager.randomUniform(-1, 1, shape);
            float[] before = run(net, x, true);
            assertThat(compiled(net)).isTrue();
            assertThat(fused(net)).as("parameters not frozen: not fused").isFalse();
            for (Pair<String, Parameter> p : net.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.subi(a.mul(0.1f)).addi(0.01f);
            }
            float[] after = run(net, x, true);
            assertThat(after).isNotEqualTo(before);
            assertClose(after, run(net, x, false), 1e-5f);
        }
    }

    /**
     * Fusion: made for frozen parameters, kept between frozen passes, dropped by a pass with a
     * parameter not frozen and by a training pass, and not made with {@value
     * MxGraphForward#FUSION_PROPERTY} {@code false}; the output is the layer-by-layer one in every
     * case.
     */
    @Test
    void fusedGraphIsMadeForFrozenParametersOnlyAndDroppedWhenTheyMayChange() {
        Shape shape = new Shape(2, 1, 64, 64);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            Random random = new Random(13);
            Block net = randomNetwork(manager, "resnet18", 136, shape, random);
            NDArray x =
                    manager.create(RandomParameters.gaussians(random, (int) shape.size()), shape);
            net.freezeParameters(true);
            float[] layered = run(net, x, false);

            System.setProperty(MxGraphForward.FUSION_PROPERTY, "false");
            assertClose(run(net, x, true), layered, 1e-5f);
            assertThat(compiled(net)).isTrue();
            assertThat(fused(net)).as("fusion property false").isFalse();
            System.clearProperty(MxGraphForward.FUSION_PROPERTY);

            assertClose(run(net, x, true), layered, 1e-5f);
            assertThat(fused(net)).as("frozen").isTrue();
            MxGraphForward graph = graphOf(net).written().orElseThrow();
            assertClose(run(net, x, true), layered, 1e-5f);
            assertThat(graph.isFused()).as("kept between frozen passes").isTrue();

            net.freezeParameters(false);
            assertClose(run(net, x, true), layered, 1e-5f);
            assertThat(graph.isFused()).as("a parameter not frozen: dropped").isFalse();

            net.freezeParameters(true);
            run(net, x, true);
            assertThat(graph.isFused()).isTrue();
            NDArray y = manager.zeros(new Shape(2, 136));
            try (NDManager sub = manager.newSubManager();
                    GradientCollector gc = Engine.getEngine(MXNET).newGradientCollector()) {
                net.forward(new ParameterStore(sub, false), new NDList(x), new NDList(y), null);
            }
            assertThat(graph.isFused()).as("a training pass: dropped").isFalse();
        }
    }

    /**
     * Layer by layer, no graph made: a graph with folded batch norms while parameters are not
     * frozen, the property {@code false}, another engine. A graph without folds also runs with
     * parameters not frozen.
     */
    @Test
    void graphRunsOnlyWhereItsKindAndThePropertyAllow() {
        Shape shape = new Shape(1, 1, 64, 64);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            Block folded = ModelZoo.create("landmark-cnn", 136);
            folded.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = manager.randomUniform(-1, 1, shape);
            run(folded, x, true);
            assertThat(compiled(folded)).as("folds, parameters not frozen").isFalse();
            folded.freezeParameters(true);
            run(folded, x, false);
            assertThat(compiled(folded)).as("property false").isFalse();
            run(folded, x, true);
            assertThat(compiled(folded)).isTrue();

            Block plain = ModelZoo.create("nose-tip", 2);
            plain.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 60, 80));
            run(plain, manager.randomUniform(-1, 1, new Shape(1, 1, 60, 80)), true);
            assertThat(compiled(plain)).as("no folds, parameters not frozen").isTrue();
        }
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Block net = ModelZoo.create("nose-tip", 2);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 60, 80));
            net.freezeParameters(true);
            run(net, manager.randomUniform(-1, 1, new Shape(1, 1, 60, 80)), true);
            assertThat(graphOf(net).written()).as("PyTorch").isEmpty();
        }
    }

    /**
     * Parameters loaded into a new manager after the one the graph was made under is closed: the
     * graph is made again and gives the layer-by-layer output.
     */
    @Test
    void graphOutlivesTheManagerOfEarlierParameters() throws Exception {
        Shape shape = new Shape(1, 1, 64, 64);
        Block net = ModelZoo.create("landmark-cnn", 136);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (NDManager first = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            net.initialize(first, DataType.FLOAT32, shape);
            net.freezeParameters(true);
            run(net, first.randomUniform(-1, 1, shape), true);
            assertThat(compiled(net)).isTrue();
            net.saveParameters(new DataOutputStream(bytes));
        }
        try (NDManager second = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            net.loadParameters(
                    second, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            net.freezeParameters(true);
            NDArray x = second.randomUniform(-1, 1, shape);
            float[] layered = run(net, x, false);
            assertClose(run(net, x, true), layered, 1e-5f);
        }
    }

    /** An input array with a name of its own runs too, and keeps its name. */
    @Test
    void namedInputRunsAndKeepsItsName() {
        Shape shape = new Shape(1, 1, 60, 80);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), MXNET)) {
            Block net = ModelZoo.create("nose-tip", 2);
            net.initialize(manager, DataType.FLOAT32, shape);
            net.freezeParameters(true);
            NDArray x = manager.randomUniform(-1, 1, shape);
            float[] expected = run(net, x, false);
            x.setName("image");
            System.setProperty(MxGraphForward.PROPERTY, "true");
            float[] named =
                    net.forward(new ParameterStore(manager, false), new NDList(x), false)
                            .head()
                            .toFloatArray();
            assertThat(compiled(net)).isTrue();
            assertThat(x.getName()).isEqualTo("image");
            assertClose(named, expected, 1e-5f);
        }
    }

    /** A chain with a layer the writer does not know has no graph. */
    @Test
    void chainWithAnUnknownLayerHasNoGraph() {
        List<Block> known =
                List.of(
                        Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(2).build(),
                        Activation.reluBlock());
        List<Block> unknown = new ArrayList<>(known);
        unknown.add(new LambdaBlock(Function.identity(), "identity"));
        Block network = new LambdaBlock(Function.identity());
        assertThat(MxGraphWriter.sequence(network, known, Collections.nCopies(2, null)))
                .isPresent();
        assertThat(MxGraphWriter.sequence(network, unknown, Collections.nCopies(3, null)))
                .isEqualTo(Optional.empty());
    }

    /** The graph builder refuses a variable declared twice and inputs that do not exist yet. */
    @Test
    void builderRefusesDuplicateVariablesAndUnknownInputs() {
        MxGraph.Builder g = MxGraph.builder();
        int w = g.parameter("w");
        assertThatThrownBy(() -> g.parameter("w")).hasMessageContaining("w");
        assertThatThrownBy(() -> g.parameter(MxGraph.INPUT)).hasMessageContaining("data");
        assertThatThrownBy(() -> g.op("Activation", "a", Map.of(), w + 1))
                .hasMessageContaining("no node 2");
        int relu = g.op("Activation", "a", Map.of("act_type", "relu"), g.input());
        MxGraph graph = g.build(relu);
        assertThat(graph.parameterNames()).containsExactly("w");
        assertThat(graph.json()).contains("\"arg_nodes\":[0,1]").contains("\"heads\":[[2,0,0]]");
    }
}
