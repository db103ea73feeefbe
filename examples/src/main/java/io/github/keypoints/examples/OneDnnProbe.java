package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
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
 * ({@link BenchOneDnnCommand}) set: a full comparison of 3×3 convolutions with plain Java at the
 * channel counts that failed before, then the same input through the 58-point and nose-tip networks
 * many times, counting non-finite outputs and outputs that differ from the first pass. Prints one
 * JSON line.
 *
 * <p>Arguments: {@code PASSES THREADS}.
 */
final class OneDnnProbe {

    private static final int[] CHANNELS = {1, 8, 12, 16, 24, 32, 40, 64};

    private OneDnnProbe() {}

    public static void main(String[] args) {
        int passes = Integer.parseInt(args[0]);
        EngineSetup.threads(Integer.parseInt(args[1]));
        EngineSetup.requireEngine("PyTorch");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("isa", System.getenv("ONEDNN_MAX_CPU_ISA"));
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            long wrong = 0;
            long checked = 0;
            List<String> failing = new ArrayList<>();
            for (int c : CHANNELS) {
                long[] r = convolution(m, c);
                wrong += r[0];
                checked += r[1];
                if (r[0] > 0) {
                    failing.add(c + " channels: " + r[0]);
                }
            }
            out.put("conv_wrong", wrong);
            out.put("conv_checked", checked);
            out.put("conv_failing", failing);
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

    /** Returns {wrong, checked} for one 3×3 convolution, 32 filters, batch 2, 58×78. */
    private static long[] convolution(NDManager parent, int channels) {
        try (NDManager m = parent.newSubManager()) {
            int batch = 2;
            int h = 58;
            int w = 78;
            int filters = 32;
            Block conv =
                    new TorchDefaultInitializer(5)
                            .install(
                                    Conv2d.builder()
                                            .setKernelShape(new Shape(3, 3))
                                            .setFilters(filters)
                                            .build());
            Shape s = new Shape(batch, channels, h, w);
            conv.initialize(m, DataType.FLOAT32, s);
            float[] x = new float[(int) s.size()];
            SplittableRandom r = new SplittableRandom(11);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextDouble();
            }
            float[] out =
                    conv.forward(new ParameterStore(m, false), new NDList(m.create(x, s)), false)
                            .head()
                            .toFloatArray();
            float[] wt = conv.getParameters().valueAt(0).getArray().toFloatArray();
            float[] b = conv.getParameters().valueAt(1).getArray().toFloatArray();
            long wrong = 0;
            long checked = 0;
            for (int n = 0; n < batch; n++) {
                for (int o = 0; o < filters; o++) {
                    for (int i = 0; i < h - 2; i++) {
                        for (int j = 0; j < w - 2; j++) {
                            double acc = b[o];
                            for (int c = 0; c < channels; c++) {
                                for (int ki = 0; ki < 3; ki++) {
                                    int xi = ((n * channels + c) * h + i + ki) * w + j;
                                    int wi = ((o * channels + c) * 3 + ki) * 3;
                                    acc +=
                                            wt[wi] * x[xi]
                                                    + wt[wi + 1] * x[xi + 1]
                                                    + wt[wi + 2] * x[xi + 2];
                                }
                            }
                            float got = out[((n * filters + o) * (h - 2) + i) * (w - 2) + j];
                            checked++;
                            if (!(Math.abs(got - acc) <= 1e-3)) {
                                wrong++;
                            }
                        }
                    }
                }
            }
            return new long[] {wrong, checked};
        }
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
