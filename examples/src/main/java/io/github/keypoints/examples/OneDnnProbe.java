package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.keypoints.models.ConvolutionCheck;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.TorchDefaultInitializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One probe of an engine's convolutions in this JVM, whose oneDNN level the parent ({@link
 * BenchOneDnnCommand}) set ({@code ONEDNN_MAX_CPU_ISA} for PyTorch, {@code DNNL_MAX_CPU_ISA} for
 * MXNet): on PyTorch the library's start-up check, timed; a comparison of the 3×3 convolutions
 * (every output, and a sample of the gradients) at the channel counts that failed before and of
 * ResNet-18's convolutions with plain Java, on PyTorch in both layouts, judged as the library
 * judges them ({@link LevelVerdict}: each kind of network in the layout it runs in at this level);
 * then the same input through the 58-point and nose-tip networks many times, counting non-finite
 * outputs and outputs that differ from the first pass; then as many training passes of the nose-tip
 * network (forward and backward, the weights unchanged), counting passes with a non-finite gradient
 * and passes whose gradients differ from the first pass's. Prints one JSON line.
 *
 * <p>Arguments: {@code PASSES THREADS [ENGINE]} (the engine PyTorch unless named).
 */
final class OneDnnProbe {

    /** The input channel counts whose convolutions are compared with plain Java. */
    static final int[] CHANNELS = {1, 8, 12, 16, 24, 32, 40, 64};

    private OneDnnProbe() {}

