package io.github.keypoints.data.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Where the cascade's boxes land under colour conversion, downscaling and minimum sizes, judged
 * against the boxes found in the untouched photo. Needs the shared portrait; skipped without it.
 */
class CascadeFaceFinderGeometryTest {

    private static CascadeFaceFinder finder;

    @BeforeAll
    static void load() {
        OpenCv.load();
        finder = CascadeFaceFinder.builder().build();
    }

    private static Mat portrait() {
        Path photo =
                Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"))
                        .resolve("faces_misc/face_recognition/obama.jpg");
        Assumptions.assumeTrue(Files.isRegularFile(photo), "shared photo not found at " + photo);
        return ImageFiles.read(photo, false);
    }

    private static Box largest(List<Box> boxes) {
        assertThat(boxes).isNotEmpty();
        return boxes.get(0);
    }

    @Test
    void grayAndBgraCopiesGiveTheSameBoxesAsTheBgrPhoto() {
        Mat bgr = portrait();
        Mat gray = new Mat();
        Mat bgra = new Mat();
        try {
            Imgproc.cvtColor(bgr, gray, Imgproc.COLOR_BGR2GRAY);
            Imgproc.cvtColor(bgr, bgra, Imgproc.COLOR_BGR2BGRA);
            List<Box> want = finder.detect(bgr);
            assertThat(want).isNotEmpty();
            assertThat(finder.detect(gray)).isEqualTo(want);
            assertThat(finder.detect(bgra)).isEqualTo(want);
        } finally {
            bgr.release();
            gray.release();
            bgra.release();
        }
    }

    @Test
    void searchingADownscaledCopyReportsBoxesInThePhotosPixels() {
        Mat photo = portrait();
        try {
            int longSide = Math.max(photo.cols(), photo.rows());
            Box full =
                    largest(CascadeFaceFinder.builder().optMaxSide(longSide).build().detect(photo));
            CascadeFaceFinder small = CascadeFaceFinder.builder().optMaxSide(longSide / 3).build();
            Box reduced = largest(small.detect(photo));
            // A third of the resolution moves the box by a few pixels at most, not by a factor.
            assertThat(reduced.iou(full)).isGreaterThan(0.6);
            // A minimum size in photo pixels is scaled with the search: 80 % of the face's width
            // still lets the reduced search find it.
            CascadeFaceFinder sized =
                    CascadeFaceFinder.builder()
                            .optMaxSide(longSide / 3)
                            .optMinSizePixels((int) (0.8 * full.width()))
                            .build();
            assertThat(largest(sized.detect(photo)).iou(full)).isGreaterThan(0.6);
        } finally {
            photo.release();
        }
    }

    @Test
    void twoFacesComeLargestFirst() {
        Mat photo = portrait();
        int w = photo.cols();
        int h = photo.rows();
        // The half-size copy first (top left), the full-size one after it.
        Mat canvas = new Mat(h, w + w / 2, CvType.CV_8UC3, new Scalar(128, 128, 128));
        Mat half = new Mat();
        try {
            Imgproc.resize(photo, half, new Size(w / 2, h / 2), 0, 0, Imgproc.INTER_AREA);
            Mat left = canvas.submat(new Rect(0, 0, w / 2, h / 2));
            half.copyTo(left);
            left.release();
            Mat right = canvas.submat(new Rect(w / 2, 0, w, h));
            photo.copyTo(right);
            right.release();
            List<Box> boxes =
                    CascadeFaceFinder.builder().optMaxSide(w + w / 2).build().detect(canvas);
            assertThat(boxes).hasSizeGreaterThanOrEqualTo(2);
            for (int i = 1; i < boxes.size(); i++) {
                assertThat(boxes.get(i).width() * boxes.get(i).height())
                        .isLessThanOrEqualTo(boxes.get(i - 1).width() * boxes.get(i - 1).height());
            }
            assertThat(boxes.get(0).x()).isGreaterThan(w / 2.0 - 1);
        } finally {
            photo.release();
            canvas.release();
            half.release();
        }
    }

    @Test
    void aFadedPhotoIsEqualisedBeforeTheSearch() {
        Mat photo = portrait();
        Mat faded = new Mat();
        try {
            // A quarter of the contrast around mid gray.
            photo.convertTo(faded, -1, 0.25, 96);
            Box full = largest(finder.detect(photo));
            assertThat(largest(finder.detect(faded)).iou(full)).isGreaterThan(0.6);
            Core.MinMaxLocResult r = Core.minMaxLoc(faded.reshape(1));
            assertThat(r.maxVal - r.minVal).isLessThanOrEqualTo(64);
        } finally {
            photo.release();
            faded.release();
        }
    }

    @Test
    void eachOptionAcceptsItsBoundaryAndRejectsJustBeyond() {
        CascadeFaceFinder ok =
                CascadeFaceFinder.builder()
                        .optMinSizeFraction(0)
                        .optMinSizePixels(0)
                        .optScaleFactor(1.01)
                        .optMinNeighbors(1)
                        .optMaxSide(32)
                        .build();
        assertThat(ok.toString())
                .contains("scaleFactor 1.01")
                .contains("minNeighbors 1")
                .contains("minSize max(0 px, 0.0 of the shorter side)")
                .contains("searched at most 32 px");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optMinSizeFraction(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minSizeFraction must be in [0, 1), was 1.0");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optMinSizeFraction(-0.01).build())
                .hasMessage("minSizeFraction must be in [0, 1), was -0.01");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optMinSizePixels(-1).build())
                .hasMessage("minSizePixels must not be negative, was -1");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optScaleFactor(1).build())
                .hasMessage("scaleFactor must be greater than 1, was 1.0");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optMinNeighbors(0).build())
                .hasMessage("minNeighbors must be at least 1, was 0");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optMaxSide(31).build())
                .hasMessage("maxSide must be at least 32, was 31");
    }
}
