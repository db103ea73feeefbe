package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Differentiable soft-argmax (<a href="https://arxiv.org/abs/1711.08229">Sun et al., integral
 * regression</a>): turns one heatmap per keypoint into the expected position under the softmax of
 * the heatmap, a sub-pixel coordinate that gradients flow through.
 *
 * <p>Coordinates follow the library convention: heatmap cell {@code j} of a heatmap at output
 * stride {@code s} is centred on input pixel {@code (j + 0.5)·s − 0.5} (pixel centres at integers),
 * and the result is divided by the input width or height, giving the same {@code 2N} relative
 * output {@code x0, y0, x1, y1, …} the regressors produce.
 */
public final class SoftArgmax {

    /**
     * The grid of the last decode, reused while the sizes stay the same: a detector decodes
     * heatmaps of one size pass after pass, and a new 86 KB array per pass (58 maps of 120×90) kept
     * the JVM faulting in fresh heap pages, 26 per pass (docs/performance-inference.md, "The
     * heatmap network's page faults"). The array is never written after it is published.
     */
    private static final AtomicReference<CachedGrid> LAST = new AtomicReference<>();

    /** A grid with the sizes it was made for. */
    private record CachedGrid(
            int h, int w, int stride, long inputWidth, long inputHeight, float[] grid) {

        boolean fits(int h, int w, int stride, long inputWidth, long inputHeight) {
            return this.h == h
                    && this.w == w
                    && this.stride == stride
                    && this.inputWidth == inputWidth
                    && this.inputHeight == inputHeight;
        }
    }

    private SoftArgmax() {}

    /**
     * Decodes heatmaps into input-relative coordinates.
     *
     * @param heatmaps logits {@code [B, N, h, w]}
     * @param stride the input pixels per heatmap cell (1 for a full-resolution heatmap)
     * @param inputWidth the network input width in pixels
     * @param inputHeight the network input height in pixels
     * @param beta the softmax sharpness; the heatmap is multiplied by it before the softmax
     * @return {@code [B, 2N]}, interleaved {@code x_rel, y_rel} per keypoint
     * @throws IllegalArgumentException if the heatmaps are not 4-dimensional or a size is not
     *     positive
     */
    public static NDArray decode(
            NDArray heatmaps, int stride, long inputWidth, long inputHeight, float beta) {
        Shape s = heatmaps.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("Heatmaps must be [B, N, h, w], got " + s);
        }
        if (stride <= 0 || inputWidth <= 0 || inputHeight <= 0) {
            throw new IllegalArgumentException(
                    "stride and input size must be positive, got stride "
                            + stride
                            + ", input "
                            + inputWidth
                            + "x"
                            + inputHeight);
        }
        long b = s.get(0);
        long n = s.get(1);
        int h = Math.toIntExact(s.get(2));
        int w = Math.toIntExact(s.get(3));
        // One [h·w, 2] grid of cell centres (x, y per row): the expectation of both coordinates
        // of every map is then one matrix product, p · grid, whose [B·N, 2] rows are already the
        // interleaved x, y of the output. Multiplying p by two coordinate grids and summing made
        // two broadcasts and two reductions over all B·N·h·w cells; on MXNet those reductions
        // were the slowest operators of the heatmap network (docs/performance-inference.md).
        float[] grid = cachedGrid(h, w, stride, inputWidth, inputHeight);
        NDArray logits = heatmaps.reshape(b * n, (long) h * w);
        if (beta != 1f) {
            logits = logits.mul(beta);
        }
        NDArray p = logits.softmax(1);
        NDArray cells =
                heatmaps.getManager()
                        .create(grid, new Shape((long) h * w, 2))
                        .toType(heatmaps.getDataType(), false);
        return p.matMul(cells).reshape(b, 2 * n);
    }

    /**
     * {@link #grid}, the last one again if the sizes are the same; the caller must not write to it.
     */
    private static float[] cachedGrid(int h, int w, int stride, long inputWidth, long inputHeight) {
        CachedGrid last = LAST.get();
        if (last != null && last.fits(h, w, stride, inputWidth, inputHeight)) {
            return last.grid();
        }
        float[] grid = grid(h, w, stride, inputWidth, inputHeight);
        LAST.set(new CachedGrid(h, w, stride, inputWidth, inputHeight, grid));
        return grid;
    }

    /**
     * The decode's {@code [h·w, 2]} grid of cell centres, x and y per row, relative to the input.
     *
     * @param h the heatmap height
     * @param w the heatmap width
     * @param stride the input pixels per heatmap cell
     * @param inputWidth the network input width in pixels
     * @param inputHeight the network input height in pixels
     * @return the grid, row-major
     */
    static float[] grid(int h, int w, int stride, long inputWidth, long inputHeight) {
        float[] grid = new float[2 * h * w];
        for (int row = 0; row < h; row++) {
            float y = (float) (((row + 0.5) * stride - 0.5) / inputHeight);
            for (int col = 0; col < w; col++) {
                int cell = row * w + col;
                grid[2 * cell] = (float) (((col + 0.5) * stride - 0.5) / inputWidth);
                grid[2 * cell + 1] = y;
            }
        }
        return grid;
    }
}
