package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.UnaryOperator;

/**
 * PyTorch's channels-last memory layout ({@code N × H × W × C} in memory, still {@code N × C × H ×
 * W} in shape) for a convolution stack: its input and its convolution weights.
 *
 * <p>libtorch 2.7.1 runs a convolution whose input has channels-last strides on oneDNN's {@code
 * nhwc} kernels and hands back a channels-last output, which ReLU, batch norm, pooling and
 * additions keep; in the default layout every convolution reorders its input into oneDNN's blocked
 * layout and its output back, forward and backward. On the small-channel, large-image networks
 * {@link NoseTipNet} and {@link Imm58Net} skipping those reorders made a PyTorch training step
 * 18–48 % faster on the project's machine (docs/performance-training.md, "Channels-last
 * activations"); {@link ResNet18} gained too (docs/performance-inference.md). A network that runs
 * channels-last also keeps its 4-D weights channels-last ({@link #layOutParameters}), otherwise
 * libtorch converts every weight on every pass; and with channels-last weights libtorch gives
 * oneDNN channels-last inputs even where an activation arrives in the default layout. The values
 * are equal up to rounding: only the order of the floating-point sums inside the kernels changes.
 * Flattening copies an activation back into the logical order, so a network's output is an ordinary
 * array, and saved parameters are written in the logical order as always.
 *
 * <p>Every network of the zoo runs so, for a second reason: on the project's AMD EPYC, libtorch's
 * oneDNN kernels at {@code AVX512_CORE} (and {@code AVX2}) compute wrong forward convolutions for
 * some channel counts in the default layout only; channels-last they are right, forward and
 * backward ({@link ConvolutionCheck}, docs/performance.md).
 *
 * <p>Only PyTorch has the notion; on other engines arrays are left as they are.
 *
 * <p>At {@code SSE41} the {@code nhwc} kernels are the slower ones: a batch-1 forward pass took
 * 1.2–1.65× as long channels-last as in the default layout there for the nose-tip, 58-point and
 * 224×224 ResNet-18 networks (0.77× for ResNet-18 at 96×96), and the training step did not change
 * (docs/performance-inference.md). So the networks prefer channels-last only when {@code
 * ONEDNN_MAX_CPU_ISA} (or its older name {@code DNNL_MAX_CPU_ISA}) is not {@code SSE41}.
 *
 * <p><b>Each network runs in a layout that is right on this CPU.</b> The preferred layout is not
 * always right: on the same AMD EPYC at {@code AVX512_CORE} one of ResNet-18's convolutions (the
 * 1×1 stride-2 shortcut with 256 input channels) and the heatmap network's 1×1 head (68 filters)
 * are wrong channels-last and right in the default layout, while the stack networks' 3×3
 * convolutions are wrong in the default layout and right channels-last. So the layout is chosen per
 * network once {@link ConvolutionCheck} has compared that network's convolutions ({@link
 * ConvolutionCheck#chooseLayout}): the preferred one if it is right, otherwise the other one if
 * that is right (ResNet-18 and the heatmap network run in the default layout there, the stack
 * networks channels-last). The system property {@value #PROPERTY} ({@code true}, {@code false}, or
 * {@code auto}, the default) forces one layout for every network instead (the check then judges
 * that layout alone); it is read each time a network runs or loads. With the check skipped ({@value
 * ConvolutionCheck#SKIP_PROPERTY}) every network takes the preferred layout.
 */
final class ChannelsLast {

    /** The system property that turns the layout on or off; {@code auto} by default. */
    static final String PROPERTY = "keypoints.channelsLast";

    private static final String PYTORCH = "PyTorch";

    /** The layout chosen for each network under {@code auto}, by identity, forgotten with it. */
    private static final Map<Block, Boolean> DECIDED =
            Collections.synchronizedMap(new WeakHashMap<>());

    /** oneDNN's cap, fixed for the process: libtorch reads it once, and Java cannot change it. */
    private static final String ISA =
            System.getenv("ONEDNN_MAX_CPU_ISA") != null
                    ? System.getenv("ONEDNN_MAX_CPU_ISA")
                    : System.getenv("DNNL_MAX_CPU_ISA");

