package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.detect.CascadeFaceFinder;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class PhotoAnnotatorTest {

    @TempDir Path dir;

    /** A stand-in detector: maps a template shape (in unit box coordinates) into the face box. */
    static final LandmarkPredictor TEMPLATE =
            (image, box) -> {
                double[] unit = {0.3, 0.4, 0.7, 0.4, 0.5, 0.6, 0.35, 0.78, 0.65, 0.78, 0.5, 0.95};
                double[] xy = new double[unit.length];
                for (int i = 0; i < unit.length; i += 2) {
                    xy[i] = box.x() + unit[i] * box.width();
                    xy[i + 1] = box.y() + unit[i + 1] * box.height();
                }
                return Keypoints.of(MorphProperties.SCHEME, xy);
            };

    @Test
    void missingCascadeIsAClearError() {
        Path missing = dir.resolve("no-such-cascade.xml");
        assertThatThrownBy(() -> CascadeFaceFinder.builder().optCascade(missing).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void aClearlyLargestFaceIsUsedAndSimilarSizedOnesMakeThePhotoAmbiguous() throws Exception {
        OpenCv.load();
        Path photo = dir.resolve("grey.png");
        Mat grey = new Mat(120, 160, CvType.CV_8UC3, new Scalar(128, 128, 128));
        ImageFiles.write(grey, photo);
        grey.release();
        Box big = new Box(40, 20, 80, 90); // 7200 px²
        Box small = new Box(2, 2, 50, 60); // 3000 px²: under half, background
        Box similar = new Box(5, 5, 60, 70); // 4200 px²: over half, ambiguous
        PhotoAnnotator.Report clear =
                new PhotoAnnotator(image -> List.of(small, big), TEMPLATE).annotate(List.of(photo));
        assertThat(clear.rejected()).isEmpty();
        assertThat(clear.boxes()).containsExactly(big);
        assertThat(clear.faces().get(0).shape()).isEqualTo(TEMPLATE.predict(null, big));
        PhotoAnnotator.Report ambiguous =
                new PhotoAnnotator(image -> List.of(big, similar), TEMPLATE)
                        .annotate(List.of(photo));
        assertThat(ambiguous.faces()).isEmpty();
        assertThat(ambiguous.rejected())
                .extracting(PhotoAnnotator.Rejection::reason)
                .containsExactly(
                        "2 faces of similar size found (each at least half the largest's area),"
                                + " expected one");
    }

    @Test
    void aFaceOfExactlyHalfTheLargestAreaMakesThePhotoAmbiguous() throws Exception {
        // "At least half" includes exactly half: 60 x 60 = 3600 is half of 80 x 90 = 7200.
        OpenCv.load();
        Path photo = dir.resolve("half.png");
        Mat grey = new Mat(120, 160, CvType.CV_8UC3, new Scalar(128, 128, 128));
        ImageFiles.write(grey, photo);
        grey.release();
        Box big = new Box(40, 20, 80, 90);
        Box half = new Box(0, 0, 60, 60);
        Box justUnder = new Box(0, 0, 60, 59.9);
        PhotoAnnotator.Report ambiguous =
                new PhotoAnnotator(image -> List.of(half, big), TEMPLATE).annotate(List.of(photo));
        assertThat(ambiguous.faces()).isEmpty();
        assertThat(ambiguous.rejected()).hasSize(1);
        PhotoAnnotator.Report clear =
                new PhotoAnnotator(image -> List.of(justUnder, big), TEMPLATE)
                        .annotate(List.of(photo));
        assertThat(clear.boxes()).containsExactly(big);
    }

    @Test
    void realPhotosAreAnnotatedAndFacelessOnesReported() throws Exception {
        Path misc =
                Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"))
                        .resolve("faces_misc/face_recognition");
        Assumptions.assumeTrue(Files.isDirectory(misc), "shared photos not found at " + misc);
        OpenCv.load();
        Path blank = dir.resolve("blank.png");
        Mat grey = new Mat(200, 200, CvType.CV_8UC3, new Scalar(128, 128, 128));
        ImageFiles.write(grey, blank);
        grey.release();
        Path broken = dir.resolve("broken.jpg");
        Files.writeString(broken, "not a jpeg");
        List<Path> photos = new ArrayList<>();
        for (String n : List.of("obama.jpg", "biden.jpg", "obama2.jpg", "biden2.jpg")) {
            photos.add(misc.resolve(n));
        }
        photos.add(blank);
        photos.add(broken);

        PhotoAnnotator.Report report =
                new PhotoAnnotator(CascadeFaceFinder.builder().build(), TEMPLATE).annotate(photos);

        assertThat(report.rejected())
                .extracting(PhotoAnnotator.Rejection::photo)
                .contains(blank, broken);
        assertThat(report.rejected())
                .filteredOn(r -> r.photo().equals(blank))
                .extracting(PhotoAnnotator.Rejection::reason)
                .containsExactly("no face found");
        // The four portraits each have one face, and the bundled cascade finds every one.
        assertThat(report.faces()).hasSize(4);
        assertThat(report.faces().size() + report.rejected().size()).isEqualTo(photos.size());
        for (int i = 0; i < report.faces().size(); i++) {
            Box b = report.boxes().get(i);
            Keypoints k = report.faces().get(i).shape();
            assertThat(b.width()).isGreaterThan(40);
            assertThat(b.contains(k.x(0), k.y(0))).isTrue();
        }
        // The automatic faces morph like annotated ones.
        List<Face> faces = report.faces();
        MorphChain chain = MorphChain.of(faces, FaceFrame.fitting(faces, 120, 150));
        List<ImageBuffer> seq = chain.sequence(0, 1, 3);
        assertThat(seq).hasSize(3);
        assertThat(seq.get(1).width()).isEqualTo(120);
    }
}
