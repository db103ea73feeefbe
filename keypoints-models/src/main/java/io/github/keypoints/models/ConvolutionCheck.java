package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks once per JVM that an engine's 3×3 convolution computes what a plain Java convolution
 * computes, before the library trusts it with a model.
 *
 * <p>libtorch 2.7.1 (DJL 0.36's PyTorch) uses oneDNN kernels chosen by the CPU's instruction sets;
 * on some CPUs (AMD EPYC machines of this project among them) the AVX-512 and AVX2 kernels return
 * wrong values for some channel counts, which silently ruins training and inference. The cure is
 * the environment variable {@code ONEDNN_MAX_CPU_ISA} (for example {@code SSE41}), read when the
 * native library starts, so it must be set before the JVM starts. This check runs three small
 * convolutions that failed there (12, 24 and 40 input channels, 32 filters, 58×78, batch 2), each
 * in the default layout and channels-last (the layout {@link NoseTipNet} and {@link Imm58Net} run
 * in on PyTorch, which takes other oneDNN kernels), and compares 256 sampled outputs of each with a
 * plain Java sum (65–118 ms with the engine loaded on our machines, docs/performance.md); a
 * mismatch stops with an error that names the variable and the value to set.
 *
 * <p>{@link KeypointModel} and the trainer call {@link #verify(String)} for every model they make;
 * only the first call per engine does any work. Set the system property {@value #SKIP_PROPERTY} to
 * {@code true} to skip it.
 */
public final class ConvolutionCheck {

    /** The system property that turns the check off. */
    public static final String SKIP_PROPERTY = "keypoints.convolution.check.skip";

    /** The engines the check applies to; others are trusted. */
    private static final String CHECKED_ENGINE = "PyTorch";

    private static final int[] CHANNELS = {12, 24, 40};
    private static final int SAMPLES = 256;
    private static final double TOLERANCE = 1e-3;

    private static final Map<String, String> RESULTS = new ConcurrentHashMap<>();

    private ConvolutionCheck() {}

    /**
     * Checks the engine's convolution once per JVM (PyTorch only; other engines return at once).
     *
     * @param engine the engine name
     * @throws IllegalStateException naming {@code ONEDNN_MAX_CPU_ISA} and the value to set if the
     *     engine's convolution is wrong on this CPU
     */
    public static void verify(String engine) {
        if (!CHECKED_ENGINE.equals(engine) || Boolean.getBoolean(SKIP_PROPERTY)) {
            return;
        }
        String failure = RESULTS.computeIfAbsent(engine, ConvolutionCheck::run);
        if (!failure.isEmpty()) {
            throw new IllegalStateException(failure);
        }
    }

    /**
     * Runs the comparison now, whatever happened before.
     *
     * @param engine the engine name
     * @return an empty string if every sampled output matched, else a description of the mismatch
     *     and the fix
     */
    public static String run(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            for (int channels : CHANNELS) {
                for (boolean channelsLast : new boolean[] {false, true}) {
                    int wrong = (int) compare(m, channels, channelsLast, SAMPLES)[0];
                    if (wrong > 0) {
                        return failure(
                                engine,
                                channels,
                                channelsLast,
                                wrong,
                                SAMPLES,
                                System.getenv("ONEDNN_MAX_CPU_ISA"));
                    }
                }
            }
        }
        return "";
    }

    /**
     * The error a wrong convolution gets: what was wrong, at which level, and what to set.
     *
     * @param engine the engine name
     * @param channels the input channels of the wrong convolution
     * @param channelsLast whether its input was channels-last
     * @param wrong how many compared outputs were wrong
     * @param compared how many outputs were compared
     * @param isa the value of {@code ONEDNN_MAX_CPU_ISA}, or {@code null} when unset
     * @return the message
     */
    static String failure(
            String engine,
            int channels,
            boolean channelsLast,
            long wrong,
            long compared,
            String isa) {
        return String.format(
                Locale.ROOT,
                "%s's 3x3 convolution with %d input channels%s gave %d wrong values out of %d"
                        + " checked against plain Java on this CPU (ONEDNN_MAX_CPU_ISA=%s). This is"
                        + " libtorch's oneDNN kernel bug, and it corrupts training and inference:"
                        + " set ONEDNN_MAX_CPU_ISA=SSE41 in the environment before starting the JVM"
                        + " (`./keypoints bench onednn` finds the fastest level that is right on"
                        + " this CPU; the ./keypoints launcher chooses it by itself), or use the"
                        + " MXNet engine. See docs/performance.md.",
                engine,
                channels,
                channelsLast ? " (channels-last)" : "",
                wrong,
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
     * Runs the comparison of {@link #compare(NDManager, int, int)} with the input in the default
     * layout or laid out channels-last ({@link ChannelsLast}; on engines other than PyTorch the two
     * are the same).
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
        int batch = 2;
        int h = 58;
        int w = 78;
        int filters = 32;
        try (NDManager m = manager.newSubManager()) {
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
            NDArray in = m.create(x, s);
            if (channelsLast) {
                in = ChannelsLast.of(in);
            }
            float[] out =
                    conv.forward(new ParameterStore(m, false), new NDList(in), false)
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
}