    private ChannelsLast() {}

    /**
     * The preferred layout under the current {@value #PROPERTY} and oneDNN level: channels-last
     * when the property says {@code true}, or says {@code auto} and the level is not {@code SSE41}.
     * A network's own layout is {@link #isOn(Block, String)}.
     *
     * @return whether the preferred layout is channels-last
     */
    static boolean isOn() {
        return isOn(System.getProperty(PROPERTY, "auto"), ISA);
    }

    /**
     * Whether {@value #PROPERTY} is {@code auto}: each network then runs in the preferred layout if
     * it is right on this CPU, else in the other one.
     *
     * @return whether the layout is chosen per network
     */
    static boolean isAuto() {
        return System.getProperty(PROPERTY, "auto").strip().equalsIgnoreCase("auto");
    }

    /**
     * Whether {@code block} runs channels-last on {@code engine}: never outside PyTorch or for a
     * block outside the zoo ({@link #isUsedBy(Block)}); the forced layout when {@value #PROPERTY}
     * is {@code true} or {@code false}, or when the convolution check is skipped; otherwise the
     * layout {@link ConvolutionCheck} found right for this network's convolutions, preferred first
     * (running the check the first time, a fraction of a second).
     *
     * @param block a network
     * @param engine the engine it runs on
     * @return whether its inputs and weights are laid out channels-last
     */
    static boolean isOn(Block block, String engine) {
        if (!PYTORCH.equals(engine) || !isUsedBy(block)) {
            return false;
        }
        if (!isAuto() || Boolean.getBoolean(ConvolutionCheck.SKIP_PROPERTY)) {
            return isOn();
        }
        // Once per network object: forward passes ask on every call.
        return DECIDED.computeIfAbsent(
                block, b -> ConvolutionCheck.rightLayout(engine, b).orElse(isOn()));
    }

    /**
     * The rule of {@link #isOn()}.
     *
     * @param property the value of {@value #PROPERTY}: {@code true}, {@code false} or {@code auto}
     * @param isa oneDNN's level cap, or {@code null} when unset (no cap)
     * @return whether the networks run channels-last
     * @throws IllegalArgumentException if the property has another value
     */
    static boolean isOn(String property, String isa) {
        switch (property.strip().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            case "auto":
                return isa == null || !isa.strip().equalsIgnoreCase("SSE41");
            default:
                throw new IllegalArgumentException(
                        "System property "
                                + PROPERTY
                                + " must be true, false or auto, got '"
                                + property
                                + "'");
        }
    }

