package io.github.keypoints.morph;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * The average face of a collection: the shapes are aligned by {@link Procrustes}, their mean is
 * placed in the output frame where the faces are on average, every face is warped onto that mean
 * shape and the warped pixels are averaged. Faces are warped in parallel, one worker per core, each
 * with its own running sum.
 * <!-- snippet-context: List<Face> faces; -->
 *
 * <pre>{@code
 * MeanFace.Result r = MeanFace.builder().setSize(640, 480).build().compute(faces);
 * ImageFiles.write(r.image().toMat(), Path.of("mean.png"));
 * }</pre>
 */
public final class MeanFace {

    private final int width;
    private final int height;
    private final int threads;

    private MeanFace(Builder b) {
        this.width = b.width;
        this.height = b.height;
        this.threads = b.threads;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The result of averaging.
     *
     * @param image the mean face
     * @param shape the mean shape in the output frame's pixels
     * @param faces how many faces were averaged
     */
    public record Result(ImageBuffer image, Keypoints shape, int faces) {}

    /**
     * Averages faces already in memory.
     *
     * @param faces at least one face, all with the same scheme and channel count
     * @return the mean face
     */
    public Result compute(List<Face> faces) {
        List<Keypoints> shapes = faces.stream().map(Face::shape).toList();
        int[] sizes = new int[2 * faces.size()];
        for (int i = 0; i < faces.size(); i++) {
            sizes[2 * i] = faces.get(i).image().width();
            sizes[2 * i + 1] = faces.get(i).image().height();
        }
        return compute(shapes, i -> sizes[2 * i], i -> sizes[2 * i + 1], faces::get);
    }

    /**
     * Averages faces whose images are loaded on demand inside the workers (so decoding runs in
     * parallel too and only a few images are in memory at once).
     *
     * @param shapes the keypoints of each face, in its image's pixels
     * @param imageWidth the width of face {@code i}'s image
     * @param imageHeight the height of face {@code i}'s image
     * @param loader loads face {@code i}; called once per face from a worker thread
     * @return the mean face
     */
    public Result compute(
            List<Keypoints> shapes,
            IntUnaryOperator imageWidth,
            IntUnaryOperator imageHeight,
            IntFunction<Face> loader) {
        int n = shapes.size();
        Plan plan = plan(shapes, imageWidth, imageHeight);
        double[] dst = plan.destination();
        PiecewiseAffineWarp warp = PiecewiseAffineWarp.of(plan.triangulation());
        List<double[]> sources = plan.sources();

        int workers = Math.max(1, Math.min(threads, n));
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<float[]>> parts = new ArrayList<>();
        int[] channels = {-1};
        try {
            for (int w = 0; w < workers; w++) {
                parts.add(
                        pool.submit(
                                () -> {
                                    float[] sum = null;
                                    int[] scratch = null; // one packed face per worker
                                    for (int i = next.getAndIncrement();
                                            i < n;
                                            i = next.getAndIncrement()) {
                                        Face f = loader.apply(i);
                                        int ch = f.image().channels();
                                        synchronized (channels) {
                                            if (channels[0] < 0) {
                                                channels[0] = ch;
                                            } else if (channels[0] != ch) {
                                                throw new IllegalArgumentException(
                                                        "Face "
                                                                + f.id()
                                                                + " has "
                                                                + ch
                                                                + " channels, others have "
                                                                + channels[0]);
                                            }
                                        }
                                        if (sum == null) {
                                            sum = new float[width * height * ch];
                                        }
                                        scratch =
                                                warp.accumulate(
                                                        f.image(),
                                                        sources.get(i),
                                                        dst,
                                                        sum,
                                                        width,
                                                        height,
                                                        scratch);
                                    }
                                    return sum;
                                }));
            }
            float[] total = null;
            for (Future<float[]> part : parts) {
                float[] s = part.get();
                if (s == null) {
                    continue;
                }
                if (total == null) {
                    total = s;
                } else {
                    for (int k = 0; k < s.length; k++) {
                        total[k] += s[k];
                    }
                }
            }
            byte[] pixels = new byte[total.length];
            float inv = 1f / n;
            for (int k = 0; k < total.length; k++) {
                pixels[k] = (byte) Math.min(255, (int) (total[k] * inv + 0.5f));
            }
            ImageBuffer image = new ImageBuffer(width, height, channels[0], pixels);
            return new Result(image, plan.shape(), n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while averaging faces", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("Averaging faces failed: " + c, c);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * What averaging will do, before any pixel is touched: the destination points (mean shape plus
     * the frame's border points), their triangulation, and each face's source points (its keypoints
     * plus the frame border mapped back into its image by the inverse of its alignment).
     *
     * @param shape the mean shape in the output frame's pixels
     * @param destination the mean shape's points followed by the 8 border points
     * @param triangulation the triangulation of {@code destination}
     * @param sources per face, its source points in its own image's pixels
     */
    public record Plan(
            Keypoints shape,
            double[] destination,
            Triangulation triangulation,
            List<double[]> sources) {}

    /**
     * Aligns the shapes and plans the warps of {@link #compute}.
     *
     * @param shapes the keypoints of each face, in its image's pixels
     * @param imageWidth the width of face {@code i}'s image
     * @param imageHeight the height of face {@code i}'s image
     * @return the plan
     */
    public Plan plan(
            List<Keypoints> shapes, IntUnaryOperator imageWidth, IntUnaryOperator imageHeight) {
        int n = shapes.size();
        if (n == 0) {
            throw new IllegalArgumentException("The mean face needs at least one face");
        }
        List<double[]> raw = new ArrayList<>(n);
        double[] avg = new double[2 * shapes.get(0).size()];
        for (int i = 0; i < n; i++) {
            double[] s = MorphChain.toDoubles(shapes.get(i));
            if (s.length != avg.length) {
                throw new IllegalArgumentException(
                        "Face "
                                + i
                                + " has "
                                + s.length / 2
                                + " points, face 0 has "
                                + avg.length / 2);
            }
            raw.add(s);
            double sx = (double) width / imageWidth.applyAsInt(i);
            double sy = (double) height / imageHeight.applyAsInt(i);
            for (int k = 0; k < s.length; k += 2) {
                avg[k] += s[k] * sx / n;
                avg[k + 1] += s[k + 1] * sy / n;
            }
        }
        double[] unit = Procrustes.align(raw).mean();
        double[] meanShape = Similarity.apply(Similarity.fit(unit, avg), unit);
        double[] border = FaceFrame.borderPoints(width, height);
        double[] dst = MorphChain.concat(meanShape, border);
        List<double[]> sources = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Affine toMean = Similarity.fit(raw.get(i), meanShape);
            sources.add(MorphChain.concat(raw.get(i), Similarity.apply(toMean.inverse(), border)));
        }
        return new Plan(
                Keypoints.of(shapes.get(0).scheme(), meanShape),
                dst,
                Triangulation.delaunay(dst),
                List.copyOf(sources));
    }

    /** Builds a {@link MeanFace}. */
    public static final class Builder {
        private int width = -1;
        private int height = -1;
        private int threads = Runtime.getRuntime().availableProcessors();

        private Builder() {}

        /**
         * Sets the output size (required).
         *
         * @param width the width in pixels
         * @param height the height in pixels
         * @return this builder
         */
        public Builder setSize(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        /**
         * Sets the number of worker threads (default: the number of cores).
         *
         * @param threads at least 1
         * @return this builder
         */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Builds the averager.
         *
         * @return the mean-face computation
         * @throws IllegalArgumentException if the size is missing or a value is out of range
         */
        public MeanFace build() {
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException(
                        "Missing or invalid size: call setSize(width, height) with positive values");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            return new MeanFace(this);
        }
    }
}
