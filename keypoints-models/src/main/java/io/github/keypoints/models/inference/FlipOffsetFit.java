package io.github.keypoints.models.inference;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.models.ModelSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.opencv.core.Mat;

/**
 * The flip-averaging offset of a model ({@link ModelSpec#flipOffsetX()}), fitted on annotated faces
 * the model did not train on: the offset that makes the mean horizontal error of its flip-averaged
 * predictions zero, in input pixels.
 *
 * <p>Each face is predicted from its box ({@link FaceSample#faceBox(double)}: the annotated box,
 * else the tight box of its points) as {@code evaluate} does, and its points and the prediction are
 * both mapped into the network input by the model's own crop, where the error is measured. Every
 * face counts once, whatever its size in the photo.
 * <!-- snippet-context: Path dir; List<FaceSample> heldOutFaces; -->
 *
 * <pre>{@code
 * try (KeypointDetector d = KeypointDetector.builder().setModel(dir).optFlipAverage(true).build()) {
 *     FlipOffsetFit fit = FlipOffsetFit.fit(d, heldOutFaces);
 *     KeypointModel.writeSpec(dir, d.spec().withFlipOffsetX(fit.offsetX()));
 * }
 * }</pre>
 *
 * @param offsetX the fitted offset in input pixels, the value {@link ModelSpec#flipOffsetX()}
 *     should hold
 * @param residualX the mean horizontal error (prediction − annotation) of the flip-averaged
 *     predictions with the model's current offset, in input pixels
 * @param faces the number of faces measured
 */
public record FlipOffsetFit(double offsetX, double residualX, int faces) {

    /**
     * Validates the values.
     *
     * @param offsetX the fitted offset in input pixels
     * @param residualX the mean horizontal error with the current offset, in input pixels
     * @param faces the number of faces measured, at least one
     */
    public FlipOffsetFit {
        if (faces < 1 || !Double.isFinite(offsetX) || !Double.isFinite(residualX)) {
            throw new IllegalArgumentException(
                    "a fit needs finite values and at least one face, got offset "
                            + offsetX
                            + ", residual "
                            + residualX
                            + ", faces "
                            + faces);
        }
    }

    /**
     * Measures a detector's flip-averaged predictions on annotated faces and returns the offset
     * that cancels their mean horizontal error.
     *
     * @param detector a detector with flip averaging on
     * @param faces annotated faces the model did not train on (its held-out faces, say)
     * @return the fit
     * @throws IllegalArgumentException if flip averaging is off, there are no faces, or a face's
     *     points do not fit the model's scheme (naming the face)
     * @throws java.io.UncheckedIOException naming the image file if one cannot be read
     */
    public static FlipOffsetFit fit(KeypointDetector detector, List<FaceSample> faces) {
        Objects.requireNonNull(detector, "detector");
        if (!detector.flipAveraging()) {
            throw new IllegalArgumentException(
                    "the flip offset is fitted on flip-averaged predictions: build the detector"
                            + " with optFlipAverage(true)");
        }
        if (faces.isEmpty()) {
            throw new IllegalArgumentException("no faces to fit the flip offset on");
        }
        ModelSpec spec = detector.spec();
        double sum = 0;
        for (FaceSample face : faces) {
            if (face.keypoints().size() != spec.landmarkScheme().size()) {
                throw new IllegalArgumentException(
                        "face "
                                + face.id()
                                + " has "
                                + face.keypoints().size()
                                + " points, the model's scheme "
                                + spec.scheme()
                                + " has "
                                + spec.landmarkScheme().size());
            }
            Mat image = ImageFiles.read(face.image(), detector.preprocessor().grayscale());
            try {
                Box box = detector.usesWholeImage() ? null : face.faceBox(1.0);
                Keypoints predicted = detector.detect(image, Optional.ofNullable(box)).keypoints();
                Affine toInput = detector.pipeline().toInput(box, image);
                Keypoints p = predicted.transform(toInput);
                Keypoints t = face.keypoints().transform(toInput);
                double dx = 0;
                for (int i = 0; i < p.size(); i++) {
                    dx += p.x(i) - t.x(i);
                }
                sum += dx / p.size();
            } finally {
                image.release();
            }
        }
        double residual = sum / faces.size();
        return new FlipOffsetFit(spec.flipOffsetX() - residual, residual, faces.size());
    }
}
