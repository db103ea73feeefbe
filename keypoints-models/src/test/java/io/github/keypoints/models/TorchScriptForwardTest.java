package io.github.keypoints.models;

import static io.github.keypoints.models.CloseOutputs.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On PyTorch the networks' frozen inference runs as one TorchScript module with prepacked
 * convolution weights ({@link TorchScriptForward}) and computes what the layer-by-layer pass
 * computes; it follows new parameter arrays and is dropped by training passes and unfrozen
 * parameters; with {@value TorchScriptForward#PROPERTY}{@code =false}, nothing is written.
 */
class TorchScriptForwardTest {

    private static final String PYTORCH = "PyTorch";

    @AfterEach
    void clearProperty() {
        System.clearProperty(TorchScriptForward.PROPERTY);
        System.clearProperty(TorchGraphFuser.PROPERTY);
    }

    private static ChannelsLastSequentialBlock network(
            NDManager manager, String architecture, int outputs, Shape input, Random random) {
        return (ChannelsLastSequentialBlock)
                RandomParameters.network(manager, architecture, outputs, input, random);
    }

    /** A zoo stack with random, frozen parameters, as the library's inference leaves them. */
    private static ChannelsLastSequentialBlock frozen(
            NDManager manager, String architecture, int outputs, Shape input, Random random) {
        ChannelsLastSequentialBlock net = network(manager, architecture, outputs, input, random);
        net.freezeParameters(true);
        return net;
    }

    /** Gaussian noise of {@code shape}. */
    private static NDArray noise(NDManager manager, Random random, Shape shape) {
        return manager.create(RandomParameters.gaussians(random, (int) shape.size()), shape);
    }

    /** A frozen or unfrozen inference pass with the module on or off. */
    private static float[] run(Block net, NDArray x, boolean script) {
        System.setProperty(TorchScriptForward.PROPERTY, Boolean.toString(script));
        return CloseOutputs.inferenceOutput(net, x);
    }

    /** One pass of {@code net} on a copy of {@code x}, training or not, its output discarded. */
    private static void pass(Block net, NDArray x, boolean training) {
        try (NDManager sub = x.getManager().newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(sub);
            net.forward(new ParameterStore(sub, false), new NDList(in), training);
        }
    }

    /**
     * One call of {@code module.forward} on a copy of {@code x}, as a frozen inference pass, with
     * the layers' pass answering {@code layered} in {@code outputShape}.
     *
     * @return the module's answer, copied out, or empty
     */
    private static Optional<float[]> direct(
            TorchScriptForward module, NDArray x, float[] layered, Shape outputShape) {
        try (NDManager sub = x.getManager().newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(sub);
            return module.forward(
                            new ParameterStore(sub, false),
                            new NDList(in),
                            false,
                            ignored -> new NDList(sub.create(layered, outputShape)))
                    .map(answer -> answer.head().toFloatArray());
        }
    }

    /**
     * Where this JVM's convolutions are right ({@link RightKernels}) the module must be in use for
     * {@code shape}; elsewhere its check may have turned it away, and either way the output is the
     * layer-by-layer one (which the callers compare).
     */
    private static void assertUsedOrTurnedAway(TorchScriptForward module, Shape shape) {
        if (RightKernels.here()) {
            assertThat(module.isLoaded()).as("module used for %s", shape).isTrue();
            assertThat(module.isRejected()).as("module kept for %s", shape).isFalse();
            if (TorchGraphFuser.isAvailable()) {
                assertThat(module.fusedShapes()).as("fused module used").contains(shape);
            }
        } else {
            assertThat(module.isLoaded() || module.isRejected())
                    .as("module tried for %s", shape)
                    .isTrue();
            if (TorchGraphFuser.isAvailable() && module.isLoaded()) {
                assertThat(module.fusedShapes().contains(shape) || module.isFusedRejected())
                        .as("fused module tried for %s", shape)
                        .isTrue();
            }
        }
    }

    private static boolean loaded(ChannelsLastSequentialBlock net) {
        return net.torchScript().map(TorchScriptForward::isLoaded).orElse(false);
    }

    private static boolean rejected(ChannelsLastSequentialBlock net) {
        return net.torchScript().map(TorchScriptForward::isRejected).orElse(false);
    }

    /**
     * Batches of 1, 3 and 1 again through the module and layer by layer: the same outputs up to
     * float rounding, and the module was loaded. Landmark-cnn's batch norms get random statistics,
     * so their folds count.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"nose-tip, 2, 60, 80", "imm58, 116, 90, 120", "landmark-cnn, 136, 64, 64"})
    void moduleEqualsLayerByLayer(String architecture, int outputs, int height, int width) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(5);
            ChannelsLastSequentialBlock net =
                    frozen(manager, architecture, outputs, new Shape(1, 1, height, width), random);
            for (int batch : new int[] {1, 3, 1}) {
                Shape shape = new Shape(batch, 1, height, width);
                NDArray x =
                        manager.create(
                                RandomParameters.gaussians(random, (int) shape.size()), shape);
                float[] layered = run(net, x, false);
                float[] scripted = run(net, x, true);
                assertUsedOrTurnedAway(net.torchScript().orElseThrow(), shape);
                assertClose(scripted, layered, 1e-5f);
            }
        }
    }

    /**
     * The packed weights are those of the first pass's arrays: new arrays (as loading sets) load a
     * fresh module whose output follows them; a training pass and an unfrozen pass drop it.
     */
    @Test
    void followsNewArraysAndIsDroppedWhenParametersMayChange() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(9);
            Shape input = new Shape(1, 1, 64, 64);
            ChannelsLastSequentialBlock net = frozen(manager, "landmark-cnn", 136, input, random);
            NDArray x = noise(manager, random, input);
            float[] before = run(net, x, true);
            assertThat(loaded(net)).isTrue();

            ChannelsLastSequentialBlock other =
                    network(manager, "landmark-cnn", 136, input, new Random(10));
            other.freezeParameters(true);
            float[] expected = run(other, x, false);
            RandomParameters.copyInto(other, net, manager);
            float[] after = run(net, x, true);
            assertThat(after).isNotEqualTo(before);
            assertClose(after, expected, 1e-4f);
            // The next pass too: nothing of the old arrays' modules (prepacked or fused) is left.
            assertClose(run(net, x, true), expected, 1e-4f);

            pass(net, x, true);
            assertThat(loaded(net)).as("dropped by a training pass").isFalse();

            run(net, x, true);
            assertThat(loaded(net)).isTrue();
            net.freezeParameters(false);
            run(net, x, true);
            assertThat(loaded(net)).as("dropped by an unfrozen pass").isFalse();
        }
    }

    /**
     * A module whose first output disagrees with the layer-by-layer pass is turned away: that pass
     * answers the layer-by-layer output, and the network runs layer by layer from then on.
     */
    @ParameterizedTest(name = "fuser {0}")
    @ValueSource(booleans = {true, false})
    void aModuleThatDisagreesWithTheLayersIsNotUsed(boolean fuser) {
        System.setProperty(TorchGraphFuser.PROPERTY, Boolean.toString(fuser));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(4);
            Shape input = new Shape(1, 1, 64, 64);
            ChannelsLastSequentialBlock net = frozen(manager, "landmark-cnn", 136, input, random);
            NDArray x = noise(manager, random, input);
            float[] layered = run(net, x, false);
            System.setProperty(TorchScriptForward.PROPERTY, "true");
            run(net, x, true);
            TorchScriptForward stack = net.torchScript().orElseThrow();
            stack.drop();
            float[] wrong = layered.clone();
            for (int i = 0; i < wrong.length; i++) {
                wrong[i] += 0.01f;
            }
            assertThat(direct(stack, x, wrong, new Shape(1, 136))).contains(wrong);
            assertThat(stack.isRejected()).isTrue();
            assertThat(stack.isLoaded()).isFalse();
            assertThat(loaded(net)).isFalse();
            assertClose(run(net, x, true), layered, 1e-6f);
            assertThat(stack.isLoaded()).as("never loaded again").isFalse();
        }
    }

    /**
     * A module's native memory is not left behind by a network the application lets go of without
     * closing anything: once the garbage collector finds the network unreachable, the cleaner
     * closes its module.
     */
    @Test
    void aDiscardedNetworksModuleIsFreedByTheCleaner() throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            int before = TorchScriptForward.cleanedModules();
            loadAndLetGo(manager);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (TorchScriptForward.cleanedModules() == before && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(TorchScriptForward.cleanedModules())
                    .as("the discarded network's module, closed by the cleaner within 30 s of GCs")
                    .isGreaterThan(before);
        }
    }

    /** A network with its module loaded, every reference to it gone when this returns. */
    private static void loadAndLetGo(NDManager manager) {
        withModule(manager, new Random(8));
    }

    /** A frozen landmark-cnn at 64×64 after one pass with the module on, which loaded it. */
    private static ChannelsLastSequentialBlock withModule(NDManager manager, Random random) {
        Shape one = new Shape(1, 1, 64, 64);
        ChannelsLastSequentialBlock net = frozen(manager, "landmark-cnn", 136, one, random);
        run(net, noise(manager, random, one), true);
        assertThat(loaded(net)).as("the module is loaded by the first pass").isTrue();
        return net;
    }

    /**
     * oneDNN picks its kernels per input shape, so the first pass of a new batch size is checked
     * too, not only the module's first pass: a disagreement there turns the module away.
     */
    @ParameterizedTest(name = "fuser {0}")
    @ValueSource(booleans = {true, false})
    void eachNewInputShapeIsChecked(boolean fuser) {
        System.setProperty(TorchGraphFuser.PROPERTY, Boolean.toString(fuser));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(6);
            ChannelsLastSequentialBlock net = withModule(manager, random);
            TorchScriptForward stack = net.torchScript().orElseThrow();
            Shape two = new Shape(2, 1, 64, 64);
            NDArray x = noise(manager, random, two);
            float[] wrong = new float[2 * 136];
            Arrays.fill(wrong, 7f);
            direct(stack, x, wrong, new Shape(2, 136));
            assertThat(stack.isRejected()).as("checked at the new batch size").isTrue();
            assertThat(stack.fusedShapes()).as("fused modules closed too").isEmpty();
            assertThat(stack.isFusedRejected())
                    .as("the new shape's fused module checked first")
                    .isEqualTo(TorchGraphFuser.isAvailable());
        }
    }

    /** The load-time comparison: shape, tolerance relative to the layers' scale, NaN. */
    @Test
    void agreementIsWithinTheToleranceOfTheLayersScale() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            NDArray layered = m.create(new float[] {0.5f, -200f});
            float step = (float) (TorchScriptForward.TOLERANCE * 200);
            assertThat(TorchScriptForward.agrees(m.create(new float[] {0.5f, -200f}), layered))
                    .isTrue();
            assertThat(
                            TorchScriptForward.agrees(
                                    m.create(new float[] {0.5f + step * 0.5f, -200f}), layered))
                    .isTrue();
            assertThat(
                            TorchScriptForward.agrees(
                                    m.create(new float[] {0.5f + step * 3, -200f}), layered))
                    .isFalse();
            assertThat(TorchScriptForward.agrees(m.create(new float[] {Float.NaN, -200f}), layered))
                    .isFalse();
            assertThat(TorchScriptForward.agrees(m.create(new float[] {0.5f}), layered)).isFalse();
        }
    }

    /**
     * ResNet-18 as one module (stem, 3×3 pooling, residual blocks with the sum fused into the
     * second convolution, shortcuts, global pooling): batches of 1 and 2 at 64×64 and a batch of 1
     * at 96×96 compute what the layer-by-layer pass computes, with random batch-norm statistics so
     * the folds count; a training pass drops the module.
     */
    @Test
    void resNet18ModuleEqualsLayerByLayer() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(12);
            ResNet18 net =
                    (ResNet18)
                            RandomParameters.network(
                                    manager, "resnet18", 136, new Shape(1, 1, 64, 64), random);
            net.freezeParameters(true);
            for (Shape shape :
                    new Shape[] {
                        new Shape(1, 1, 64, 64), new Shape(2, 1, 64, 64), new Shape(1, 1, 96, 96)
                    }) {
                NDArray x = noise(manager, random, shape);
                float[] layered = run(net, x, false);
                float[] scripted = run(net, x, true);
                assertUsedOrTurnedAway(net.torchScript().orElseThrow(), shape);
                assertClose(scripted, layered, 1e-5f);
            }
            TorchScriptForward module = net.torchScript().orElseThrow();
            // Each of the eight residual sums lands in its shortcut's memory (no copy of the
            // shortcut first); the module's input is never written.
            String code = module.code();
            assertThat(code.split("_convolution_pointwise_\\(", -1)).hasSize(9);
            assertThat(code).doesNotContain("_convolution_pointwise_(x,");
            pass(net, noise(manager, random, new Shape(1, 1, 64, 64)), true);
            assertThat(module.isLoaded()).as("dropped by a training pass").isFalse();
        }
    }

    /**
     * The heatmap U-Net as one module (ceil-mode pooling, up-sampling, crops to the skip
     * connections, concatenation, the 1×1 head): its heatmaps equal the layer-by-layer ones at
     * 64×64 and at the odd size 45×37, where every level crops; the decoded keypoints follow.
     */
    @Test
    void heatmapModuleEqualsLayerByLayer() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(13);
            HeatmapNet net =
                    (HeatmapNet)
                            RandomParameters.network(
                                    manager, "heatmap", 136, new Shape(1, 1, 64, 64), random);
            net.freezeParameters(true);
            for (Shape shape : new Shape[] {new Shape(1, 1, 64, 64), new Shape(2, 1, 45, 37)}) {
                NDArray x = noise(manager, random, shape);
                float[] layered = run(net, x, false);
                float[] scripted = run(net, x, true);
                assertUsedOrTurnedAway(net.torchScript().orElseThrow(), shape);
                assertClose(scripted, layered, 1e-4f);
            }
            // The 1×1 head is a matrix product giving row-major maps, not a oneDNN convolution.
            String code = net.torchScript().orElseThrow().code();
            assertThat(code).contains("torch.matmul(torch.flatten(");
            // The zoo's heatmap net: two 3×3 convolutions at each of 4 encoder and 3 decoder
            // levels on oneDNN, none for the head.
            assertThat(code.split("_convolution_pointwise\\(", -1)).hasSize(1 + 14);
        }
    }

    /**
     * A convolution output whose channels are not a multiple of 16 and that feeds another
     * convolution (the nose tip's 24) gets zero channels up to 32 in the module — zero filters,
     * then zero weights in the next convolution — and the outputs stay the layer-by-layer ones;
     * channel counts that are multiples of 16 are left alone.
     */
    @Test
    void oddChannelCountsArePaddedWithZeros() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(14);
            Shape input = new Shape(1, 1, 60, 80);
            ChannelsLastSequentialBlock noseTip = frozen(manager, "nose-tip", 2, input, random);
            NDArray x = noise(manager, random, input);
            float[] layered = run(noseTip, x, false);
            float[] scripted = run(noseTip, x, true);
            String code = noseTip.torchScript().orElseThrow().code();
            assertThat(code).contains("torch.constant_pad_nd(p0, [0, 0, 0, 0, 0, 0, 0, 8])");
            assertThat(code).contains("torch.constant_pad_nd(p2, [0, 0, 0, 0, 0, 8, 0, 0])");
            if (RightKernels.here()) {
                assertThat(loaded(noseTip)).as("the padded module in use").isTrue();
            }
            assertClose(scripted, layered, 1e-5f);

            ChannelsLastSequentialBlock imm58 =
                    frozen(manager, "imm58", 116, new Shape(1, 1, 90, 120), random);
            run(imm58, noise(manager, random, new Shape(1, 1, 90, 120)), true);
            assertThat(imm58.torchScript().orElseThrow().code()).doesNotContain("constant_pad_nd");
        }
    }

    /**
     * A module libtorch cannot load or run (here: code it cannot compile, as a libtorch without
     * these operators would refuse the real one, or code that loads and then fails on the input)
     * does not fail the pass: the layer-by-layer output answers, a module that was loaded is
     * closed, and the module is not tried again.
     */
    @ParameterizedTest(name = "fails at {0}")
    @ValueSource(strings = {"load", "run"})
    void aModuleLibtorchRefusesFallsBackToTheLayers(String when) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(15);
            Shape input = new Shape(1, 1, 60, 80);
            ChannelsLastSequentialBlock net = frozen(manager, "nose-tip", 2, input, random);
            NDArray x = noise(manager, random, input);
            float[] layered = run(net, x, false);
            String code =
                    "load".equals(when)
                            ? "class Net(Module):\n  def forward(self, x: Tensor) -> Tensor:\n"
                                    + "    return torch.no_such_operator(x)\n"
                            : TorchScriptArchive.HEADER
                                    + "  packed : List[Tensor]\n"
                                    + "  def forward(self: __torch__.Net,\n"
                                    + "    x: Tensor) -> Tensor:\n"
                                    + "    return torch.reshape(x, [7])\n";
            TorchScriptForward broken = new TorchScriptForward(net, code, code, List.of());
            assertThat(direct(broken, x, layered, new Shape(1, 2))).contains(layered);
            assertThat(broken.isRejected()).isTrue();
            assertThat(broken.isLoaded()).as("a loaded module closed").isFalse();
            assertThat(direct(broken, x, layered, new Shape(1, 2)))
                    .as("not tried again: the caller runs the layers")
                    .isEmpty();
        }
    }

    /**
     * A shape whose first output was checked answers from the module from then on, without the
     * layers: the layer-by-layer pass runs once, for the check, whether the shape has a fused
     * module or runs on the prepacked one; {@link TorchScriptForward.Lazy} answers with the module
     * too, and a training pass through it answers nothing and drops the module.
     */
    @ParameterizedTest(name = "fuser {0}")
    @ValueSource(booleans = {true, false})
    void aCheckedShapeAnswersFromTheModuleWithoutTheLayers(boolean fuser) {
        System.setProperty(TorchGraphFuser.PROPERTY, Boolean.toString(fuser));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(16);
            ChannelsLastSequentialBlock net = withModule(manager, random);
            TorchScriptForward stack = net.torchScript().orElseThrow();
            assumeFalse(
                    stack.isRejected() && !RightKernels.here(),
                    "the module's check turned it away at this oneDNN level");
            Shape two = new Shape(2, 1, 64, 64);
            NDArray x = noise(manager, random, two);
            float[] layered = run(net, x, false);
            System.setProperty(TorchScriptForward.PROPERTY, "true");
            AtomicInteger layerPasses = new AtomicInteger();
            TorchScriptForward.Lazy lazy = new TorchScriptForward.Lazy(() -> Optional.of(stack));
            for (int pass = 0; pass < 4; pass++) {
                try (NDManager sub = manager.newSubManager()) {
                    NDArray in = x.duplicate();
                    in.attach(sub);
                    ParameterStore ps = new ParameterStore(sub, false);
                    NDList inputs = new NDList(in);
                    UnaryOperator<NDList> layers =
                            ignored -> {
                                layerPasses.incrementAndGet();
                                return new NDList(sub.create(layered, new Shape(2, 136)));
                            };
                    Optional<NDList> answer =
                            pass < 3
                                    ? stack.forward(ps, inputs, false, layers)
                                    : lazy.forward(net, ps, inputs, false, layers);
                    assertThat(answer).as("pass %d answered", pass).isPresent();
                    assertClose(answer.get().head().toFloatArray(), layered, 1e-5f);
                }
            }
            assertThat(layerPasses).as("the layers ran for the check only").hasValue(1);
            assertThat(stack.isRejected()).isFalse();
            AtomicReference<Optional<NDList>> training = new AtomicReference<>();
            try (NDManager sub = manager.newSubManager()) {
                NDArray in = x.duplicate();
                in.attach(sub);
                training.set(
                        lazy.forward(
                                net,
                                new ParameterStore(sub, false),
                                new NDList(in),
                                true,
                                ignored -> new NDList()));
            }
            assertThat(training.get()).as("a training pass runs the layers").isEmpty();
            assertThat(stack.isLoaded()).as("dropped by the training pass").isFalse();
        }
    }

    /**
     * The lazy holder writes its module only for an inference pass on PyTorch with an input, of an
     * initialised network, while {@value TorchScriptForward#PROPERTY} is on; once written it
     * answers with the module's output, and turning the property off drops the module. A network
     * without parameters and a module that returns its input keep this to milliseconds, so that
     * mutation testing runs it before the networks' tests for the holder's mutants.
     */
    @Test
    void theLazyHolderWritesOnlyForAnInferencePassOnPyTorch() {
        String identity =
                TorchScriptArchive.HEADER
                        + "  packed : List[Tensor]\n"
                        + "  def forward(self: __torch__.Net,\n"
                        + "    x: Tensor) -> Tensor:\n"
                        + "    return x\n";
        String fusedIdentity =
                TorchScriptArchive.HEADER
                        + "  def forward(self: __torch__.Net,\n"
                        + "    x: Tensor) -> Tensor:\n"
                        + "    return x\n";
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Block network = ShapedLambda.relu();
            network.initialize(manager, DataType.FLOAT32, new Shape(1, 6));
            AtomicInteger writes = new AtomicInteger();
            TorchScriptForward.Lazy lazy =
                    new TorchScriptForward.Lazy(
                            () -> {
                                writes.incrementAndGet();
                                return Optional.of(
                                        new TorchScriptForward(
                                                network, identity, fusedIdentity, List.of()));
                            });
            ParameterStore ps = new ParameterStore(manager, false);
            NDList x = new NDList(manager.arange(6f).reshape(1, 6));
            UnaryOperator<NDList> layers = in -> in;

            System.setProperty(TorchScriptForward.PROPERTY, "true");
            assertThat(lazy.forward(network, ps, x, true, layers)).as("training").isEmpty();
            assertThat(lazy.forward(network, ps, new NDList(), false, layers))
                    .as("no input")
                    .isEmpty();
            Block uninitialised = ShapedLambda.relu();
            assertThat(lazy.forward(uninitialised, ps, x, false, layers))
                    .as("network not initialised")
                    .isEmpty();
            System.setProperty(TorchScriptForward.PROPERTY, "false");
            assertThat(lazy.forward(network, ps, x, false, layers)).as("turned off").isEmpty();
            assertThat(writes).as("nothing written yet").hasValue(0);

            System.setProperty(TorchScriptForward.PROPERTY, "true");
            Optional<NDList> out = lazy.forward(network, ps, x, false, layers);
            assertThat(out).as("the module's answer").isPresent();
            assertThat(out.get().head().toFloatArray()).containsExactly(0f, 1f, 2f, 3f, 4f, 5f);
            assertThat(writes).hasValue(1);
            TorchScriptForward module = lazy.written().orElseThrow();
            assertThat(module.isLoaded()).isTrue();
            assertThat(lazy.forward(network, ps, x, false, layers)).isPresent();
            assertThat(writes).as("written once").hasValue(1);

            System.setProperty(TorchScriptForward.PROPERTY, "false");
            assertThat(lazy.forward(network, ps, x, false, layers)).isEmpty();
            assertThat(module.isLoaded()).as("dropped once turned off").isFalse();
        }
    }

    /**
     * Dropping a module leaves its lock free: a pass on another thread then loads the module again
     * and answers.
     */
    @Test
    void aPassOnAnotherThreadFollowsADrop() throws InterruptedException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(17);
            Shape input = new Shape(1, 1, 64, 64);
            ChannelsLastSequentialBlock net = frozen(manager, "landmark-cnn", 136, input, random);
            NDArray x = noise(manager, random, input);
            float[] layered = run(net, x, false);
            run(net, x, true);
            TorchScriptForward stack = net.torchScript().orElseThrow();
            if (RightKernels.here()) {
                assertThat(stack.isLoaded()).as("the module in use").isTrue();
            }
            assumeTrue(stack.isLoaded(), "the module's check turned it away at this oneDNN level");
            stack.drop();
            AtomicReference<float[]> answer = new AtomicReference<>();
            Thread other = new Thread(() -> answer.set(CloseOutputs.inferenceOutput(net, x)));
            other.setDaemon(true);
            other.start();
            other.join(60_000);
            assertThat(answer.get()).as("the other thread's pass ended within 60 s").isNotNull();
            assertClose(answer.get(), layered, 1e-5f);
            if (RightKernels.here()) {
                assertThat(stack.isLoaded()).as("loaded again").isTrue();
            }
        }
    }

    /**
     * On by default (the property unset): a frozen pass writes and loads the module; {@code false}
     * turns it off, and a pass then drops the loaded module.
     */
    @Test
    void onByDefaultOffWhenFalse() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(2);
            Shape input = new Shape(1, 1, 90, 120);
            ChannelsLastSequentialBlock net = frozen(manager, "imm58", 116, input, random);
            NDArray x = noise(manager, random, input);
            System.clearProperty(TorchScriptForward.PROPERTY);
            pass(net, x, false);
            assertThat(loaded(net) || rejected(net)).as("module written and tried").isTrue();
            System.setProperty(TorchScriptForward.PROPERTY, "false");
            pass(net, x, false);
            assertThat(loaded(net)).as("dropped once turned off").isFalse();
        }
    }

    /** With the property {@code false} from the start, no module is written. */
    @Test
    void offWhenFalse() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(2);
            Shape input = new Shape(1, 1, 60, 80);
            ChannelsLastSequentialBlock net = frozen(manager, "nose-tip", 2, input, random);
            System.setProperty(TorchScriptForward.PROPERTY, " FALSE ");
            pass(net, noise(manager, random, input), false);
            assertThat(net.torchScript()).isEmpty();
        }
    }

    /**
     * The fused modules (libtorch's oneDNN Graph fuser, {@link TorchGraphFuser}): at most {@value
     * TorchScriptForward#FUSED_SHAPES} input shapes get one, further shapes run on the prepacked
     * module, and every output is the layer-by-layer one. The fused code is plain ATen on
     * constants: no prepacking, no zero channels (the nose tip's 24 stay 24).
     */
    @Test
    void fusedModulesForAFewShapesThenThePrepackedModule() {
        assumeTrue(TorchGraphFuser.isAvailable(), "libtorch's oneDNN Graph fuser not available");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(21);
            ChannelsLastSequentialBlock net =
                    frozen(manager, "nose-tip", 2, new Shape(1, 1, 60, 80), random);
            int shapes = TorchScriptForward.FUSED_SHAPES + 1;
            NDArray[] xs = new NDArray[shapes];
            float[][] layered = new float[shapes][];
            for (int batch = 1; batch <= shapes; batch++) {
                xs[batch - 1] = noise(manager, random, new Shape(batch, 1, 60, 80));
                layered[batch - 1] = run(net, xs[batch - 1], false);
            }
            // (Turning the modules off drops them: the layer-by-layer outputs come first.)
            for (int i = 0; i < shapes; i++) {
                assertClose(run(net, xs[i], true), layered[i], 1e-5f);
                assertClose(run(net, xs[i], true), layered[i], 1e-5f);
            }
            TorchScriptForward module = net.torchScript().orElseThrow();
            if (RightKernels.here()) {
                assertThat(module.isFusedRejected())
                        .as("right kernels at %s", System.getenv("ONEDNN_MAX_CPU_ISA"))
                        .isFalse();
            }
            if (!module.isFusedRejected()) {
                assertThat(module.fusedShapes()).hasSize(TorchScriptForward.FUSED_SHAPES);
                assertThat(module.fusedShapes()).doesNotContain(new Shape(shapes, 1, 60, 80));
            }
            String fused = module.fusedCode();
            assertThat(fused).contains("torch._convolution(x, CONSTANTS.c0, CONSTANTS.c1,");
            assertThat(fused).contains("torch.max_pool2d(");
            assertThat(fused).doesNotContain("mkldnn", "packed", "constant_pad_nd");
            module.drop();
            assertThat(module.fusedShapes()).as("dropped with the module").isEmpty();
        }
    }

    /** {@code -Dkeypoints.torchScript.fuser=false}: the prepacked module alone, same outputs. */
    @Test
    void noFusedModulesWhenTheFuserIsOff() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), PYTORCH)) {
            Random random = new Random(22);
            Shape input = new Shape(1, 1, 64, 64);
            ChannelsLastSequentialBlock net = frozen(manager, "landmark-cnn", 136, input, random);
            NDArray x = noise(manager, random, input);
            float[] layered = run(net, x, false);
            System.setProperty(TorchGraphFuser.PROPERTY, "false");
            assertThat(TorchGraphFuser.isAvailable()).isFalse();
            assertClose(run(net, x, true), layered, 1e-5f);
            assertThat(net.torchScript().orElseThrow().fusedShapes()).isEmpty();
        }
    }
}
