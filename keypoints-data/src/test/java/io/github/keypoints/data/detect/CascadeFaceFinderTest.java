package io.github.keypoints.data.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class CascadeFaceFinderTest {

    @TempDir Path dir;

    @Test
    void missingCascadeNamesTheFile() {
        Path missing = dir.resolve("nope.xml");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optCascade(missing).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void theBundledCascadeLoadsFromTheJarWithNoFileOnDisk() {
        OpenCv.load();
        CascadeFaceFinder finder = CascadeFaceFinder.builder().build();
        assertThat(finder.cascade()).contains("bundled lbpcascade_frontalface_improved.xml");
        assertThat(finder.calibration()).isEqualTo(CascadeFaceFinder.DEFAULT_CALIBRATION);
        Mat blank = new Mat(300, 400, CvType.CV_8UC3, new Scalar(90, 120, 150));
        try {
            assertThat(finder.find(blank)).isEmpty();
        } finally {
            blank.release();
        }
    }

    @Test
    void aCascadeFileIsUncalibratedUnlessToldOtherwise() throws Exception {
        Path copy = dir.resolve("cascade.xml");
        try (var in =
                CascadeFaceFinder.class.getResourceAsStream(CascadeFaceFinder.DEFAULT_CASCADE)) {
            Files.copy(in, copy);
        }
        assertThat(CascadeFaceFinder.builder().optCascade(copy).build().calibration())
                .isEqualTo(BoxCalibration.IDENTITY);
        BoxCalibration mine = new BoxCalibration(1.1, 1.2, 0, 0.1);
        assertThat(
                        CascadeFaceFinder.builder()
                                .optCascade(copy)
                                .optCalibration(mine)
                                .build()
                                .calibration())
                .isEqualTo(mine);
    }

    @Test
    void invalidCascadeIsRejected() throws Exception {
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, "<opencv_storage></opencv_storage>");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optCascade(bad).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.toString());
    }

    @Test
    void outOfRangeOptionsAreNamed() {
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optScaleFactor(1.0).build())
                .hasMessageContaining("scaleFactor");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optMinSizePixels(-1).build())
                .hasMessageContaining("minSizePixels");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optMinNeighbors(0).build())
                .hasMessageContaining("minNeighbors");
    }

    @Test
    void findsTheLargestFaceInARealPhotoAndNoneInABlankOne() {
        Path photo =
                Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"))
                        .resolve("faces_misc/face_recognition/obama.jpg");
        Assumptions.assumeTrue(Files.isRegularFile(photo), "shared photo not found at " + photo);
        OpenCv.load();
        CascadeFaceFinder finder = CascadeFaceFinder.builder().build();
        Mat image = ImageFiles.read(photo, false);
        Mat blank = new Mat(200, 200, CvType.CV_8UC3, new Scalar(128, 128, 128));
        try {
            List<Box> raw = finder.detect(image);
            List<Box> all = finder.find(image);
            assertThat(all).hasSameSizeAs(raw);
            for (int i = 0; i < raw.size(); i++) {
                assertThat(all.get(i)).isEqualTo(finder.calibration().apply(raw.get(i)));
            }
            Optional<Box> largest = finder.findLargest(image);
            assertThat(largest).isPresent();
            assertThat(all.get(0)).isEqualTo(largest.get());
            for (Box b : all) {
                assertThat(b.width() * b.height())
                        .isLessThanOrEqualTo(largest.get().width() * largest.get().height());
            }
            // The face of a portrait is a sizeable part of it, and inside it.
            assertThat(largest.get().width()).isGreaterThan(image.cols() / 8.0);
            assertThat(largest.get().right()).isLessThanOrEqualTo(image.cols());
            assertThat(finder.findLargest(blank)).isEmpty();
            // A minimum size larger than the photo finds nothing.
            CascadeFaceFinder strict =
                    CascadeFaceFinder.builder().optMinSizePixels(image.cols() + 1).build();
            assertThat(strict.find(image)).isEmpty();
        } finally {
            image.release();
            blank.release();
        }
    }
}
