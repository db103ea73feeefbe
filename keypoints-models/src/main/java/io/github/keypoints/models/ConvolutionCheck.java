package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Checks once per JVM that an engine's 3×3 convolution computes what a plain Java convolution
 * computes, before the library trusts it with a model.
 *
 * <p>libtorch 2.7.1 (DJL 0.36's PyTorch) uses oneDNN kernels chosen by the CPU's instruction sets;
 * on some CPUs (AMD EPYC machines of this project among them) the AVX-512 and AVX2 kernels return
 * wrong values for some channel counts, which silently ruins training and inference. The cure is
 * the environment variable {@code ONEDNN_MAX_CPU_ISA} (for example {@code SSE41}), read when the
 * native library starts, so it must be set before the JVM starts. The wrong kernels seen so far
 * depend on the memory layout and the shape: on the project's AMD EPYC at {@code AVX512_CORE} small
 * 3×3 convolutions give wrong outputs in the default layout and right ones channels-last, one of
 * ResNet-18's shortcut convolutions and the heatmap network's 1×1 head (68 filters) the other way
 * round; input gradients are wrong in the default layout for odd filter counts (at {@code AVX2}
 * too) and in both layouts for one-channel inputs; weight gradients were right everywhere
 * (docs/performance.md). On that machine, a virtual one, the wrong kernels came only while oneDNN
 * believed the cache sizes the VM reports (zeros): with {@link TorchOneDnnCaches}' correction every
 * level was right there in both layouts (2026-12-07). The check stays for CPUs nobody here has
 * tried.
 *
 * <p>For a network that is initialised or loaded this check compares every convolution it runs
 * ({@link #convolutionsOf}: its own input shapes, filters, kernels, strides and paddings, at batch
 * 2) with plain Java sums: 256 sampled outputs, input gradients and weight gradients of each (no
 * input gradient for a convolution on the network's input, which training never computes; it is
 * wrong for one-channel convolutions at {@code AVX512_CORE} on that AMD EPYC). Without a network at
 * hand ({@link #verify(String)}, or a network not initialised yet) it compares representative sets
 * instead: three small 3×3 convolutions that failed there (12, 24 and 40 input channels, 32
 * filters, 58×78, batch 2), forward and backward, ResNet-18's shapes ({@link #shapes()}) and the
 * recipes' heatmap networks' ({@link Suite#HEATMAP}), forward and backward. It checks the network's
 * preferred layout (channels-last above {@code SSE41}) and, only if that one is wrong, the other;
 * the network then runs in the layout that was right ({@link #chooseLayout}). If none is, it stops
 * with an error that names the variable and the value to set.
 *
 * <p>{@link KeypointModel}, the trainer and the model factory call {@link #verify(String, Block)}
 * for every model they make, and a zoo network asks for its layout when it first runs or loads;
 * only the first call per engine, layout and set of convolutions does any work (on the project's
 * AMD EPYC, with oneDNN's kernels still to be built: about 0.7 s to initialise and check the first
 * network and 0.8–1.1 s more for a ResNet-18, docs/performance.md). A right verdict is kept on disk
 * for later JVMs with the same CPU, native libraries, settings and convolutions ({@code
 * CheckVerdicts}; {@code -Dkeypoints.convolution.check.cache=false} compares in every JVM); a wrong
 * one is found again in every JVM. Set the system property {@value #SKIP_PROPERTY} to {@code true}
 * to skip the check: the networks then run in the preferred layout unchecked.
 */
public final class ConvolutionCheck {

    /**
     * Which convolutions a check compares: a network's own kinds, so that a CPU whose wrong kernels
     * belong to another network's kind still runs this one.
     */
    public enum Suite {
        /**
         * The 3×3 convolutions of the zoo's stack networks (nose-tip, 58-point, landmark-cnn): 12,
         * 24 and 40 input channels, outputs and gradients.
         */
        SMALL_NETWORKS(true, false),
        /**
         * ResNet-18's convolutions ({@link ConvolutionCheck#shapes()}), outputs, and the 3×3
         * gradients (a ResNet-18 trains through the same backward kernels).
         */
        RESNET18(false, true),
        /**
         * {@link HeatmapNet}'s own convolutions ({@link HeatmapNet#convolutionShapes}: its 3×3 ones
         * and its 1×1 head with one filter per keypoint), outputs, and the 3×3 gradients. Without a
         * network at hand, those of the two recipes' heatmap networks (68 and 58 keypoints, 16 base
         * channels).
         */
        HEATMAP(false, false),
        /** Both: for a block outside the zoo, whose convolutions are unknown. */
        ALL(true, true);

        private final boolean smallOutputs;
        private final boolean resnetShapes;

        Suite(boolean smallOutputs, boolean resnetShapes) {
            this.smallOutputs = smallOutputs;
            this.resnetShapes = resnetShapes;
        }

        /**
         * The suite for {@code block}: {@link #RESNET18} for {@link ResNet18}, {@link #HEATMAP} for
         * {@link HeatmapNet}, {@link #SMALL_NETWORKS} for the zoo's other networks, {@link #ALL}
         * for any other block.
         *
         * @param block a network
         * @return its suite
         */
        public static Suite of(Block block) {
            if (block instanceof ResNet18) {
                return RESNET18;
            }
            if (block instanceof HeatmapNet) {
                return HEATMAP;
            }
            return ChannelsLast.isUsedBy(block) ? SMALL_NETWORKS : ALL;
        }
    }

    /** The system property that turns the check off. */
    public static final String SKIP_PROPERTY = "keypoints.convolution.check.skip";

    /** The engines the check applies to; others are trusted. */
    private static final String CHECKED_ENGINE = "PyTorch";

    private static final int[] CHANNELS = {12, 24, 40};

    /**
     * The other convolution shapes checked, {@code {batch, channels, height, width, filters,
     * kernel, stride, padding, input gradient}} (the last 0 for the stem, which takes the image and
     * needs no input gradient): ResNet-18's stem, stride-2 and shortcut convolutions at its 224×224
     * reference input and its stride-1 3×3 ones at each of its four sizes. On the project's AMD
     * EPYC the 1×1 stride-2 shortcut with 256 input channels at 14×14 was wrong channels-last at
     * {@code AVX512_CORE} (about 6 % of its outputs) and right at {@code AVX2} and {@code SSE41}.
     */
    private static final int[][] SHAPES = {
        {1, 1, 224, 224, 64, 7, 2, 3, 0},
        {1, 64, 56, 56, 128, 3, 2, 1, 1},
        {1, 64, 56, 56, 128, 1, 2, 0, 1},
        {1, 128, 28, 28, 256, 3, 2, 1, 1},
        {1, 128, 28, 28, 256, 1, 2, 0, 1},
        {1, 256, 14, 14, 512, 3, 2, 1, 1},
        {1, 256, 14, 14, 512, 1, 2, 0, 1},
        {1, 64, 56, 56, 64, 3, 1, 1, 1},
        {1, 128, 28, 28, 128, 3, 1, 1, 1},
        {1, 256, 14, 14, 256, 3, 1, 1, 1},
        {1, 512, 7, 7, 512, 3, 1, 1, 1}
    };

    private static final int SAMPLES = 256;
    private static final double TOLERANCE = 1e-3;

    /**
     * This JVM's checks, each run once, by what they compared ({@link #checkName}): empty when
     * right, else the failure.
     */
    private static final Map<String, String> RESULTS = new ConcurrentHashMap<>();

    /**
     * Names what one check of {@link #RESULTS} compared: an engine's convolutions in one layout,
     * those of a suite or, with {@code ownOnly}, only a network's own. The name is the text a
     * record of the five would give, which the kept verdicts' keys hold ({@link CheckVerdicts}).
     *
     * <p>A string, not a record: a record's generated equality and hash bootstrap method handles
     * the first time they run (with them, and a dearer key, the check took 42–68 ms with a kept
     * verdict, 12–25 ms with written-out ones; docs/performance.md, "Start-up without first-time
     * costs"; the string key was not timed), and written-out ones left mutation testing 16
     * surviving mutants, each of which ran every test that reaches the check (docs/testing.md).
     */
    private static String checkName(
            String engine, boolean channelsLast, Suite suite, boolean ownOnly, int[][] own) {
        return "CheckKey[engine="
                + engine
                + ", channelsLast="
                + channelsLast
                + ", suite="
                + suite
                + ", ownOnly="
                + ownOnly
                + ", own="
                + Arrays.deepToString(own)
                + ']';
    }

    /**
     * What the comparisons run: the engine's convolution itself, or, in the check's own tests, a
     * deliberately wrong stand-in for it ({@link #withConvolution}).
     */
    private static volatile ConvolutionUnderTest underTest = ConvolutionUnderTest.ENGINE;

    private ConvolutionCheck() {}

    /**
     * The block a comparison runs forward and backward in place of the convolution it built; the
     * weights and the input it compares with are the convolution's own. The check's tests hand it a
     * wrong one to see that every comparison catches it, which no right engine can show.
     */
    @FunctionalInterface
    interface ConvolutionUnderTest {
        /**
         * The block to run.
         *
         * @param convolution the convolution the comparison built and compares with
         * @param channelsLast whether its input and weights are laid out channels-last
         * @return the block to run forward, {@code convolution} itself outside tests
         */
        Block wrap(Block convolution, boolean channelsLast);

        /** The engine's own convolution: what runs outside the check's tests. */
        ConvolutionUnderTest ENGINE = (convolution, channelsLast) -> convolution;
    }

    /**
     * Runs {@code body} with every comparison running {@code standIn}'s block instead of the
     * engine's convolution, on an empty record of this JVM's checks; puts back the real convolution
     * and the record as it was afterwards. For the check's own tests: not to be called while other
     * threads run networks.
     *
     * @param standIn what the comparisons run
     * @param body the code to run with it
     */
    static void withConvolution(ConvolutionUnderTest standIn, Runnable body) {
        synchronized (ConvolutionUnderTest.class) {
            ConvolutionUnderTest real = underTest;
            Map<String, String> kept = new HashMap<>(RESULTS);
            RESULTS.clear();
            underTest = standIn;
            try {
                body.run();
            } finally {
                underTest = real;
                RESULTS.clear();
                RESULTS.putAll(kept);
            }
        }
    }

    /**
     * Checks the engine's convolution once per JVM for the zoo's networks under the current
     * settings: the 3×3 convolutions and ResNet-18's shapes ({@link #shapes()}), in the preferred
     * layout (channels-last above oneDNN's {@code SSE41} level, {@link ChannelsLast}) or, if that
     * one is wrong and {@code keypoints.channelsLast} is {@code auto}, in the other — the layout
     * ResNet-18 would then run in. PyTorch only; other engines return at once. The first call on an
     * engine, as the first of the comparisons below, also makes the library's adjustments to its
     * native libraries ({@code NativeTuning}: on PyTorch NNPACK off, oneDNN's cache sizes where it
     * read impossible ones, MKL's code by the CPU's features; on MXNet OpenBLAS's AVX2 kernels on
     * CPUs it does not know), so the kernels checked are those that run.
     *
     * @param engine the engine name
     * @throws IllegalStateException naming {@code ONEDNN_MAX_CPU_ISA} and the value to set if the
     *     engine's convolution is wrong on this CPU in every layout allowed
     */
    public static void verify(String engine) {
        NativeTuning.prepareOnce(engine);
        if (isChecked(engine)) {
            for (Suite suite : List.of(Suite.SMALL_NETWORKS, Suite.RESNET18, Suite.HEATMAP)) {
                int[][] own = ownShapes(suite, null);
                boolean channelsLast =
                        ChannelsLast.isAuto()
                                ? rightLayout(engine, suite, own).orElse(ChannelsLast.isOn())
                                : ChannelsLast.isOn();
                fail(engine, channelsLast, suite, own, false);
            }
        }
    }

    /**
     * Checks the engine's convolution once per JVM in the layout {@code block} runs in, and for a
     * zoo network chooses that layout first ({@link ChannelsLast}): the preferred layout
     * (channels-last above oneDNN's {@code SSE41} level) if this network's convolutions are right
     * in it, otherwise the other layout if they are right there. Any other block runs in the
     * default layout. Each network is checked on its own kind of convolutions ({@link
     * Suite#of(Block)}; every kind for a block outside the zoo). On the project's AMD EPYC of CPU
     * family 26 at {@code AVX512_CORE}, before the library corrected the cache sizes its VM reports
     * to oneDNN, this ran ResNet-18 and the heatmap network in the default layout (a shortcut and
     * the head were wrong channels-last there) and the stack networks channels-last (their 3×3
     * convolutions were wrong in the default layout there); with the correction every network runs
     * channels-last there. PyTorch only; other engines return at once.
     *
     * @param engine the engine name
     * @param block the network about to run
     * @throws IllegalStateException naming {@code ONEDNN_MAX_CPU_ISA} and the value to set if the
     *     engine's convolution is wrong on this CPU in every layout allowed for {@code block}
     */
    public static void verify(String engine, Block block) {
        NativeTuning.prepareOnce(engine);
        if (isChecked(engine)) {
            Suite suite = Suite.of(block);
            fail(
                    engine,
                    ChannelsLast.isOn(block, engine),
                    suite,
                    ownShapes(suite, block),
                    ownOnly(block));
        }
    }

    /**
     * The preferred layout of the zoo's networks under the current settings ({@code
     * keypoints.channelsLast} and oneDNN's level): channels-last above {@code SSE41}. A network
     * whose convolutions are wrong in it and right in the other layout runs in the other one
     * ({@link #chooseLayout}).
     *
     * @return whether the preferred layout is channels-last
     */
    public static boolean networksRunChannelsLast() {
        return ChannelsLast.isOn();
    }

    /**
     * The layout rule of the library, for code that judges layouts itself ({@code keypoints bench
     * onednn}, the launcher's level search): the preferred layout ({@link
     * #networksRunChannelsLast()}) if its convolutions are right; otherwise, when {@code
     * keypoints.channelsLast} is {@code auto}, the other layout if its convolutions are right;
     * otherwise none. Each verdict is asked only when needed.
     *
     * @param channelsLastRight whether the convolutions are right channels-last
     * @param defaultRight whether they are right in the default layout
     * @return {@code true} for channels-last, {@code false} for the default layout, empty when no
     *     allowed layout is right
     */
    public static Optional<Boolean> chooseLayout(
            BooleanSupplier channelsLastRight, BooleanSupplier defaultRight) {
        boolean preferred = ChannelsLast.isOn();
        BooleanSupplier preferredRight = preferred ? channelsLastRight : defaultRight;
        BooleanSupplier otherRight = preferred ? defaultRight : channelsLastRight;
        if (preferredRight.getAsBoolean()) {
            return Optional.of(preferred);
        }
        if (ChannelsLast.isAuto() && otherRight.getAsBoolean()) {
            return Optional.of(!preferred);
        }
        return Optional.empty();
    }

    /**
     * The layout {@link #chooseLayout} picks from this JVM's (cached) checks of one set of
     * convolutions.
     *
     * @param engine the engine name
     * @param suite the convolutions
     * @param own the network's own shapes compared besides the suite's ({@link #ownShapes})
     * @return the layout, or empty when no allowed layout is right
     */
    static Optional<Boolean> rightLayout(String engine, Suite suite, int[][] own) {
        return rightLayout(engine, suite, own, false);
    }

    private static Optional<Boolean> rightLayout(
            String engine, Suite suite, int[][] own, boolean ownOnly) {
        return chooseLayout(
                () -> result(engine, true, suite, own, ownOnly).isEmpty(),
                () -> result(engine, false, suite, own, ownOnly).isEmpty());
    }

    /**
     * The layout {@link #chooseLayout} picks for {@code block} from this JVM's (cached) checks of
     * its suite and its own shapes.
     *
     * @param engine the engine name
     * @param block a network
     * @return the layout, or empty when no allowed layout is right
     */
    static Optional<Boolean> rightLayout(String engine, Block block) {
        Suite suite = Suite.of(block);
        return rightLayout(engine, suite, ownShapes(suite, block), ownOnly(block));
    }

    /**
     * Whether {@code block}'s own convolutions are known ({@link NetworkConvolutions}): then they
     * alone are compared, the representative sets add nothing for this network.
     */
    private static boolean ownOnly(Block block) {
        return block != null && NetworkConvolutions.of(block, 2).length > 0;
    }

    /**
     * The convolution shapes compared forward and backward besides a suite's fixed ones: those
     * {@code block} really runs when it is initialised or loaded ({@link NetworkConvolutions}, at
     * its input size, batch 2) — then ResNet-18's fixed shapes are left out, its own replace them;
     * before that, a heatmap network's at 64×64 ({@link HeatmapNet#convolutionShapes}) or, without
     * a network, those of the two recipes' heatmap networks; none for the other suites.
     *
     * @param suite the suite
     * @param block the network, or {@code null}
     * @return the shapes
     */
    static int[][] ownShapes(Suite suite, Block block) {
        if (block != null) {
            int[][] walked = NetworkConvolutions.of(block, 2);
            if (walked.length > 0) {
                return walked;
            }
        }
        if (suite != Suite.HEATMAP) {
            return new int[0][];
        }
        if (block instanceof HeatmapNet) {
            return ((HeatmapNet) block).convolutionShapes(2, 64);
        }
        return heatmapShapes();
    }

    /**
     * The distinct convolutions an initialised or loaded network runs, read from its block tree, at
     * batch 2, each {@code {batch, channels, height, width, filters, kernel, stride, padding, input
     * gradient}} (the last 0 for a convolution on the network's input, whose input gradient no
     * training step computes): what {@link #verify(String, Block)} compares forward and backward
     * for that network. Empty for a block not yet initialised.
     *
     * @param block a network
     * @return the shapes
     */
    public static int[][] convolutionsOf(Block block) {
        return NetworkConvolutions.of(block, 2);
    }

    /**
     * The convolutions of the two recipes' heatmap networks (68 keypoints for 300-W, 58 for IMM; 16
     * base channels, depth 3), batch 2 at 64×64, each {@code {batch, channels, height, width,
     * filters, kernel, stride, padding}}; what {@link Suite#HEATMAP} compares without a network.
     *
     * @return the shapes, without repeats
     */
    public static int[][] heatmapShapes() {
        List<int[]> all = new ArrayList<>();
        for (int outputs : new int[] {136, 116}) {
            for (int[] s :
                    HeatmapNet.builder().setOutputs(outputs).build().convolutionShapes(2, 64)) {
                if (all.stream().noneMatch(t -> Arrays.equals(t, s))) {
                    all.add(s);
                }
            }
        }
        return all.toArray(new int[0][]);
    }

    private static boolean isChecked(String engine) {
        return CHECKED_ENGINE.equals(engine) && !Boolean.getBoolean(SKIP_PROPERTY);
    }

    private static void fail(
            String engine, boolean channelsLast, Suite suite, int[][] own, boolean ownOnly) {
        String failure = result(engine, channelsLast, suite, own, ownOnly);
        if (!failure.isEmpty()) {
            if (ChannelsLast.isAuto()
                    && !result(engine, !channelsLast, suite, own, ownOnly).isEmpty()) {
                failure += " (The other memory layout was tried too and was wrong as well.)";
            }
            throw new IllegalStateException(failure);
        }
    }

    /**
     * This JVM's check of one layout, run once: empty when right, else the failure. A right verdict
     * kept by an earlier JVM under the same machine, libraries and settings ({@link CheckVerdicts})
     * is reused instead of running the comparison again, and a right verdict found here is kept.
     */
    private static String result(
            String engine, boolean channelsLast, Suite suite, int[][] own, boolean ownOnly) {
        return RESULTS.computeIfAbsent(
                checkName(engine, channelsLast, suite, ownOnly, own),
                k ->
                        CheckVerdicts.reuseOrCompare(
                                () -> verdictKey(engine, k),
                                () -> run(engine, channelsLast, suite, own, ownOnly),
                                String::isEmpty,
                                ""));
    }

    /**
     * The key a verdict of {@code check} is kept under ({@link CheckVerdicts#key}), after the
     * library's native adjustments (the key holds their settings); a stand-in for the engine's
     * convolution in the check's own tests is part of it, with this process, so no other JVM reads
     * its verdicts.
     */
    private static String verdictKey(String engine, String check) {
        NativeTuning.prepareOnce(engine);
        ConvolutionUnderTest running = underTest;
        String standIn =
                running == ConvolutionUnderTest.ENGINE
                        ? ""
                        : ", a stand-in "
                                + System.identityHashCode(running)
                                + " in process "
                                + ProcessHandle.current().pid();
        return CheckVerdicts.key(engine, check + standIn);
    }

    /**
     * Runs the comparison of every kind of convolution ({@link Suite#ALL}) in the preferred layout
     * now, whatever happened before.
     *
     * @param engine the engine name
     * @return an empty string if every sampled output and gradient matched, else a description of
     *     the mismatch and the fix
     */
    public static String run(String engine) {
        return run(engine, ChannelsLast.isOn());
    }

    /**
     * Runs the comparison now in one layout, every kind ({@link Suite#ALL}): the forward outputs
     * ({@link #compare(NDManager, int, boolean, int)}) and the gradients ({@link
     * #compareGradients}) of the three convolutions, and the outputs of ResNet-18's shapes ({@link
     * #compareShape}), 256 samples of each.
     *
     * @param engine the engine name
     * @param channelsLast whether to check the channels-last layout rather than the default one
     * @return an empty string if every sampled value matched, else a description of the mismatch
     *     and the fix
     */
    public static String run(String engine, boolean channelsLast) {
        return run(engine, channelsLast, Suite.ALL);
    }

    /**
     * Runs the comparison of one suite now in one layout.
     *
     * @param engine the engine name
     * @param channelsLast whether to check the channels-last layout rather than the default one
     * @param suite which convolutions
     * @return an empty string if every sampled value matched, else a description of the mismatch
     *     and the fix
     */
    public static String run(String engine, boolean channelsLast, Suite suite) {
        return run(engine, channelsLast, suite, ownShapes(suite, null), false);
    }

    private static String run(
            String engine, boolean channelsLast, Suite suite, int[][] own, boolean ownOnly) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            String isa = System.getenv("ONEDNN_MAX_CPU_ISA");
            for (int channels : ownOnly ? new int[0] : CHANNELS) {
                String what = "3x3 convolution with " + channels + " input channels";
                long[] r =
                        suite.smallOutputs
                                ? compare(m, channels, channelsLast, SAMPLES)
                                : new long[2];
                if (r[0] > 0) {
                    return failure(engine, what, channelsLast, false, r[0], r[1], isa);
                }
                r = compareGradients(m, channels, channelsLast, SAMPLES);
                if (r[0] > 0) {
                    return failure(engine, what, channelsLast, true, r[0], r[1], isa);
                }
            }
            List<int[]> shapes = new ArrayList<>();
            if (!ownOnly && suite.resnetShapes && (suite == Suite.ALL || own.length == 0)) {
                shapes.addAll(List.of(SHAPES));
            }
            shapes.addAll(List.of(own));
            for (int[] shape : shapes) {
                long[] r = compareShape(m, shape, channelsLast, SAMPLES);
                if (r[0] > 0) {
                    return failure(engine, describe(shape), channelsLast, false, r[0], r[1], isa);
                }
                r =
                        compareShapeGradients(
                                m, shape, channelsLast, SAMPLES, needsInputGradient(shape));
                if (r[0] > 0) {
                    return failure(engine, describe(shape), channelsLast, true, r[0], r[1], isa);
                }
            }
        }
        return "";
    }

    /**
     * The other convolution shapes the check compares ({@link #compareShape}), each {@code {batch,
     * channels, height, width, filters, kernel, stride, padding}}.
     *
     * @return a copy of the shapes
     */
    public static int[][] shapes() {
        int[][] copy = new int[SHAPES.length][];
        for (int i = 0; i < SHAPES.length; i++) {
            copy[i] = SHAPES[i].clone();
        }
        return copy;
    }

    /**
     * Names a shape of {@link #shapes()}: for example {@code 1x1 stride-2 convolution 256->512 at
     * 14x14}.
     *
     * @param shape {@code {batch, channels, height, width, filters, kernel, stride, padding}}
     * @return the description
     */
    public static String describe(int[] shape) {
        return String.format(
                Locale.ROOT,
                "%dx%d stride-%d convolution %d->%d at %dx%d",
                shape[5],
                shape[5],
                shape[6],
                shape[1],
                shape[4],
                shape[2],
                shape[3]);
    }

    /**
     * The error a wrong convolution gets: what was wrong, at which level, and what to set.
     *
     * @param engine the engine name
     * @param what the wrong convolution, for example {@code 3x3 convolution with 24 input channels}
     * @param channelsLast whether its input was channels-last
     * @param gradients whether its gradients, rather than its outputs, were wrong
     * @param wrong how many compared values were wrong
     * @param compared how many values were compared
     * @param isa the value of {@code ONEDNN_MAX_CPU_ISA}, or {@code null} when unset
     * @return the message
     */
    static String failure(
            String engine,
            String what,
            boolean channelsLast,
            boolean gradients,
            long wrong,
            long compared,
            String isa) {
        return String.format(
                Locale.ROOT,
                "%s's %s%s gave %d wrong %s out of %d"
                        + " checked against plain Java on this CPU (ONEDNN_MAX_CPU_ISA=%s). This is"
                        + " libtorch's oneDNN kernel bug, and it corrupts training and inference:"
                        + " set ONEDNN_MAX_CPU_ISA=SSE41 in the environment before starting the JVM"
                        + " (`./keypoints bench onednn` finds the fastest level that is right on"
                        + " this CPU; the ./keypoints launcher chooses it by itself), or use the"
                        + " MXNet engine. See docs/performance.md.",
                engine,
                what,
                channelsLast ? " (channels-last)" : "",
                wrong,
                gradients ? "gradients" : "values",
                compared,
                isa == null ? "unset" : isa);
    }

    /**
     * Runs one 3×3 convolution (32 filters, batch 2, a 58×78 input, seeded weights and input) on
     * {@code manager}'s engine and compares its outputs with a plain Java sum: an output is wrong
     * when it is not finite or differs by more than 1e-3. The check of {@link #run(String)}, the
     * convolution tests and {@code keypoints bench onednn} all use this one comparison.
     *
     * @param manager where to run the convolution; its engine is the one compared
     * @param channels the input channels
     * @param samples how many randomly chosen outputs to compare (seeded); 0 or less compares every
     *     output
     * @return {@code {wrong, compared}}
     */
    public static long[] compare(NDManager manager, int channels, int samples) {
        return compare(manager, channels, false, samples);
    }

    /**
     * Runs the comparison of {@link #compare(NDManager, int, int)} in the default layout or with
     * the input and the weights laid out channels-last, as the networks run ({@link ChannelsLast};
     * on engines other than PyTorch the two are the same).
     *
     * @param manager where to run the convolution; its engine is the one compared
     * @param channels the input channels
     * @param channelsLast whether the input is laid out channels-last
     * @param samples how many randomly chosen outputs to compare (seeded); 0 or less compares every
     *     output
     * @return {@code {wrong, compared}}
     */
    public static long[] compare(
            NDManager manager, int channels, boolean channelsLast, int samples) {
        NativeTuning.prepareOnce(manager.getEngine().getEngineName());
        int batch = 2;
        int h = 58;
        int w = 78;
        int filters = 32;
        try (NDManager m = manager.newSubManager()) {
            Shape s = new Shape(batch, channels, h, w);
            Block conv = checkedConvolution(m, s, filters, channelsLast);
            float[] x = new float[(int) s.size()];
            SplittableRandom r = new SplittableRandom(11);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
            NDArray in = m.create(x, s);
            if (channelsLast) {
                in = ChannelsLast.of(in);
            }
            float[] out =
                    underTest
                            .wrap(conv, channelsLast)
                            .forward(new ParameterStore(m, false), new NDList(in), false)
                            .head()
                            .toFloatArray();
            float[] wt = conv.getParameters().valueAt(0).getArray().toFloatArray();
            float[] b = conv.getParameters().valueAt(1).getArray().toFloatArray();
            int oh = h - 2;
            int ow = w - 2;
            long all = (long) batch * filters * oh * ow;
            long count = samples > 0 ? samples : all;
            long wrong = 0;
            for (long k = 0; k < count; k++) {
                int n;
                int o;
                int i;
                int j;
                if (samples > 0) {
                    n = r.nextInt(batch);
                    o = r.nextInt(filters);
                    i = r.nextInt(oh);
                    j = r.nextInt(ow);
                } else {
                    j = (int) (k % ow);
                    i = (int) (k / ow % oh);
                    o = (int) (k / ((long) ow * oh) % filters);
                    n = (int) (k / ((long) ow * oh * filters));
                }
                double acc = b[o];
                for (int c = 0; c < channels; c++) {
                    for (int ki = 0; ki < 3; ki++) {
                        int xi = ((n * channels + c) * h + i + ki) * w + j;
                        int wi = ((o * channels + c) * 3 + ki) * 3;
                        acc += wt[wi] * x[xi] + wt[wi + 1] * x[xi + 1] + wt[wi + 2] * x[xi + 2];
                    }
                }
                float got = out[((n * filters + o) * oh + i) * ow + j];
                if (!(Math.abs(got - acc) <= TOLERANCE)) {
                    wrong++;
                }
            }
            return new long[] {wrong, count};
        }
    }

    /**
     * Runs the same 3×3 convolution as {@link #compare(NDManager, int, boolean, int)} backwards —
     * the gradients of {@code sum(g · out)} for a seeded {@code g} in {@code [-1, 1)} with respect
     * to the input and to the weights, as a training step computes them — and compares them with
     * plain Java sums. In the channels-last case the weights are laid out channels-last too, as the
     * networks lay out theirs. A gradient is wrong when it is not finite or differs by more than
     * 1e-3 plus 1e-4 of the sum of the magnitudes of its terms (a gradient sums up to 8,512
     * products, whose rounding grows with their count).
     *
     * @param manager where to run the convolution; its engine is the one compared
     * @param channels the input channels
     * @param channelsLast whether the input and the weights are laid out channels-last
     * @param samples how many randomly chosen gradients of each kind to compare (seeded); 0 or less
     *     compares every one
     * @return {@code {wrong, compared}}, input and weight gradients together
     */
    public static long[] compareGradients(
            NDManager manager, int channels, boolean channelsLast, int samples) {
        NativeTuning.prepareOnce(manager.getEngine().getEngineName());
        int batch = 2;
        int h = 58;
        int w = 78;
        int filters = 32;
        int oh = h - 2;
        int ow = w - 2;
        try (NDManager m = manager.newSubManager()) {
            Shape s = new Shape(batch, channels, h, w);
            Block conv = checkedConvolution(m, s, filters, channelsLast);
            SplittableRandom r = new SplittableRandom(13);
            float[] x = new float[(int) s.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
            float[] g = new float[batch * filters * oh * ow];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) r.nextDouble(-1, 1);
            }
            NDArray in = m.create(x, s);
            if (channelsLast) {
                try (NDArray view = ChannelsLast.of(in)) {
                    in = view.duplicate();
                }
            }
            in.setRequiresGradient(true);
            NDArray weight = conv.getParameters().valueAt(0).getArray();
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                NDArray out =
                        underTest
                                .wrap(conv, channelsLast)
                                .forward(new ParameterStore(m, false), new NDList(in), true)
                                .head();
                NDArray loss = out.mul(m.create(g, new Shape(batch, filters, oh, ow))).sum();
                collector.backward(loss);
            }
            float[] gx = in.getGradient().toFloatArray();
            float[] gw = weight.getGradient().toFloatArray();
            float[] wt = weight.toFloatArray();
            long wrong = 0;
            long compared = 0;
            // Input gradients: dx[n,c,y,x] = sum over o, ki, kj of g[n,o,y-ki,x-kj] w[o,c,ki,kj].
            long allX = (long) batch * channels * h * w;
            long countX = samples > 0 ? samples : allX;
            for (long k = 0; k < countX; k++) {
                long idx = samples > 0 ? r.nextLong(allX) : k;
                int xx = (int) (idx % w);
                int yy = (int) (idx / w % h);
                int c = (int) (idx / ((long) w * h) % channels);
                int n = (int) (idx / ((long) w * h * channels));
                double acc = 0;
                double mag = 0;
                for (int o = 0; o < filters; o++) {
                    for (int ki = 0; ki < 3; ki++) {
                        int i = yy - ki;
                        if (i < 0 || i >= oh) {
                            continue;
                        }
                        for (int kj = 0; kj < 3; kj++) {
                            int j = xx - kj;
                            if (j < 0 || j >= ow) {
                                continue;
                            }
                            double t =
                                    (double) g[((n * filters + o) * oh + i) * ow + j]
                                            * wt[((o * channels + c) * 3 + ki) * 3 + kj];
                            acc += t;
                            mag += Math.abs(t);
                        }
                    }
                }
                if (!(Math.abs(gx[(int) idx] - acc) <= 1e-3 + 1e-4 * mag)) {
                    wrong++;
                }
                compared++;
            }
            // Weight gradients: dw[o,c,ki,kj] = sum over n, i, j of g[n,o,i,j] x[n,c,i+ki,j+kj].
            long allW = (long) filters * channels * 9;
            long countW = samples > 0 ? samples : allW;
            for (long k = 0; k < countW; k++) {
                int idx = (int) (samples > 0 ? r.nextLong(allW) : k);
                int kj = idx % 3;
                int ki = idx / 3 % 3;
                int c = idx / 9 % channels;
                int o = idx / (9 * channels);
                double acc = 0;
                double mag = 0;
                for (int n = 0; n < batch; n++) {
                    for (int i = 0; i < oh; i++) {
                        int gi = ((n * filters + o) * oh + i) * ow;
                        int xi = ((n * channels + c) * h + i + ki) * w + kj;
                        for (int j = 0; j < ow; j++) {
                            double t = (double) g[gi + j] * x[xi + j];
                            acc += t;
                            mag += Math.abs(t);
                        }
                    }
                }
                if (!(Math.abs(gw[idx] - acc) <= 1e-3 + 1e-4 * mag)) {
                    wrong++;
                }
                compared++;
            }
            return new long[] {wrong, compared};
        }
    }

    /**
     * Runs one convolution of any shape on {@code manager}'s engine (seeded weights without bias
     * scaled like PyTorch's default initialisation, and a seeded input in {@code [-1, 1)}), in the
     * default layout or with its input and weights channels-last, and compares randomly chosen
     * outputs with plain Java sums; an output is wrong when it is not finite or differs by more
     * than 1e-4 plus 1e-4 of the sum of its terms' magnitudes.
     *
     * @param manager where to run it; its engine is the one compared
     * @param shape {@code {batch, channels, height, width, filters, kernel, stride, padding}}
     * @param channelsLast whether the input and the weights are laid out channels-last
     * @param samples how many outputs to compare (seeded)
     * @return {@code {wrong, compared}}
     */
    public static long[] compareShape(
            NDManager manager, int[] shape, boolean channelsLast, int samples) {
        NativeTuning.prepareOnce(manager.getEngine().getEngineName());
        try (NDManager m = manager.newSubManager()) {
            SplittableRandom r = new SplittableRandom(17);
            ShapedConvolution c = ShapedConvolution.of(m, shape, channelsLast, r);
            float[] out =
                    underTest
                            .wrap(c.block(), channelsLast)
                            .forward(new ParameterStore(m, false), new NDList(c.input()), false)
                            .head()
                            .toFloatArray();
            long wrong = 0;
            for (int q = 0; q < samples; q++) {
                int n = r.nextInt(c.batch());
                int o = r.nextInt(c.filters());
                int i = r.nextInt(c.oh());
                int j = r.nextInt(c.ow());
                double acc = 0;
                double mag = 0;
                for (int ch = 0; ch < c.channels(); ch++) {
                    for (int ki = 0; ki < c.k(); ki++) {
                        int y = i * c.stride() - c.pad() + ki;
                        if (y < 0 || y >= c.h()) {
                            continue;
                        }
                        for (int kj = 0; kj < c.k(); kj++) {
                            int xx = j * c.stride() - c.pad() + kj;
                            if (xx < 0 || xx >= c.w()) {
                                continue;
                            }
                            double t =
                                    (double) c.wt()[c.weightIndex(o, ch, ki, kj)]
                                            * c.x()[c.inputIndex(n, ch, y, xx)];
                            acc += t;
                            mag += Math.abs(t);
                        }
                    }
                }
                float got = out[((n * c.filters() + o) * c.oh() + i) * c.ow() + j];
                if (!(Math.abs(got - acc) <= 1e-4 + 1e-4 * mag)) {
                    wrong++;
                }
            }
            return new long[] {wrong, samples};
        }
    }

    /**
     * Runs the convolution of {@link #compareShape} backwards — the gradients of {@code sum(g ·
     * out)} for a seeded {@code g} in {@code [-1, 1)} with respect to the input and to the weights,
     * as a training step computes them — and compares {@code samples} of each with plain Java sums;
     * a gradient is wrong when it is not finite or differs by more than 1e-3 plus 1e-4 of the sum
     * of its terms' magnitudes. On the project's AMD EPYC at {@code AVX512_CORE} a 3×3 convolution
     * with 68 filters had a wrong input gradient in the default layout (7.6 %) while its outputs
     * were right: forward checks alone do not vouch for training.
     *
     * @param manager where to run it; its engine is the one compared
     * @param shape {@code {batch, channels, height, width, filters, kernel, stride, padding}}
     * @param channelsLast whether the input and the weights are laid out channels-last
     * @param samples how many gradients of each kind to compare (seeded)
     * @return {@code {wrong, compared, wrong input gradients, wrong weight gradients}}
     */
    public static long[] compareShapeGradients(
            NDManager manager, int[] shape, boolean channelsLast, int samples) {
        return compareShapeGradients(manager, shape, channelsLast, samples, true);
    }

    /**
     * Whether training computes the gradient with respect to a listed convolution's input: the
     * ninth value of a network's own shapes ({@link NetworkConvolutions}), 0 for a convolution on
     * the network's input; shapes without it count as 1.
     *
     * @param shape a shape, 8 or 9 values
     * @return whether its input gradient is checked
     */
    public static boolean needsInputGradient(int[] shape) {
        return shape.length < 9 || shape[8] != 0;
    }

    /**
     * {@link #compareShapeGradients(NDManager, int[], boolean, int)}, optionally without the input
     * gradients: those of a network's first convolution, which no training step computes.
     *
     * @param manager where to run it; its engine is the one compared
     * @param shape {@code {batch, channels, height, width, filters, kernel, stride, padding}}
     * @param channelsLast whether the input and the weights are laid out channels-last
     * @param samples how many gradients of each kind to compare (seeded)
     * @param inputGradients whether to compare the input gradients too
     * @return {@code {wrong, compared, wrong input gradients, wrong weight gradients}}
     */
    public static long[] compareShapeGradients(
            NDManager manager,
            int[] shape,
            boolean channelsLast,
            int samples,
            boolean inputGradients) {
        NativeTuning.prepareOnce(manager.getEngine().getEngineName());
        try (NDManager m = manager.newSubManager()) {
            SplittableRandom r = new SplittableRandom(19);
            ShapedConvolution c = ShapedConvolution.of(m, shape, channelsLast, r);
            float[] g = new float[c.batch() * c.filters() * c.oh() * c.ow()];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) r.nextDouble(-1, 1);
            }
            NDArray in = c.input().duplicate(); // a leaf of its own, in the same layout
            in.setRequiresGradient(inputGradients);
            NDArray weight = c.block().getParameters().valueAt(0).getArray();
            try (GradientCollector collector = m.getEngine().newGradientCollector()) {
                NDArray out =
                        underTest
                                .wrap(c.block(), channelsLast)
                                .forward(new ParameterStore(m, false), new NDList(in), true)
                                .head();
                Shape os = new Shape(c.batch(), c.filters(), c.oh(), c.ow());
                collector.backward(out.mul(m.create(g, os)).sum());
            }
            float[] gx = inputGradients ? in.getGradient().toFloatArray() : null;
            float[] gw = weight.getGradient().toFloatArray();
            long wrong = 0;
            long wrongInput = 0;
            // Input gradients: dx[n,c,y,x] = sum of g[n,o,i,j] w[o,c,ki,kj] over the outputs whose
            // window holds (y, x): i * stride - pad + ki = y.
            long allX = (long) c.batch() * c.channels() * c.h() * c.w();
            for (int q = 0; q < (inputGradients ? samples : 0); q++) {
                long idx = r.nextLong(allX);
                int xx = (int) (idx % c.w());
                int yy = (int) (idx / c.w() % c.h());
                int ch = (int) (idx / ((long) c.w() * c.h()) % c.channels());
                int n = (int) (idx / ((long) c.w() * c.h() * c.channels()));
                double acc = 0;
                double mag = 0;
                for (int ki = 0; ki < c.k(); ki++) {
                    int iy = yy + c.pad() - ki;
                    if (iy < 0 || iy % c.stride() != 0 || iy / c.stride() >= c.oh()) {
                        continue;
                    }
                    for (int kj = 0; kj < c.k(); kj++) {
                        int jx = xx + c.pad() - kj;
                        if (jx < 0 || jx % c.stride() != 0 || jx / c.stride() >= c.ow()) {
                            continue;
                        }
                        int i = iy / c.stride();
                        int j = jx / c.stride();
                        for (int o = 0; o < c.filters(); o++) {
                            double t =
                                    (double) g[((n * c.filters() + o) * c.oh() + i) * c.ow() + j]
                                            * c.wt()[c.weightIndex(o, ch, ki, kj)];
                            acc += t;
                            mag += Math.abs(t);
                        }
                    }
                }
                if (!(Math.abs(gx[(int) idx] - acc) <= 1e-3 + 1e-4 * mag)) {
                    wrongInput++;
                }
            }
            // Weight gradients: dw[o,c,ki,kj] = sum over n, i, j of g[n,o,i,j] x[n,c,y,x] with
            // y = i * stride - pad + ki, x = j * stride - pad + kj inside the input.
            int allW = c.filters() * c.channels() * c.k() * c.k();
            for (int q = 0; q < samples; q++) {
                int idx = r.nextInt(allW);
                int kj = idx % c.k();
                int ki = idx / c.k() % c.k();
                int ch = idx / (c.k() * c.k()) % c.channels();
                int o = idx / (c.k() * c.k() * c.channels());
                double acc = 0;
                double mag = 0;
                for (int n = 0; n < c.batch(); n++) {
                    for (int i = 0; i < c.oh(); i++) {
                        int y = i * c.stride() - c.pad() + ki;
                        if (y < 0 || y >= c.h()) {
                            continue;
                        }
                        int gi = ((n * c.filters() + o) * c.oh() + i) * c.ow();
                        for (int j = 0; j < c.ow(); j++) {
                            int xx = j * c.stride() - c.pad() + kj;
                            if (xx < 0 || xx >= c.w()) {
                                continue;
                            }
                            double t = (double) g[gi + j] * c.x()[c.inputIndex(n, ch, y, xx)];
                            acc += t;
                            mag += Math.abs(t);
                        }
                    }
                }
                if (!(Math.abs(gw[idx] - acc) <= 1e-3 + 1e-4 * mag)) {
                    wrong++;
                }
            }
            return new long[] {
                wrong + wrongInput, (inputGradients ? 2L : 1L) * samples, wrongInput, wrong
            };
        }
    }

    /**
     * One seeded convolution of any shape, as {@link #compareShape} and {@link
     * #compareShapeGradients} run it: weights without bias scaled like PyTorch's default
     * initialisation, input in {@code [-1, 1)}, both laid out channels-last when asked; {@code wt}
     * and {@code x} hold the values in the default (NCHW) order.
     */
    private record ShapedConvolution(
            Block block,
            NDArray input,
            float[] wt,
            float[] x,
            int batch,
            int channels,
            int h,
            int w,
            int filters,
            int k,
            int stride,
            int pad) {

        static ShapedConvolution of(
                NDManager m, int[] shape, boolean channelsLast, SplittableRandom r) {
            int batch = shape[0];
            int channels = shape[1];
            int h = shape[2];
            int w = shape[3];
            int filters = shape[4];
            int k = shape[5];
            int stride = shape[6];
            int pad = shape[7];
            Block conv =
                    Conv2d.builder()
                            .setKernelShape(new Shape(k, k))
                            .optStride(new Shape(stride, stride))
                            .optPadding(new Shape(pad, pad))
                            .optBias(false)
                            .setFilters(filters)
                            .build();
            Shape s = new Shape(batch, channels, h, w);
            conv.initialize(m, DataType.FLOAT32, s);
            NDArray weight = conv.getParameters().valueAt(0).getArray();
            // PyTorch's default bound for the weights; any values would do, these are typical
            double bound = TorchDefaultInitializer.bound(weight.getShape());
            float[] wt = new float[(int) weight.size()];
            for (int i = 0; i < wt.length; i++) {
                wt[i] = (float) r.nextDouble(-bound, bound);
            }
            if (CHECKED_ENGINE.equals(m.getEngine().getEngineName())) {
                try (NDArray values = m.create(wt, weight.getShape())) {
                    weight.intern(values.duplicate());
                }
                weight.setRequiresGradient(true); // a new tensor: ask again, for the gradients
            } else {
                weight.set(FloatBuffer.wrap(wt)); // in place: keeps MXNet's gradient
            }
            if (channelsLast) {
                ChannelsLast.layOut(conv);
            }
            float[] x = new float[(int) s.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble(-1, 1);
            }
            NDArray in = m.create(x, s);
            if (channelsLast) {
                in = ChannelsLast.of(in);
            }
            return new ShapedConvolution(
                    conv, in, wt, x, batch, channels, h, w, filters, k, stride, pad);
        }

        int oh() {
            return (h + 2 * pad - k) / stride + 1;
        }

        int ow() {
            return (w + 2 * pad - k) / stride + 1;
        }

        int weightIndex(int o, int c, int ki, int kj) {
            return ((o * channels + c) * k + ki) * k + kj;
        }

        int inputIndex(int n, int c, int y, int xx) {
            return ((n * channels + c) * h + y) * w + xx;
        }
    }

    /**
     * The 3×3 convolution of {@link #compare(NDManager, int, boolean, int)} and {@link
     * #compareGradients}: {@code filters} filters with a bias, PyTorch's default initialisation
     * from a fixed seed, initialised for {@code input}, its weights laid out channels-last when
     * {@code channelsLast} (as the networks lay out theirs).
     */
    private static Block checkedConvolution(
            NDManager m, Shape input, int filters, boolean channelsLast) {
        Block conv =
                new TorchDefaultInitializer(5)
                        .install(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(3, 3))
                                        .setFilters(filters)
                                        .build());
        conv.initialize(m, DataType.FLOAT32, input);
        if (channelsLast) {
            ChannelsLast.layOut(conv);
        }
        return conv;
    }
}
