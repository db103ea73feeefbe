package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SideBySide#labelled}: the layout follows from its definition (images scaled to the first
 * one's height, placed left to right under a white label band of max(24, h / 12) rows), flat images
 * stay flat when resized, and each label is dark ink centred over its own image.
 */
class SideBySideTest {

    static ImageBuffer flat(int w, int h, int... value) {
        byte[] d = new byte[w * h * value.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) value[i % value.length];
        }
        return new ImageBuffer(w, h, value.length, d);
    }

    /** Checks one case; returns nothing, fails on the first wrong pixel. */
    private static void check(int h, List<ImageBuffer> images, int[][] colours) {
        List<String> labels = images.stream().map(i -> "H").toList();
        ImageBuffer out = SideBySide.labelled(labels, images);
        int band = Math.max(24, h / 12);
        int[] widths = new int[images.size()];
        int total = 0;
        for (int i = 0; i < images.size(); i++) {
            ImageBuffer im = images.get(i);
            widths[i] = (int) Math.round((double) im.width() * h / im.height());
            total += widths[i];
        }
        assertThat(out.channels()).isEqualTo(3);
        assertThat(out.height()).isEqualTo(h + band);
        assertThat(out.width()).isEqualTo(total);
        int x0 = 0;
        for (int i = 0; i < images.size(); i++) {
            // Below the band: the image, flat colour, grey turned into equal BGR channels.
            for (int y = band; y < band + h; y++) {
                for (int x = x0; x < x0 + widths[i]; x++) {
                    for (int c = 0; c < 3; c++) {
                        assertThat(out.get(x, y, c))
                                .as("image %d at %d,%d channel %d", i, x, y, c)
                                .isEqualTo(colours[i][colours[i].length == 1 ? 0 : c]);
                    }
                }
            }
            // In the band: white paper with dark ink, the ink centred over this image's column.
            int inkMinX = Integer.MAX_VALUE,
                    inkMaxX = -1,
                    inkMinY = Integer.MAX_VALUE,
                    inkMaxY = -1;
            for (int y = 0; y < band; y++) {
                for (int x = x0; x < x0 + widths[i]; x++) {
                    int v = out.get(x, y, 0) + out.get(x, y, 1) + out.get(x, y, 2);
                    if (v < 3 * 128) {
                        inkMinX = Math.min(inkMinX, x);
                        inkMaxX = Math.max(inkMaxX, x);
                        inkMinY = Math.min(inkMinY, y);
                        inkMaxY = Math.max(inkMaxY, y);
                    }
                }
            }
            assertThat(inkMaxX).as("label %d has ink", i).isGreaterThanOrEqualTo(0);
            double centreX = (inkMinX + inkMaxX) / 2.0 - x0;
            double centreY = (inkMinY + inkMaxY) / 2.0;
            assertThat(centreX)
                    .as("label %d centred across", i)
                    .isCloseTo(widths[i] / 2.0, org.assertj.core.data.Offset.offset(3.0));
            assertThat(centreY)
                    .as("label %d centred down", i)
                    .isCloseTo(band / 2.0, org.assertj.core.data.Offset.offset(3.0));
            // Glyphs scale with the band: "H" at band/40 of the font's 40-pixel design size.
            assertThat(inkMaxY - inkMinY + 1)
                    .as("label %d glyph height", i)
                    .isBetween(band / 4, band);
            // The band's corners stay white paper.
            for (int c = 0; c < 3; c++) {
                assertThat(out.get(x0, 0, c)).isEqualTo(255);
                assertThat(out.get(x0 + widths[i] - 1, band - 1, c)).isEqualTo(255);
            }
            x0 += widths[i];
        }
    }

    @Test
    void imagesAreScaledToTheFirstHeightAndLaidOutUnderTheirLabels() {
        // Small height: the band is the 24-row minimum; a grey image joins colour ones.
        check(
                60,
                List.of(flat(80, 60, 10, 200, 30), flat(20, 30, 90), flat(60, 120, 250, 5, 60)),
                new int[][] {{10, 200, 30}, {90}, {250, 5, 60}});
    }

    @Test
    void aTallFirstImageWidensTheLabelBand() {
        // 360 rows: the band is 360 / 12 = 30 rows; 33 x 100 scales to 118.8 -> 119 columns.
        check(
                360,
                List.of(flat(70, 360, 0, 0, 160), flat(33, 100, 40, 120, 200)),
                new int[][] {{0, 0, 160}, {40, 120, 200}});
    }

    @Test
    void labelsAndImagesMustPairUp() {
        ImageBuffer img = flat(4, 4, 1);
        assertThatThrownBy(() -> SideBySide.labelled(List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 labels for 0 images");
        assertThatThrownBy(() -> SideBySide.labelled(List.of("a", "b"), List.of(img)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 labels for 1 images");
    }
}
