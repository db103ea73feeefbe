package io.github.keypoints.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.models.KeypointModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;

/**
 * The flip offset: the detector adds it to flip-averaged points only, and the fit finds the offset
 * that zeroes the mean horizontal error, following the annotations pixel for pixel.
 */
class FlipOffsetFitTest {

    private static final CropPolicy FACE_CROP = new CropPolicy(CropPolicy.Kind.FACE_BOX, 1.2, true);

    @TempDir Path tmp;

    /** Faces with a given box (so moving their points does not move the crop). */
    private List<FaceSample> faces(double shiftX) {
        SplittableRandom r = new SplittableRandom(3);
        List<FaceSample> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Mat photo = TinyModels.photo(160 + 10 * i, 130, 20 + i);
            Path file = TinyModels.png(photo, tmp.resolve("f" + i + ".png"));
            photo.release();
            Box box = new Box(40 + 5 * i, 30, 60 + 4 * i, 66);
            double[] xy = new double[2 * LandmarkScheme.IMM_58.size()];
            for (int k = 0; k < xy.length; k += 2) {
                xy[k] = box.x() + r.nextDouble() * box.width() + shiftX;
                xy[k + 1] = box.y() + r.nextDouble() * box.height();
            }
            out.add(
                    new FaceSample(
                            "f" + i,
                            file,
                            Keypoints.of(LandmarkScheme.IMM_58, xy),
                            Optional.of(box)));
        }
        return out;
    }

    private static KeypointDetector detector(Path dir, boolean flip) throws Exception {
        return KeypointDetector.builder().setModel(dir).optFlipAverage(flip).build();
    }

    @Test
    void theOffsetMovesFlipAveragedPointsByThatManyInputPixelsAndPlainOnesNot() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(180, 140, 5);
        Box box = new Box(50, 30, 70, 80);
        Keypoints plain0;
        Keypoints flip0;
        double inputPerPixel;
        try (KeypointDetector plain = detector(dir, false);
                KeypointDetector flip = detector(dir, true)) {
            plain0 = plain.predict(photo, box);
            flip0 = flip.predict(photo, box);
            inputPerPixel = flip.pipeline().toInput(box, photo).a();
        }
        KeypointModel.writeSpec(dir, KeypointModel.readSpec(dir).withFlipOffsetX(0.75));
        try (KeypointDetector plain = detector(dir, false);
                KeypointDetector flip = detector(dir, true)) {
            Keypoints plain1 = plain.predict(photo, box);
            Keypoints flip1 = flip.predict(photo, box);
            assertThat(plain1.maxDistance(plain0)).isLessThan(1e-4);
            Keypoints expected = flip0.transform(Affine.translation(0.75 / inputPerPixel, 0));
            assertThat(flip1.maxDistance(expected)).isLessThan(1e-3);
            assertThat(flip1.maxDistance(flip0)).isGreaterThan(0.5);
            assertThat(flip.pipeline().toString()).contains("offset 0.75 input px");
        } finally {
            photo.release();
        }
    }

    @Test
    void theFitZeroesTheMeanHorizontalErrorAndFollowsTheAnnotations() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        List<FaceSample> faces = faces(0);
        FlipOffsetFit first;
        try (KeypointDetector flip = detector(dir, true)) {
            first = FlipOffsetFit.fit(flip, faces);
        }
        assertThat(first.faces()).isEqualTo(3);
        assertThat(Math.abs(first.residualX())).isGreaterThan(1e-3);
        assertThat(first.offsetX()).isCloseTo(-first.residualX(), within(1e-12));
        KeypointModel.writeSpec(dir, KeypointModel.readSpec(dir).withFlipOffsetX(first.offsetX()));
        try (KeypointDetector flip = detector(dir, true)) {
            // With the fitted offset the mean error is zero and a refit keeps the offset.
            FlipOffsetFit again = FlipOffsetFit.fit(flip, faces);
            assertThat(again.residualX()).isCloseTo(0, within(1e-4));
            assertThat(again.offsetX()).isCloseTo(first.offsetX(), within(1e-4));
            // Annotations two original pixels further right ask for two pixels more, in input
            // pixels of each face's crop (the boxes, hence the crops, stay where they were).
            FlipOffsetFit shifted = FlipOffsetFit.fit(flip, faces(2));
            double expected = 0;
            for (FaceSample f : faces) {
                Box region = FACE_CROP.region(f.faceBox(1.0), 0, 0, 32.0 / 24);
                expected += 2 * flip.preprocessor().toInput(region).a() / faces.size();
            }
            assertThat(shifted.offsetX() - again.offsetX()).isCloseTo(expected, within(1e-4));
        }
    }

    @Test
    void theFitNeedsFlipAveragingAndFaces() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        try (KeypointDetector plain = detector(dir, false);
                KeypointDetector flip = detector(dir, true)) {
            assertThatThrownBy(() -> FlipOffsetFit.fit(plain, faces(0)))
                    .hasMessageContaining("optFlipAverage(true)");
            assertThatThrownBy(() -> FlipOffsetFit.fit(flip, List.of()))
                    .hasMessageContaining("no faces");
        }
    }
}
