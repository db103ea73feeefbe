package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.keypoints.models.ConvolutionCheck;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.TorchDefaultInitializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One probe of PyTorch's convolutions in this JVM, whose {@code ONEDNN_MAX_CPU_ISA} the parent
 * ({@link BenchOneDnnCommand}) set: a comparison of 3×3 convolutions (every output, and a sample of
 * the gradients) with plain Java at the channel counts that failed before, in the layout the
 * library's networks run in at this level (channels-last above {@code SSE41}) and, for information,
 * in the other one, then the same input through the 58-point and nose-tip networks many times,
 * counting non-finite outputs and outputs that differ from the first pass. Prints one JSON line.
 *
 * <p>Arguments: {@code PASSES THREADS}.
 */
final class OneDnnProbe {

    /** The input channel counts whose convolutions are compared with plain Java. */
    static final int[] CHANNELS = {1, 8, 12, 16, 24, 32, 40, 64};

    private OneDnnProbe() {}

    /** Gradients of each kind compared per convolution (a sample: each sums thousands of terms). */
    static final int GRADIENT_SAMPLES = 2048;

    /**
     * Compares every output of the 3×3 convolution for each of {@link #CHANNELS} input channels,
     * and {@value #GRADIENT_SAMPLES} of its input and of its weight gradients, and {@value
     * #GRADIENT_SAMPLES} outputs of each of ResNet-18's convolution shapes ({@link
     * ConvolutionCheck#shapes()}), in one layout, with plain Java ({@link
     * ConvolutionCheck#compare}, {@link ConvolutionCheck#compareGradients}, {@link
     * ConvolutionCheck#compareShape}).
     *
     * @param m where to run the convolutions (PyTorch)
     * @param channelsLast whether to lay the input (and, for the gradients, the weights) out
     *     channels-last
     * @param failing receives one description per convolution with a wrong value
     * @return {@code {wrong, compared}} summed over the convolutions
     */
    static long[] compareAll(NDManager m, boolean channelsLast, List<String> failing) {
        long wrong = 0;
        long checked = 0;
        String layout = channelsLast ? " channels-last" : "";
        for (int c : CHANNELS) {
            long[] r = ConvolutionCheck.compare(m, c, channelsLast, 0);
            long[] g = ConvolutionCheck.compareGradients(m, c, channelsLast, GRADIENT_SAMPLES);
            wrong += r[0] + g[0];
            checked += r[1] + g[1];
            if (r[0] > 0) {
                failing.add(c + " channels" + layout + ": " + r[0]);
            }
            if (g[0] > 0) {
                failing.add(c + " channels" + layout + " gradients: " + g[0]);
            }
        }
        for (int[] shape : ConvolutionCheck.shapes()) {
            long[] r = ConvolutionCheck.compareShape(m, shape, channelsLast, GRADIENT_SAMPLES);
            wrong += r[0];
            checked += r[1];
            if (r[0] > 0) {
                failing.add(ConvolutionCheck.describe(shape) + layout + ": " + r[0]);
            }
        }
        return new long[] {wrong, checked};
    }

    public static void main(String[] args) {
        int passes = Integer.parseInt(args[0]);
        EngineSetup.threads(Integer.parseInt(args[1]));
        EngineSetup.requireEngine("PyTorch");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("isa", System.getenv("ONEDNN_MAX_CPU_ISA"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            // The layout the library's networks run in at this level decides; the other is
            // reported for information.
            boolean channelsLast = ConvolutionCheck.networksRunChannelsLast();
            List<String> failing = new ArrayList<>();
            long[] conv = compareAll(m, channelsLast, failing);
            long[] other = compareAll(m, !channelsLast, new ArrayList<>());
            out.put("conv_layout", channelsLast ? "channels-last" : "default");
            out.put("conv_wrong", conv[0]);
            out.put("conv_checked", conv[1]);
            out.put("conv_failing", failing);
            out.put("other_layout_wrong", other[0]);
            out.put("other_layout_checked", other[1]);
            // What the library's start-up check costs a user once per JVM (engine already loaded).
            long t0 = System.nanoTime();
            String check = ConvolutionCheck.run("PyTorch");
            out.put("check_ms", (System.nanoTime() - t0) / 1e6);
            out.put("check_passed", check.isEmpty());
            long nonFinite = 0;
            long differing = 0;
            long forwards = 0;
            for (String net : List.of("imm58", "nose-tip")) {
                List<Double> ms = new ArrayList<>();
                long[] r = consistency(m, net, passes, ms);
                nonFinite += r[0];
                differing += r[1];
                forwards += r[2];
                double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                out.put(net.replace('-', '_') + "_ms", sorted[sorted.length / 2]);
            }
            out.put("forwards", forwards);
            out.put("non_finite", nonFinite);
            out.put("differing", differing);
        }
        System.out.println(new com.google.gson.Gson().toJson(out));
    }

    /** Returns {non-finite passes, passes differing from the first, passes}; adds timings. */
    private static long[] consistency(NDManager parent, String net, int passes, List<Double> ms) {
        try (NDManager m = parent.newSubManager()) {
            int w = "imm58".equals(net) ? 120 : 80;
            int h = "imm58".equals(net) ? 90 : 60;
            Block block =
                    new TorchDefaultInitializer(3)
                            .install(ModelZoo.create(net, "imm58".equals(net) ? 116 : 2));
            Shape s = new Shape(8, 1, h, w);
            block.initialize(m, DataType.FLOAT32, s);
            float[] x = new float[(int) s.size()];
            SplittableRandom r = new SplittableRandom(7);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() - 0.5);
            }
            NDArray in = m.create(x, s);
            float[] first = null;
            long nonFinite = 0;
            long differing = 0;
            for (int p = 0; p < passes; p++) {
                try (NDManager pm = m.newSubManager()) {
                    long t0 = System.nanoTime();
                    float[] y =
                            block.forward(new ParameterStore(pm, false), new NDList(in), false)
                                    .head()
                                    .toFloatArray();
                    ms.add((System.nanoTime() - t0) / 1e6);
                    boolean finite = true;
                    for (float v : y) {
                        finite &= Float.isFinite(v);
                    }
                    if (!finite) {
                        nonFinite++;
                    }
                    if (first == null) {
                        first = y;
                    } else if (!Arrays.equals(first, y)) {
                        differing++;
                    }
                }
            }
            return new long[] {nonFinite, differing, passes};
        }
    }
}
