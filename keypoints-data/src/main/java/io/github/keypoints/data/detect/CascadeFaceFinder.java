package io.github.keypoints.data.detect;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.image.OpenCv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfRect;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.CascadeClassifier;

/**
 * Finds frontal faces with an OpenCV cascade classifier (Haar or LBP XML).
 *
 * <p>By default it uses OpenCV's improved LBP frontal-face cascade ({@code
 * lbpcascade_frontalface_improved.xml}, by Puttemans, Ergun and Goedemé, KU Leuven, 2017, under the
 * BSD-style licence in the file's header), which this jar carries as the resource {@link
 * #DEFAULT_CASCADE}: nothing outside the Maven dependencies is needed. Its boxes are mapped onto
 * the landmark models' box convention with {@link #DEFAULT_CALIBRATION}; another cascade file
 * ({@link Builder#optCascade(Path)}) gets {@link BoxCalibration#IDENTITY} unless given its own.
 *
 * <p>Photos whose longer side exceeds {@link Builder#optMaxSide(int)} are searched at that size
 * ({@code INTER_AREA}) and the boxes scaled back: the cascade's smallest useful face is a few dozen
 * pixels, and searching a 12-megapixel photo at full size only costs time.
 *
 * <p>An OpenCV {@code CascadeClassifier} keeps scratch buffers, so {@link #find(Mat)} is
 * synchronized: one finder may be shared between threads, which then take turns.
 *
 * <pre>{@code
 * Mat photo = ImageFiles.read(Path.of("photo.jpg"), false);
 * CascadeFaceFinder finder = CascadeFaceFinder.builder().optMinSizePixels(40).build();
 * List<Box> faces = finder.find(photo); // largest first
 * }</pre>
 */
public final class CascadeFaceFinder implements FaceFinder {

    /** The class-path resource of the bundled cascade, OpenCV's improved LBP frontal-face one. */
    public static final String DEFAULT_CASCADE =
            "/io/github/keypoints/data/detect/lbpcascade_frontalface_improved.xml";

    /**
     * The bundled cascade's calibration onto the tight box of the 68 landmarks, fitted on the 1,101
     * faces of the 300-W training crops it finds ({@code ./keypoints evaluate --boxes finder --data
     * ../shared/data/ibug_300w_train --format pts --model M}, docs/results-300w.md).
     */
    public static final BoxCalibration DEFAULT_CALIBRATION =
            new BoxCalibration(1.318, 1.277, 0.016, 0.123);

    private final String source;
    private final CascadeClassifier classifier;
    private final BoxCalibration calibration;
    private final double minSizeFraction;
    private final int minSizePixels;
    private final double scaleFactor;
    private final int minNeighbors;
    private final int maxSide;

    private CascadeFaceFinder(Builder b) {
        OpenCv.load();
        if (b.cascade == null) {
            this.source =
                    "bundled " + DEFAULT_CASCADE.substring(DEFAULT_CASCADE.lastIndexOf('/') + 1);
            this.classifier = loadBundled();
        } else {
            if (!Files.isRegularFile(b.cascade)) {
                throw new IllegalArgumentException(
                        "Face cascade file "
                                + b.cascade
                                + " does not exist; pass an OpenCV cascade XML, or leave the"
                                + " cascade unset to use the bundled one");
            }
            this.source = b.cascade.toString();
            this.classifier = load(b.cascade, b.cascade.toString());
        }
        this.calibration =
                b.calibration != null
                        ? b.calibration
                        : b.cascade == null ? DEFAULT_CALIBRATION : BoxCalibration.IDENTITY;
        this.minSizeFraction = b.minSizeFraction;
        this.minSizePixels = b.minSizePixels;
        this.scaleFactor = b.scaleFactor;
        this.minNeighbors = b.minNeighbors;
        this.maxSide = b.maxSide;
    }

