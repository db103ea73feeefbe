package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilterGridTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static boolean grey(int rgb) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        return r == g && g == b;
    }

    /** The gap is not a documented number: read it as the offset of the first (grey) tile. */
    private static int gapOf(BufferedImage img) {
        int gap = 0;
        while (!grey(img.getRGB(gap, gap))) {
            gap++;
        }
        return gap;
    }

    @Test
    void eachFilterIsItsChannelMeanStretchedToGreyLevels0To255InARowMajorGrid() {
        int n = 5;
        int c = 2;
        int kh = 2;
        int kw = 3;
        int cell = 3;
        float[] w = new float[n * c * kh * kw];
        Random rnd = new Random(7);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        // filter 3 is constant over its window (same value in every weight of a channel)
        for (int ch = 0; ch < c; ch++) {
            for (int k = 0; k < kh * kw; k++) {
                w[(3 * c + ch) * kh * kw + k] = ch == 0 ? 0.4f : -0.1f;
            }
        }
        NDArray weight = manager.create(w, new Shape(n, c, kh, kw));
        BufferedImage img = FilterGrid.render(weight, cell);

        // 5 filters: ceil(sqrt(5)) = 3 per row, so 2 rows, the last slot empty.
        int gap = gapOf(img);
        assertThat(gap).isPositive();
        int cols = 3;
        int rows = 2;
        assertThat(img.getWidth()).isEqualTo(cols * (kw * cell + gap) + gap);
        assertThat(img.getHeight()).isEqualTo(rows * (kh * cell + gap) + gap);

        boolean[][] inTile = new boolean[img.getWidth()][img.getHeight()];
        for (int f = 0; f < n; f++) {
            double[] mean = new double[kh * kw];
            for (int ch = 0; ch < c; ch++) {
                for (int k = 0; k < kh * kw; k++) {
                    mean[k] += w[(f * c + ch) * kh * kw + k] / (double) c;
                }
            }
            double lo = java.util.Arrays.stream(mean).min().orElseThrow();
            double hi = java.util.Arrays.stream(mean).max().orElseThrow();
            int ox = gap + (f % cols) * (kw * cell + gap);
            int oy = gap + (f / cols) * (kh * cell + gap);
            Integer first = null;
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    for (int dy = 0; dy < cell; dy++) {
                        for (int dx = 0; dx < cell; dx++) {
                            int px = ox + x * cell + dx;
                            int py = oy + y * cell + dy;
                            inTile[px][py] = true;
                            int rgb = img.getRGB(px, py);
                            assertThat(grey(rgb)).as("filter %d (%d,%d) grey", f, x, y).isTrue();
                            int level = rgb & 0xff;
                            if (f == 3) {
                                // a flat filter has no contrast to stretch: one uniform level
                                if (first == null) {
                                    first = level;
                                }
                                assertThat(level).isEqualTo(first);
                            } else {
                                double expected = (mean[y * kw + x] - lo) / (hi - lo) * 255;
                                assertThat((double) level)
                                        .as("filter %d weight (%d,%d)", f, x, y)
                                        .isCloseTo(
                                                expected,
                                                org.assertj.core.data.Offset.offset(0.51));
                            }
                        }
                    }
                }
            }
            if (f != 3) {
                // stretched to its own range: both ends of the grey scale are used
                assertThat(levels(img, ox, oy, kw * cell, kh * cell)).contains(0, 255);
            }
        }
        // Everything outside the tiles (gaps, border, the empty sixth slot) is one non-grey
        // background colour, so that tiles stand apart from it.
        int background = img.getRGB(0, 0);
        assertThat(grey(background)).isFalse();
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                if (!inTile[x][y]) {
                    assertThat(img.getRGB(x, y)).as("(%d,%d)", x, y).isEqualTo(background);
                }
            }
        }
    }

    private static java.util.Set<Integer> levels(BufferedImage img, int ox, int oy, int w, int h) {
        java.util.Set<Integer> s = new java.util.HashSet<>();
        for (int x = ox; x < ox + w; x++) {
            for (int y = oy; y < oy + h; y++) {
                s.add(img.getRGB(x, y) & 0xff);
            }
        }
        return s;
    }

    @Test
    void writeDrawsTheFirstConvolutionAsPngAndReportsIt(@TempDir Path dir) throws Exception {
        Block block = TinyNets.convNet(2);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8));
        Path file = dir.resolve("filters.png");
        assertThat(FilterGrid.write(block, file)).isTrue();
        BufferedImage png = ImageIO.read(file.toFile());
        // 4 filters of 3 x 3 at 16 px per weight: 2 per row, 2 rows.
        int gap = gapOf(png);
        assertThat(png.getWidth()).isEqualTo(2 * (3 * 16 + gap) + gap);
        assertThat(png.getHeight()).isEqualTo(2 * (3 * 16 + gap) + gap);
        NDArray weight = FilterGrid.firstConvolution(block).orElseThrow().getArray();
        assertThat(weight.getShape().getShape()).containsExactly(4, 1, 3, 3);
        BufferedImage expected = FilterGrid.render(weight, 16);
        for (int x = 0; x < png.getWidth(); x++) {
            for (int y = 0; y < png.getHeight(); y++) {
                assertThat(png.getRGB(x, y)).isEqualTo(expected.getRGB(x, y));
            }
        }
    }

    @Test
    void writeDeclinesABlockWithoutConvolutionAndWritesNothing(@TempDir Path dir) throws Exception {
        Block block = Linear.builder().setUnits(3).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 4));
        Path file = dir.resolve("filters.png");
        assertThat(FilterGrid.write(block, file)).isFalse();
        assertThat(Files.exists(file)).isFalse();
    }
}
