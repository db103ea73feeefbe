package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.keypoints.models.ConvolutionCheck;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelZoo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an engine's convolutions fare at this JVM's oneDNN level, judged by the library's own rule:
 * the stack networks' 3×3 convolutions ({@link OneDnnProbe#CHANNELS} input channels, every output
 * and {@value #GRADIENT_SAMPLES} input and weight gradients each) and ResNet-18's ({@link
 * ConvolutionCheck#shapes()}, {@value #GRADIENT_SAMPLES} outputs and half as many input and weight
 * gradients each — no input gradient for the stem, which takes the image) and the recipes' heatmap
 * networks' ({@link ConvolutionCheck#heatmapShapes()}, likewise), and the zoo networks' own
 * convolutions at their recipes' inputs (likewise; the stack networks' with their 3×3 set,
 * ResNet-18's at 96×96 with its shapes) are compared with plain Java in the preferred layout
 * (channels-last above {@code SSE41}) and, where the preferred one is wrong, in the other; each
 * kind of network then runs in the layout {@link ConvolutionCheck#chooseLayout} picks, and the
 * level is right when every kind has one. On the project's AMD EPYC at {@code AVX512_CORE} that is
 * channels-last for the stack networks and the default layout for ResNet-18 and the heatmap
 * networks. On MXNet, whose networks run in the default layout only, that layout is compared and
 * must be right for every kind.
 *
 * <p>An immutable value; {@link #measure} makes one.
 */
final class LevelVerdict {

    /** Gradients of each kind, and outputs of each ResNet-18 shape, compared per convolution. */
    static final int GRADIENT_SAMPLES = 2048;

    /**
     * The kinds of comparison: 3×3 outputs, 3×3 gradients, ResNet-18's, heatmap networks', the
     * stack networks' own.
     */
    private static final int OUTPUTS = 0;

    private static final int GRADIENTS = 1;
    private static final int SHAPES = 2;
    private static final int HEATMAP = 3;
    private static final int STACKS = 4;
    private static final int KINDS = 5;

    /** The kinds each network suite needs: the stack networks, ResNet-18, the heatmap networks. */
    private static final int[][] SUITES = {
        {OUTPUTS, GRADIENTS, STACKS}, {GRADIENTS, SHAPES}, {GRADIENTS, HEATMAP}
    };

    /**
     * The zoo networks' own convolutions at the inputs their recipes and commands use, as the
     * library checks them when such a network starts ({@link ConvolutionCheck#convolutionsOf}):
     * index {@link #STACKS} the stack networks (nose-tip 80×60, 58-point 120×90 and 240×180,
     * landmark-cnn 64×64), {@link #SHAPES} ResNet-18 at 96×96 ({@code train-300w}'s default).
     */
    private static final class ZooShapes {
        static final int[][] STACK =
                walk(
                        new Object[][] {
                            {"nose-tip", 2, 60, 80},
                            {"imm58", 116, 90, 120},
                            {"imm58", 116, 180, 240},
                            {"landmark-cnn", 136, 64, 64}
                        });
        static final int[][] RESNET18_96 = walk(new Object[][] {{"resnet18", 136, 96, 96}});

        /** Initialises each network on MXNet (no layout to decide there) and reads its shapes. */
        private static int[][] walk(Object[][] networks) {
            List<int[]> all = new ArrayList<>();
            try (NDManager mx = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
                for (Object[] n : networks) {
                    KeypointBlock b = ModelZoo.create((String) n[0], (Integer) n[1]);
                    b.initialize(
                            mx, DataType.FLOAT32, new Shape(1, 1, (Integer) n[2], (Integer) n[3]));
                    for (int[] s : ConvolutionCheck.convolutionsOf(b)) {
                        if (all.stream().noneMatch(t -> java.util.Arrays.equals(t, s))) {
                            all.add(s);
                        }
                    }
                }
            }
            return all.toArray(new int[0][]);
        }
    }

    private static final String[] SUITE_NAMES = {
        "the stack networks", "ResNet-18", "the heatmap networks"
    };

    /** Per layout (true: channels-last): {wrong, checked} of each kind. */
    private final Map<Boolean, long[][]> counts;

    /** Per layout: per kind, one description per convolution with a wrong value. */
    private final Map<Boolean, List<List<String>>> failing;

    private final List<Optional<Boolean>> layouts;

    /** The layout a kind of network with no right layout is named by. */
    private final boolean preferred;

    private LevelVerdict(
            Map<Boolean, long[][]> counts,
            Map<Boolean, List<List<String>>> failing,
            List<Optional<Boolean>> layouts,
            boolean preferred) {
        this.counts = counts;
        this.failing = failing;
        this.layouts = layouts;
        this.preferred = preferred;
    }

    /**
     * Compares the convolutions in the preferred layout and, if a suite is wrong there or {@code
     * bothLayouts}, in the other.
     *
     * <p>On an engine other than PyTorch only the default layout, the one its networks run in.
     *
     * @param m where to run them: PyTorch, or MXNet
     * @param bothLayouts whether to compare the other layout even when it is not needed (for
     *     information; PyTorch only)
     * @return the verdict
     */
    static LevelVerdict measure(NDManager m, boolean bothLayouts) {
        Map<Boolean, long[][]> counts = new LinkedHashMap<>();
        Map<Boolean, List<List<String>>> failing = new LinkedHashMap<>();
        boolean pyTorch = "PyTorch".equals(m.getEngine().getEngineName());
        boolean preferred = pyTorch && ConvolutionCheck.networksRunChannelsLast();
        for (boolean layout : new boolean[] {preferred, !preferred}) {
            if (layout != preferred
                    && (!pyTorch || !bothLayouts && allRight(counts.get(preferred)))) {
                break;
            }
            List<List<String>> f = new ArrayList<>();
            for (int k = 0; k < KINDS; k++) {
                f.add(new ArrayList<>());
            }
            counts.put(layout, compare(m, layout, f));
            failing.put(layout, f);
        }
        return pyTorch ? judge(counts, failing) : judgeDefaultLayout(counts, failing);
    }

    /**
     * Judges comparisons already made, by the library's rule.
     *
     * @param counts per layout compared (true: channels-last), {@code {wrong, checked}} of each
     *     kind: 3×3 outputs, 3×3 gradients, ResNet-18's, the heatmap networks', the stack networks'
     *     own
     * @param failing per layout compared, per kind, descriptions of the wrong convolutions
     * @return the verdict
     */
    static LevelVerdict judge(
            Map<Boolean, long[][]> counts, Map<Boolean, List<List<String>>> failing) {
        List<Optional<Boolean>> layouts = new ArrayList<>();
        for (int[] suite : SUITES) {
            layouts.add(
                    ConvolutionCheck.chooseLayout(
                            () -> right(counts, true, suite), () -> right(counts, false, suite)));
        }
        return new LevelVerdict(
                Map.copyOf(counts),
                Map.copyOf(failing),
                layouts,
                ConvolutionCheck.networksRunChannelsLast());
    }

    /**
     * Judges comparisons made in the default layout alone, for an engine whose networks have no
     * other (MXNet): each kind of network is right when its comparisons there are.
     *
     * @param counts {@code {wrong, checked}} of each kind in the default layout, under the key
     *     {@code false}
     * @param failing per kind, descriptions of the wrong convolutions, under the key {@code false}
     * @return the verdict
     */
    static LevelVerdict judgeDefaultLayout(
            Map<Boolean, long[][]> counts, Map<Boolean, List<List<String>>> failing) {
        if (counts.containsKey(true) || !counts.containsKey(false)) {
            throw new IllegalArgumentException("default-layout comparisons only");
        }
        List<Optional<Boolean>> layouts = new ArrayList<>();
        for (int[] suite : SUITES) {
            layouts.add(
                    right(counts, false, suite) ? Optional.of(false) : Optional.<Boolean>empty());
        }
        return new LevelVerdict(Map.copyOf(counts), Map.copyOf(failing), layouts, false);
    }

    /** Whether every kind of network has a right layout at this level. */
    boolean right() {
        return layouts.stream().allMatch(Optional::isPresent);
    }

    /**
     * The layouts the networks run in: {@code channels-last} or {@code default} when all share one,
     * else for example {@code channels-last, ResNet-18 default}; a kind with no right layout is
     * named by its preferred layout.
     */
    String layout() {
        boolean small = used(0);
        StringBuilder s = new StringBuilder(name(small));
        if (used(1) != small) {
            s.append(", ResNet-18 ").append(name(used(1)));
        }
        if (used(2) != small) {
            s.append(", heatmap ").append(name(used(2)));
        }
        return s.toString();
    }

    /** {@code {wrong, checked}} over the comparisons of the layouts the networks run in. */
    long[] wrongChecked() {
        return sum(true);
    }

    /** {@code {wrong, checked}} over the other comparisons made (for information). */
    long[] otherWrongChecked() {
        return sum(false);
    }

    /**
     * One description per convolution with a wrong value among the comparisons of the layouts the
     * networks run in, and one per kind of network with no right layout.
     */
    List<String> failing() {
        List<String> f = new ArrayList<>();
        for (int s = 0; s < SUITES.length; s++) {
            List<List<String>> byKind = failing.get(used(s));
            for (int kind : byKind == null ? new int[0] : SUITES[s]) {
                for (String d : byKind.get(kind)) {
                    if (!f.contains(d)) {
                        f.add(d);
                    }
                }
            }
        }
        for (int s = 0; s < SUITES.length; s++) {
            if (layouts.get(s).isEmpty()) {
                f.add("no right layout for " + SUITE_NAMES[s]);
            }
        }
        return Collections.unmodifiableList(f);
    }

    private boolean used(int suite) {
        return layouts.get(suite).orElse(preferred);
    }

    private long[] sum(boolean inUse) {
        long wrong = 0;
        long checked = 0;
        for (Map.Entry<Boolean, long[][]> e : counts.entrySet()) {
            for (int kind = 0; kind < KINDS; kind++) {
                boolean used = false;
                for (int s = 0; s < SUITES.length; s++) {
                    used |= used(s) == e.getKey() && contains(SUITES[s], kind);
                }
                if (used == inUse) {
                    wrong += e.getValue()[kind][0];
                    checked += e.getValue()[kind][1];
                }
            }
        }
        return new long[] {wrong, checked};
    }

    private static boolean contains(int[] kinds, int kind) {
        for (int k : kinds) {
            if (k == kind) {
                return true;
            }
        }
        return false;
    }

    private static String name(boolean channelsLast) {
        return channelsLast ? "channels-last" : "default";
    }

    private static boolean allRight(long[][] kinds) {
        for (long[] k : kinds) {
            if (k[0] > 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean right(Map<Boolean, long[][]> counts, boolean layout, int[] suite) {
        long[][] c = counts.get(layout);
        if (c == null) {
            return false; // not compared: the preferred layout was right for every kind
        }
        for (int kind : suite) {
            if (c[kind][0] > 0) {
                return false;
            }
        }
        return true;
    }

    /** {wrong, checked} of each kind in one layout; adds a description per wrong convolution. */
    private static long[][] compare(NDManager m, boolean channelsLast, List<List<String>> failing) {
        long[][] c = new long[KINDS][2];
        String layout = channelsLast ? " channels-last" : "";
        for (int ch : OneDnnProbe.CHANNELS) {
            long[] r = ConvolutionCheck.compare(m, ch, channelsLast, 0);
            long[] g = ConvolutionCheck.compareGradients(m, ch, channelsLast, GRADIENT_SAMPLES);
            add(c[OUTPUTS], r);
            add(c[GRADIENTS], g);
            if (r[0] > 0) {
                failing.get(OUTPUTS).add(ch + " channels" + layout + ": " + r[0]);
            }
            if (g[0] > 0) {
                failing.get(GRADIENTS).add(ch + " channels" + layout + " gradients: " + g[0]);
            }
        }
        compareShapes(m, ZooShapes.STACK, channelsLast, c[STACKS], failing.get(STACKS));
        compareShapes(m, ConvolutionCheck.shapes(), channelsLast, c[SHAPES], failing.get(SHAPES));
        compareShapes(m, ZooShapes.RESNET18_96, channelsLast, c[SHAPES], failing.get(SHAPES));
        compareShapes(
                m,
                ConvolutionCheck.heatmapShapes(),
                channelsLast,
                c[HEATMAP],
                failing.get(HEATMAP));
        return c;
    }

    /**
     * Outputs and gradients of each shape (the input gradient only where training computes it);
     * adds the counts and a description per wrong convolution.
     */
    private static void compareShapes(
            NDManager m, int[][] shapes, boolean channelsLast, long[] count, List<String> failing) {
        String layout = channelsLast ? " channels-last" : "";
        for (int[] shape : shapes) {
            long[] r = ConvolutionCheck.compareShape(m, shape, channelsLast, GRADIENT_SAMPLES);
            long[] g =
                    ConvolutionCheck.compareShapeGradients(
                            m,
                            shape,
                            channelsLast,
                            GRADIENT_SAMPLES / 2,
                            ConvolutionCheck.needsInputGradient(shape));
            add(count, r);
            add(count, g);
            if (r[0] > 0) {
                failing.add(ConvolutionCheck.describe(shape) + layout + ": " + r[0]);
            }
            if (g[0] > 0) {
                failing.add(ConvolutionCheck.describe(shape) + layout + " gradients: " + g[0]);
            }
        }
    }

    private static void add(long[] total, long[] r) {
        total[0] += r[0];
        total[1] += r[1];
    }
}