    private static CascadeClassifier loadBundled() {
        // OpenCV's Java binding loads cascades from files only: copy the resource out, load it
        // (the classifier keeps everything in memory) and delete the copy at once.
        try (InputStream in = CascadeFaceFinder.class.getResourceAsStream(DEFAULT_CASCADE)) {
            if (in == null) {
                throw new IllegalStateException(
                        "The bundled face cascade "
                                + DEFAULT_CASCADE
                                + " is missing from the class path: the keypoints-data jar is"
                                + " incomplete");
            }
            Path tmp = Files.createTempFile("keypoints-cascade", ".xml");
            try {
                Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return load(tmp, DEFAULT_CASCADE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the bundled face cascade: " + e, e);
        }
    }

    private static CascadeClassifier load(Path file, String name) {
        CascadeClassifier loaded;
        try {
            loaded = new CascadeClassifier(file.toString());
        } catch (CvException e) {
            throw new IllegalArgumentException(
                    "Face cascade file "
                            + name
                            + " is not a valid OpenCV cascade XML: "
                            + e.getMessage(),
                    e);
        }
        if (loaded.empty()) {
            throw new IllegalArgumentException(
                    "Face cascade file " + name + " is not a valid OpenCV cascade XML");
        }
        return loaded;
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
     * Returns the cascade this finder loaded: a file path, or the bundled resource's name.
     *
     * @return the cascade's description
     */
    public String cascade() {
        return source;
    }

    /**
     * Returns the calibration applied to the cascade's boxes.
     *
     * @return the calibration
     */
    public BoxCalibration calibration() {
        return calibration;
    }

    /**
     * Finds the faces in a photo.
     *
     * @param image an 8-bit BGR, BGRA or gray photo; not modified
     * @return the calibrated face boxes, largest first
     */
    @Override
    public List<Box> find(Mat image) {
        List<Box> boxes = new ArrayList<>();
        for (Box raw : detect(image)) {
            boxes.add(calibration.apply(raw));
        }
        return boxes;
    }

    /**
     * Finds the faces in a photo and returns the cascade's own boxes, without the calibration: what
     * {@link BoxCalibration} values are fitted on.
     *
     * @param image an 8-bit BGR, BGRA or gray photo; not modified
     * @return the cascade's boxes in the photo's pixel-centre coordinates, largest first
     */
    public List<Box> detect(Mat image) {
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
            double f = Math.min(1.0, (double) maxSide / Math.max(image.cols(), image.rows()));
            if (f < 1) {
                Imgproc.resize(gray, gray, new Size(), f, f, Imgproc.INTER_AREA);
            }
            Imgproc.equalizeHist(gray, gray);
            int min =
                    Math.max(
                            (int) Math.round(minSizePixels * f),
                            (int) Math.round(Math.min(gray.cols(), gray.rows()) * minSizeFraction));
            synchronized (this) {
                classifier.detectMultiScale(
                        gray, found, scaleFactor, minNeighbors, 0, new Size(min, min), new Size());
            }
            List<Box> boxes = new ArrayList<>();
            for (Rect r : found.toArray()) {
                // Rect edges are pixel edges: the edge of pixel i is i - 0.5 in pixel-centre
                // coordinates, and INTER_AREA by f maps x to (x + 0.5)·f − 0.5.
                boxes.add(new Box(r.x / f - 0.5, r.y / f - 0.5, r.width / f, r.height / f));
            }
            boxes.sort((p, q) -> Double.compare(q.width() * q.height(), p.width() * p.height()));
            return boxes;
        } finally {
            gray.release();
            found.release();
        }
    }

    @Override
    public String toString() {
        return "CascadeFaceFinder["
                + source
                + ", scaleFactor "
                + scaleFactor
                + ", minNeighbors "
                + minNeighbors
                + ", minSize max("
                + minSizePixels
                + " px, "
                + minSizeFraction
                + " of the shorter side), searched at most "
                + maxSide
                + " px, "
                + calibration
                + "]";
    }

    /** Builds a {@link CascadeFaceFinder}; every value has a default. */
    public static final class Builder {
        private Path cascade;
        private BoxCalibration calibration;
        private double minSizeFraction = 0.1;
        private int minSizePixels;
        private double scaleFactor = 1.05;
        private int minNeighbors = 3;
        private int maxSide = 1000;

        private Builder() {}

        /**
         * Sets a cascade XML file (default: the bundled {@link #DEFAULT_CASCADE}).
         *
         * @param cascade the file
         * @return this builder
         */
        public Builder optCascade(Path cascade) {
            this.cascade = cascade;
            return this;
        }

        /**
         * Sets the calibration of the cascade's boxes (default {@link #DEFAULT_CALIBRATION} for the
         * bundled cascade, {@link BoxCalibration#IDENTITY} for a cascade file).
         *
         * @param calibration the calibration
         * @return this builder
         */
        public Builder optCalibration(BoxCalibration calibration) {
            this.calibration = calibration;
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
         * Sets how much the search window grows between scales (default 1.05; smaller is slower and
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
         * Sets how many overlapping detections a face needs (default 3; more means fewer false
         * faces and more missed ones).
         *
         * @param minNeighbors at least 1
         * @return this builder
         */
        public Builder optMinNeighbors(int minNeighbors) {
            this.minNeighbors = minNeighbors;
            return this;
        }

        /**
         * Sets the longest side a photo is searched at (default 1000 px); larger photos are reduced
         * first.
         *
         * @param pixels at least 32
         * @return this builder
         */
        public Builder optMaxSide(int pixels) {
            this.maxSide = pixels;
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
            if (maxSide < 32) {
                throw new IllegalArgumentException("maxSide must be at least 32, was " + maxSide);
            }
            return new CascadeFaceFinder(this);
        }
    }
}
