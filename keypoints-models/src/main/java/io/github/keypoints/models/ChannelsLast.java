package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Locale;
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
 * backward ({@link ConvolutionCheck}, docs/performance.md), which lets the launcher run that CPU at
 * {@code AVX512_CORE} instead of {@code SSE41}.
 *
 * <p>Only PyTorch has the notion; on other engines arrays are left as they are.
 *
 * <p>At {@code SSE41} the {@code nhwc} kernels are the slower ones: a batch-1 forward pass took
 * 1.2–1.65× as long channels-last as in the default layout there for the nose-tip, 58-point and
 * 224×224 ResNet-18 networks (0.77× for ResNet-18 at 96×96), and the training step did not change
 * (docs/performance-inference.md). So the networks run channels-last only when {@code
 * ONEDNN_MAX_CPU_ISA} (or its older name {@code DNNL_MAX_CPU_ISA}) is not {@code SSE41}; the system
 * property {@value #PROPERTY} ({@code true}, {@code false}, or {@code auto}, the default) overrides
 * that, read each time a network runs or loads. {@link ConvolutionCheck} checks the layout that is
 * in force.
 */
final class ChannelsLast {

    /** The system property that turns the layout on or off; {@code auto} by default. */
    static final String PROPERTY = "keypoints.channelsLast";

    /** oneDNN's cap, fixed for the process: libtorch reads it once, and Java cannot change it. */
    private static final String ISA =
            System.getenv("ONEDNN_MAX_CPU_ISA") != null
                    ? System.getenv("ONEDNN_MAX_CPU_ISA")
                    : System.getenv("DNNL_MAX_CPU_ISA");

    private ChannelsLast() {}

    /**
     * Whether the networks that can run channels-last do, under the current {@value #PROPERTY} and
     * oneDNN level.
     *
     * @return whether to lay out inputs and weights channels-last on PyTorch
     */
    static boolean isOn() {
        return isOn(System.getProperty(PROPERTY, "auto"), ISA);
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
     * the layout is off ({@link #isOn()}), go in as they are.
     *
     * @param inputs the block's inputs
     * @param forward the block's forward pass
     * @return what {@code forward} returns
     */
    static NDList forward(NDList inputs, UnaryOperator<NDList> forward) {
        if (inputs.size() != 1 || !isOn()) {
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
     * Whether {@code x} is a four-dimensional PyTorch array and the layout is on ({@link #isOn()}):
     * then a network's activations are channels-last, and an operation that builds a new activation
     * should give it that layout too.
     *
     * @param x an array
     * @return whether the layout applies to it
     */
    static boolean appliesTo(NDArray x) {
        return x.getShape().dimension() == 4 && isPyTorch(x) && isOn();
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
     * nothing on other engines, or when the layout is off ({@link #isOn()}).
     *
     * @param block a network
     */
    static void layOutParameters(Block block) {
        if (isOn()) {
            layOut(block);
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
     * layout at every level).
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
        return "PyTorch".equals(x.getManager().getEngine().getEngineName());
    }
}
