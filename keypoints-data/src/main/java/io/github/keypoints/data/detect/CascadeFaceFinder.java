package io.github.keypoints.data.detect;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.image.OpenCv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opencv.core.CvException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfRect;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.CascadeClassifier;

/**
 * Finds frontal faces with an OpenCV cascade classifier (Haar or LBP XML). The openpnp OpenCV jar
 * ships no cascades; Debian's {@code opencv-data} package installs them under {@link
 * #DEFAULT_CASCADE}'s folder.
 *
 * <p>An OpenCV {@code CascadeClassifier} keeps scratch buffers, so {@link #find(Mat)} is
 * synchronized: one finder may be shared between threads, which then take turns.
 *
 * <pre>{@code
 * CascadeFaceFinder finder = CascadeFaceFinder.builder().optMinSizePixels(40).build();
 * Optional<Box> face = finder.findLargest(photo);
 * }</pre>
 */
public final class CascadeFaceFinder {

    /** Where Debian's {@code opencv-data} installs the default frontal-face cascade. */
    public static final Path DEFAULT_CASCADE =
            Path.of("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml");

    private final Path cascade;
    private final CascadeClassifier classifier;
    private final double minSizeFraction;
    private final int minSizePixels;
    private final double scaleFactor;
    private final int minNeighbors;

    private CascadeFaceFinder(Builder b) {
        OpenCv.load();
        if (!Files.isRegularFile(b.cascade)) {
            throw new IllegalArgumentException(
                    "Face cascade file "
                            + b.cascade
                            + " does not exist; install Debian's opencv-data package (it puts"
                            + " cascades under /usr/share/opencv4/) or pass another cascade XML");
        }
        this.cascade = b.cascade;
        CascadeClassifier loaded;
        try {
            loaded = new CascadeClassifier(b.cascade.toString());
        } catch (CvException e) {
            throw new IllegalArgumentException(
                    "Face cascade file "
                            + b.cascade
                            + " is not a valid OpenCV cascade XML: "
                            + e.getMessage(),
                    e);
        }
        this.classifier = loaded;
        if (classifier.empty()) {
            throw new IllegalArgumentException(
                    "Face cascade file " + b.cascade + " is not a valid OpenCV cascade XML");
        }
        this.minSizeFraction = b.minSizeFraction;
        this.minSizePixels = b.minSizePixels;
        this.scaleFactor = b.scaleFactor;
        this.minNeighbors = b.minNeighbors;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the cascade file this finder loaded.
     *
     * @return the cascade XML
     */
    public Path cascade() {
        return cascade;
    }

    /**
     * Finds the faces in a photo.
     *
     * @param image an 8-bit BGR or gray photo; not modified
     * @return the face boxes, largest first
     */
    public List<Box> find(Mat image) {
        Mat gray = new Mat();
        MatOfRect found = new MatOfRect();
        try {
            if (image.channels() == 3) {
                Imgproc.cvtColor(image, gray, Imgproc.COLOR_BGR2GRAY);
            } else if (image.channels() == 4) {
                Imgproc.cvtColor(image, gray, Imgproc.COLOR_BGRA2GRAY);
            } else {
                image.copyTo(gray);
            }
            Imgproc.equalizeHist(gray, gray);
            int min =
                    Math.max(
                            minSizePixels,
                            (int)
                                    Math.round(
                                            Math.min(image.cols(), image.rows())
                                                    * minSizeFraction));
            synchronized (this) {
                classifier.detectMultiScale(
                        gray, found, scaleFactor, minNeighbors, 0, new Size(min, min), new Size());
            }
            List<Box> boxes = new ArrayList<>();
            for (Rect r : found.toArray()) {
                boxes.add(new Box(r.x, r.y, r.width, r.height));
            }
            boxes.sort((p, q) -> Double.compare(q.width() * q.height(), p.width() * p.height()));
            return boxes;
        } finally {
            gray.release();
            found.release();
        }
    }

    /**
     * Finds the largest face in a photo, the one a single-face detector landmarks.
     *
     * @param image an 8-bit BGR or gray photo; not modified
     * @return the largest face box, or empty if no face was found
     */
    public Optional<Box> findLargest(Mat image) {
        List<Box> boxes = find(image);
        return boxes.isEmpty() ? Optional.empty() : Optional.of(boxes.get(0));
    }

    @Override
    public String toString() {
        return "CascadeFaceFinder["
                + cascade
                + ", scaleFactor "
                + scaleFactor
                + ", minNeighbors "
                + minNeighbors
                + ", minSize max("
                + minSizePixels
                + " px, "
                + minSizeFraction
                + " of the shorter side)]";
    }

    /** Builds a {@link CascadeFaceFinder}. */
    public static final class Builder {
        private Path cascade = DEFAULT_CASCADE;
        private double minSizeFraction = 0.1;
        private int minSizePixels;
        private double scaleFactor = 1.1;
        private int minNeighbors = 5;

        private Builder() {}

        /**
         * Sets the cascade XML (default {@link #DEFAULT_CASCADE}).
         *
         * @param cascade the file
         * @return this builder
         */
        public Builder optCascade(Path cascade) {
            this.cascade = cascade;
            return this;
        }

        /**
         * Sets the smallest face, as a fraction of the photo's shorter side (default 0.1).
         *
         * @param fraction between 0 and 1
         * @return this builder
         */
        public Builder optMinSizeFraction(double fraction) {
            this.minSizeFraction = fraction;
            return this;
        }

        /**
         * Sets the smallest face side in pixels (default 0); the larger of this and the fraction of
         * the shorter side applies.
         *
         * @param pixels at least 0
         * @return this builder
         */
        public Builder optMinSizePixels(int pixels) {
            this.minSizePixels = pixels;
            return this;
        }

        /**
         * Sets how much the search window grows between scales (default 1.1; smaller is slower and
         * finds more sizes).
         *
         * @param scaleFactor greater than 1
         * @return this builder
         */
        public Builder optScaleFactor(double scaleFactor) {
            this.scaleFactor = scaleFactor;
            return this;
        }

        /**
         * Sets how many overlapping detections a face needs (default 5; more means fewer false
         * faces).
         *
         * @param minNeighbors at least 1
         * @return this builder
         */
        public Builder optMinNeighbors(int minNeighbors) {
            this.minNeighbors = minNeighbors;
            return this;
        }

        /**
         * Loads the cascade.
         *
         * @return the finder
         * @throws IllegalArgumentException if the cascade is missing or invalid, or a value is out
         *     of range
         */
        public CascadeFaceFinder build() {
            if (cascade == null) {
                throw new IllegalArgumentException("Missing cascade: call optCascade()");
            }
            if (!(minSizeFraction >= 0 && minSizeFraction < 1)) {
                throw new IllegalArgumentException(
                        "minSizeFraction must be in [0, 1), was " + minSizeFraction);
            }
            if (minSizePixels < 0) {
                throw new IllegalArgumentException(
                        "minSizePixels must not be negative, was " + minSizePixels);
            }
            if (!(scaleFactor > 1) || !Double.isFinite(scaleFactor)) {
                throw new IllegalArgumentException(
                        "scaleFactor must be greater than 1, was " + scaleFactor);
            }
            if (minNeighbors < 1) {
                throw new IllegalArgumentException(
                        "minNeighbors must be at least 1, was " + minNeighbors);
            }
            return new CascadeFaceFinder(this);
        }
    }
}
