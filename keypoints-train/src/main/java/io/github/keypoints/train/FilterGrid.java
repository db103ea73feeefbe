package io.github.keypoints.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.keypoints.data.io.AtomicOutput;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Renders the learned filters of a block's first convolution as a grid of grey tiles (each filter
 * averaged over its input channels and stretched to its own min–max range), as the reference
 * project visualised its first layer.
 */
public final class FilterGrid {

    private FilterGrid() {}

    /**
     * Finds the first 4-D weight parameter of the block (its first convolution).
     *
     * @param block an initialised block
     * @return the parameter, if the block has a convolution
     */
    public static Optional<Parameter> firstConvolution(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (param.isInitialized()
                    && param.getType() == Parameter.Type.WEIGHT
                    && param.getArray().getShape().dimension() == 4) {
                return Optional.of(param);
            }
        }
        return Optional.empty();
    }

    /**
     * Renders a {@code [filters, channels, kh, kw]} weight as a grid.
     *
     * @param weight the weight array
     * @param cell the pixel size of one weight in the picture
     * @return the image
     */
    public static BufferedImage render(NDArray weight, int cell) {
        long[] s = weight.getShape().getShape();
        int n = (int) s[0];
        int c = (int) s[1];
        int kh = (int) s[2];
        int kw = (int) s[3];
        float[] w = weight.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        int cols = (int) Math.ceil(Math.sqrt(n));
        int rows = (n + cols - 1) / cols;
        int gap = 2;
        BufferedImage img =
                new BufferedImage(
                        cols * (kw * cell + gap) + gap,
                        rows * (kh * cell + gap) + gap,
                        BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(new Color(40, 40, 90));
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            for (int f = 0; f < n; f++) {
                double[] tile = new double[kh * kw];
                for (int ch = 0; ch < c; ch++) {
                    for (int k = 0; k < kh * kw; k++) {
                        tile[k] += w[(f * c + ch) * kh * kw + k] / c;
                    }
                }
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (double v : tile) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                double range = hi - lo < 1e-12 ? 1 : hi - lo;
                int ox = gap + (f % cols) * (kw * cell + gap);
                int oy = gap + (f / cols) * (kh * cell + gap);
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        int v = (int) Math.round((tile[y * kw + x] - lo) / range * 255);
                        g.setColor(new Color(v, v, v));
                        g.fillRect(ox + x * cell, oy + y * cell, cell, cell);
                    }
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * Writes the first convolution's filter grid atomically as PNG.
     *
     * @param block an initialised block
     * @param file the PNG file
     * @return whether the block had a convolution to draw
     * @throws IOException if writing fails
     */
    public static boolean write(Block block, Path file) throws IOException {
        Optional<Parameter> conv = firstConvolution(block);
        if (conv.isEmpty()) {
            return false;
        }
        BufferedImage img = render(conv.get().getArray(), 16);
        AtomicOutput.write(file, out -> ImageIO.write(img, "png", out));
        return true;
    }
}
