package io.github.keypoints.morph;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.detect.FaceFinder;
import io.github.keypoints.data.image.ImageFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.opencv.core.Mat;

/**
 * The automatic mode's first step: finds the face in each unannotated photo and predicts its
 * keypoints, so the photos can be morphed or averaged like annotated ones. The face is the largest
 * one found when every other is less than half its area (a portrait's subject, with a small face or
 * a false detection in the background); a photo with no face, with several faces of similar size,
 * or that cannot be read is reported with the reason, never silently used.
 * <!-- snippet-context: KeypointDetector detector; List<Path> photos; -->
 *
 * <pre>{@code
 * PhotoAnnotator annotator =
 *         new PhotoAnnotator(CascadeFaceFinder.builder().build(), detector::predict);
 * PhotoAnnotator.Report report = annotator.annotate(photos);
 * report.rejected().forEach(r -> System.err.println(r.photo() + ": " + r.reason()));
 * MorphChain chain = MorphChain.of(report.faces(), FaceFrame.fitting(report.faces(), 640, 480));
 * }</pre>
 */
public final class PhotoAnnotator {

    /** Another face at least this fraction of the largest one's area makes a photo ambiguous. */
    static final double DOMINANCE = 0.5;

    private final FaceFinder finder;
    private final LandmarkPredictor predictor;

    /**
     * Creates an annotator.
     *
     * @param finder finds face boxes
     * @param predictor predicts keypoints inside a box
     */
    public PhotoAnnotator(FaceFinder finder, LandmarkPredictor predictor) {
        this.finder = Objects.requireNonNull(finder, "finder");
        this.predictor = Objects.requireNonNull(predictor, "predictor");
    }

    /**
     * A photo that was not used.
     *
     * @param photo the file
     * @param reason why, for example "no face found" or "3 faces of similar size found"
     */
    public record Rejection(Path photo, String reason) {}

    /**
     * The outcome for a list of photos.
     *
     * @param faces the usable faces, in input order, with their predicted keypoints
     * @param boxes the face box of each usable face
     * @param rejected the photos that were not used, with reasons
     */
    public record Report(List<Face> faces, List<Box> boxes, List<Rejection> rejected) {

        /**
         * Copies the lists.
         *
         * @param faces the usable faces, in input order, with their predicted keypoints
         * @param boxes the face box of each usable face
         * @param rejected the photos that were not used, with reasons
         */
        public Report {
            faces = List.copyOf(faces);
            boxes = List.copyOf(boxes);
            rejected = List.copyOf(rejected);
        }
    }

    /**
     * Annotates every photo.
     *
     * @param photos image files
     * @return the usable faces and the rejected photos
     */
    public Report annotate(List<Path> photos) {
        List<Face> faces = new ArrayList<>();
        List<Box> boxes = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        for (Path photo : photos) {
            Mat image;
            try {
                image = ImageFiles.read(photo, false);
            } catch (RuntimeException e) {
                rejected.add(new Rejection(photo, "unreadable: " + e.getMessage()));
                continue;
            }
            try {
                List<Box> found = finder.find(image);
                if (found.isEmpty()) {
                    rejected.add(new Rejection(photo, "no face found"));
                    continue;
                }
                Box face = found.get(0);
                for (Box b : found) {
                    if (area(b) > area(face)) {
                        face = b;
                    }
                }
                int similar = 0;
                for (Box b : found) {
                    if (area(b) >= DOMINANCE * area(face)) {
                        similar++;
                    }
                }
                if (similar > 1) {
                    rejected.add(
                            new Rejection(
                                    photo,
                                    similar
                                            + " faces of similar size found (each at least half"
                                            + " the largest's area), expected one"));
                    continue;
                }
                Keypoints k = predictor.predict(image, face);
                faces.add(new Face(photo.getFileName().toString(), ImageBuffer.fromMat(image), k));
                boxes.add(face);
            } finally {
                image.release();
            }
        }
        return new Report(faces, boxes, rejected);
    }

    private static double area(Box b) {
        return b.width() * b.height();
    }
}