    public static void main(String[] args) {
        int passes = Integer.parseInt(args[0]);
        EngineSetup.threads(Integer.parseInt(args[1]));
        String engine = args.length > 2 ? args[2] : "PyTorch";
        EngineSetup.requireEngine(engine);
        boolean pyTorch = "PyTorch".equals(engine);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engine", engine);
        out.put("isa", System.getenv(BenchOneDnnCommand.levelVariable(engine)));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            // What the library's start-up check costs a user once per JVM (engine already loaded,
            // no convolution run yet), and whether it lets the networks run: a network is
            // initialised at its input (which checks its own convolutions, forward and backward,
            // and picks its layout) and verified, a stack network first, then ResNet-18 at
            // train-300w's 96x96, as a user making one and then the other pays.
            boolean passed = true;
            for (String net : pyTorch ? List.of("nose-tip", "resnet18") : List.<String>of()) {
                boolean nose = "nose-tip".equals(net);
                long t0 = System.nanoTime();
                try {
                    KeypointBlock b = ModelZoo.create(net, nose ? 2 : 136);
                    b.initialize(
                            m,
                            DataType.FLOAT32,
                            nose ? new Shape(1, 1, 60, 80) : new Shape(1, 1, 96, 96));
                    ConvolutionCheck.verify("PyTorch", b);
                } catch (IllegalStateException e) {
                    passed = false;
                }
                out.put(nose ? "check_ms" : "check_resnet18_ms", (System.nanoTime() - t0) / 1e6);
            }
            out.put("check_passed", passed);
            // The layouts the library's networks run in at this level decide; the rest is
            // reported for information.
            LevelVerdict verdict = LevelVerdict.measure(m, true);
            long[] conv = verdict.wrongChecked();
            long[] other = verdict.otherWrongChecked();
            out.put("conv_layout", verdict.layout());
            out.put("conv_wrong", conv[0]);
            out.put("conv_checked", conv[1]);
            out.put("conv_failing", verdict.failing());
            out.put("other_layout_wrong", other[0]);
            out.put("other_layout_checked", other[1]);
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
            List<Double> ms = new ArrayList<>();
            long[] g = gradientConsistency(m, passes, ms);
            out.put("training_passes", g[2]);
            out.put("gradient_non_finite", g[0]);
            out.put("gradient_differing", g[1]);
            double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.put("nose_tip_training_ms", sorted[sorted.length / 2]);
        }
        System.out.println(new com.google.gson.Gson().toJson(out));
    }

    /**
     * The nose-tip network's training pass (batch 8, 80×60, a seeded input and output gradient)
     * {@code passes} times with the same weights: returns {passes with a non-finite gradient,
     * passes whose gradients differ from the first pass's in any bit, passes}; adds each pass's
     * milliseconds.
     */
    private static long[] gradientConsistency(NDManager parent, int passes, List<Double> ms) {
        try (NDManager m = parent.newSubManager()) {
            Block block = new TorchDefaultInitializer(3).install(ModelZoo.create("nose-tip", 2));
            Shape s = new Shape(8, 1, 60, 80);
            block.initialize(m, DataType.FLOAT32, s);
            SplittableRandom r = new SplittableRandom(9);
            float[] x = new float[(int) s.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (r.nextDouble() - 0.5);
            }
            float[] dy = new float[8 * 2];
            for (int i = 0; i < dy.length; i++) {
                dy[i] = (float) r.nextDouble(-1, 1);
            }

            List<NDArray> params = new ArrayList<>();
            block.getParameters().forEach(p -> params.add(p.getValue().getArray()));
            Steadiness steadiness = new Steadiness();
            for (int p = 0; p < passes; p++) {
                try (NDManager pm = m.newSubManager()) {
                    NDArray in = pm.create(x, s);
                    NDArray weights = pm.create(dy, new Shape(8, 2));
                    long t0 = System.nanoTime();
                    try (GradientCollector c = m.getEngine().newGradientCollector()) {
                        NDArray y =
                                block.forward(new ParameterStore(pm, false), new NDList(in), true)
                                        .head();
                        c.backward(y.mul(weights).sum());
                    }
                    float[] grads = gradients(params);
                    zero(params);
                    ms.add((System.nanoTime() - t0) / 1e6);
                    steadiness.add(grads);
                }
            }
            return steadiness.counts();
        }
    }

    /**
     * Sets every parameter's gradient to zero, as PyTorch adds a backward pass's gradients to those
     * before (MXNet writes over them): in place, by an indexed assignment, so a non-finite gradient
     * does not carry over to the next pass. Each gradient handle asked for here is closed; the
     * gradient itself stays with its parameter. ({@code GradientCollector.zeroGradients} would walk
     * every array of the engine instead.)
     */
    private static void zero(List<NDArray> params) {
        for (NDArray p : params) {
            try (NDArray g = p.getGradient()) {
                g.set(new NDIndex(":"), 0f);
            }
        }
    }

    /** Every parameter's gradient, one after the other. */
    private static float[] gradients(List<NDArray> params) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (NDArray p : params) {
            float[] g;
            try (NDArray grad = p.getGradient()) {
                g = grad.toFloatArray();
            }
            parts.add(g);
            n += g.length;
        }
        float[] all = new float[n];
        int at = 0;
        for (float[] g : parts) {
            System.arraycopy(g, 0, all, at, g.length);
            at += g.length;
        }
        return all;
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
            Steadiness steadiness = new Steadiness();
            for (int p = 0; p < passes; p++) {
                try (NDManager pm = m.newSubManager()) {
                    // The input in the pass's manager, as a predictor's batch is: every array the
                    // pass makes belongs to the manager of its first operand, here the input's,
                    // and so goes with the pass.
                    NDArray in = pm.create(x, s);
                    long t0 = System.nanoTime();
                    float[] y =
                            block.forward(new ParameterStore(pm, false), new NDList(in), false)
                                    .head()
                                    .toFloatArray();
                    ms.add((System.nanoTime() - t0) / 1e6);
                    steadiness.add(y);
                }
            }
            return steadiness.counts();
        }
    }

    /** Counts a series of passes with a non-finite value and those that differ from the first. */
    private static final class Steadiness {
        private float[] first;
        private long nonFinite;
        private long differing;
        private long passes;

        /** Adds one pass's values. */
        void add(float[] values) {
            passes++;
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    nonFinite++;
                    break;
                }
            }
            if (first == null) {
                first = values;
            } else if (!Arrays.equals(first, values)) {
                differing++;
            }
        }

        /** {passes with a non-finite value, passes differing from the first in any bit, passes}. */
        long[] counts() {
            return new long[] {nonFinite, differing, passes};
        }
    }
}
