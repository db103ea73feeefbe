package io.github.keypoints.data.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Affine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

class ImageGalleryTest {

    @TempDir Path dir;

    @BeforeAll
    static void load() {
        OpenCv.load();
    }

    @Test
    void tilesImagesInRowsAndWritesOnePng() throws IOException {
        Path out = dir.resolve("g/gallery.png");
        try (ImageGallery g = ImageGallery.builder().setTileSize(40, 30).optColumns(2).build()) {
            for (int i = 0; i < 3; i++) {
                Mat m = new Mat(300, 400, CvType.CV_8UC3, new Scalar(0, 0, 200));
                g.add(m, "s" + i);
                m.release();
            }
            g.write(out);
            assertThat(g.size()).isEqualTo(3);
        }
        Mat back = ImageFiles.read(out, false);
        try {
            assertThat(back.cols()).isEqualTo(80);
            assertThat(back.rows()).isEqualTo(60);
        } finally {
            back.release();
        }
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertThat(s).containsExactly(out); // no temporary file left behind
        }
    }

    @Test
    void tileTransformPutsSourcePointsOnTheirPixels() {
        // x' = (x + 0.5) * 0.2 - 0.5 + offset, the pixel-centre mapping of a 5x downscale. A bright
        // dot in a 1000x500 source must land where fromSource says, in a letterboxed tile.
        Mat src = new Mat(500, 1000, CvType.CV_8UC1, new Scalar(0));
        Imgproc.circle(src, new Point(700, 150), 12, new Scalar(255), -1);
        try (ImageGallery g = ImageGallery.builder().setTileSize(200, 200).build()) {
            ImageGallery.Tile t = g.add(src, "");
            Affine a = t.fromSource();
            double x = a.applyX(700, 150);
            double y = a.applyY(700, 150);
            assertThat(x).isCloseTo(139.6, org.assertj.core.data.Offset.offset(0.2));
            assertThat(y).isCloseTo(79.6, org.assertj.core.data.Offset.offset(0.2));
            byte[] px = new byte[3];
            t.image().get((int) Math.round(y), (int) Math.round(x), px);
            assertThat(px[0] & 0xFF).isGreaterThan(200);
            t.image().get(20, 100, px); // letterbox band above the image
            assertThat(px[0] & 0xFF).isEqualTo(40);
        } finally {
            src.release();
        }
    }

    @Test
    void emptyGalleryAndMissingTileSizeAreErrors() {
        assertThatThrownBy(() -> ImageGallery.builder().build())
                .hasMessageContaining("setTileSize");
        try (ImageGallery g = ImageGallery.builder().setTileSize(4, 4).build()) {
            assertThatThrownBy(() -> g.write(dir.resolve("x.png")))
                    .hasMessageContaining("no images");
        }
    }
}