    /**
     * Returns {@code x} with channels-last strides, or {@code x} itself when the engine is not
     * PyTorch or {@code x} is not four-dimensional.
     *
     * @param x an {@code N × C × H × W} array
     * @return a view (a copy when {@code C > 1}) of the same values, channels last in memory
     */
    static NDArray of(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || !isPyTorch(x)) {
            return x;
        }
        // N×H×W×C in memory: a permuted view, flattened (a copy unless C = 1), shaped back and
        // permuted to N×C×H×W, which leaves the strides channels-last.
        try (NDArray nhwcView = x.transpose(0, 2, 3, 1);
                NDArray flat = nhwcView.flatten();
                NDArray nhwc = flat.reshape(s.get(0), s.get(2), s.get(3), s.get(1))) {
            return nhwc.transpose(0, 3, 1, 2);
        }
    }

    /**
     * Runs {@code forward} on the single input laid out channels-last ({@link #of}), closing the
     * laid-out copy afterwards; several inputs, an input the layout leaves alone, or any input when
     * {@code block} does not run channels-last ({@link #isOn(Block, String)}), go in as they are.
     *
     * @param block the network whose forward pass this is
     * @param inputs the block's inputs
     * @param forward the block's forward pass
     * @return what {@code forward} returns
     */
    static NDList forward(Block block, NDList inputs, UnaryOperator<NDList> forward) {
        if (!inputs.isEmpty()) {
            // Every zoo network's pass comes through here: the first one on each engine makes
            // the library's adjustments to its native libraries (NativeTuning); later ones find
            // them done.
            NativeTuning.prepareOnce(inputs.head());
        }
        if (inputs.size() != 1 || !appliesTo(block, inputs.head())) {
            return forward.apply(inputs);
        }
        NDArray x = inputs.head();
        NDArray laidOut = of(x);
        if (laidOut == x) {
            return forward.apply(inputs);
        }
        try {
            return forward.apply(new NDList(laidOut));
        } finally {
            laidOut.close();
        }
    }

    /**
     * Whether {@code x} is a four-dimensional PyTorch array and {@code block} runs channels-last
     * ({@link #isOn(Block, String)}): then the network's activations are channels-last, and an
     * operation that builds a new activation should give it that layout too.
     *
     * @param block the network {@code x} flows through
     * @param x an array
     * @return whether the layout applies to it
     */
    static boolean appliesTo(Block block, NDArray x) {
        return x.getShape().dimension() == 4 && isPyTorch(x) && isOn(block, PYTORCH);
    }

    /**
     * Whether {@code block} is one of the networks that run channels-last on PyTorch: every network
     * of the zoo ({@link ConvRegressor}s, {@link LandmarkCnn}, {@link HeatmapNet}, {@link
     * ResNet18}).
     *
     * @param block a network
     * @return whether its input and weights are laid out channels-last
     */
    static boolean isUsedBy(Block block) {
        return block instanceof ChannelsLastSequentialBlock
                || block instanceof HeatmapNet
                || block instanceof ResNet18;
    }

    /**
     * Gives every initialised 4-D parameter of {@code block} channels-last strides, in place: the
     * parameter keeps its Java array (so a trainer's parameter store and an optimiser's state stay
     * valid), its values and whether it asks for a gradient; only the libtorch tensor behind it is
     * replaced by a channels-last copy. Loading values ({@code NDArray.set}, a new tensor) gives
     * the default layout back, so the networks call this after initialising and after loading. Does
     * nothing on other engines, or when {@code block} does not run channels-last ({@link
     * #isOn(Block, String)}).
     *
     * @param block a network
     */
    static void layOutParameters(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().isInitialized()) {
                if (isPyTorch(p.getValue().getArray()) && isOn(block, PYTORCH)) {
                    layOut(block);
                }
                return;
            }
        }
    }

    /**
     * Runs a network's own initialisation ({@code initialize}, its superclass's) and then, if it
     * initialised fresh parameters, lays them out ({@link #layOutParameters}): the body of the
     * channels-last networks' {@code initialize}.
     *
     * @param block the network
     * @param initialize the superclass's initialisation of {@code block}
     */
    static void initialize(Block block, Runnable initialize) {
        boolean fresh = !block.isInitialized();
        initialize.run();
        if (fresh) {
            layOutParameters(block);
        }
    }

    /**
     * Gives every initialised 4-D parameter of {@code block} channels-last strides as {@link
     * #layOutParameters} does, whatever {@link #isOn()} says (the convolution check tests the
     * layout at every level, and {@link #layOutParameters} once it has decided).
     *
     * @param block a block
     */
    static void layOut(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter parameter = p.getValue();
            if (!parameter.isInitialized()) {
                continue;
            }
            NDArray w = parameter.getArray();
            if (w.getShape().dimension() != 4 || !isPyTorch(w)) {
                continue;
            }
            boolean gradient = w.hasGradient();
            // Outside autograd (stopGradient), into a tensor of its own: a parameter must not be a
            // view, and duplicate (libtorch's clone) keeps the view's strides.
            try (NDArray values = w.stopGradient();
                    NDArray view = of(values)) {
                w.intern(view.duplicate());
            }
            if (gradient) {
                w.setRequiresGradient(true);
            }
        }
    }

    private static boolean isPyTorch(NDArray x) {
        return PYTORCH.equals(x.getManager().getEngine().getEngineName());
    }
}
