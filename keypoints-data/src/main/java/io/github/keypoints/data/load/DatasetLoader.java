package io.github.keypoints.data.load;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.format.ImglabDocument;
import io.github.keypoints.data.format.ImglabXmlFormat;
import io.github.keypoints.data.format.ImmAsfFormat;
import io.github.keypoints.data.format.ImmShape;
import io.github.keypoints.data.format.MalformedAnnotationException;
import io.github.keypoints.data.format.PixelOrigin;
import io.github.keypoints.data.format.PtsFormat;
import io.github.keypoints.data.image.ImageHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads a landmark dataset from disk: an IMM folder, a 300-W folder tree of {@code .pts} files, or
 * a dlib imglab XML file.
 *
 * <pre>{@code
 * LoadedDataset imm = DatasetLoader.builder()
 *         .setPath(Path.of("imm_face_db"))
 *         .optStrict(false)
 *         .build()
 *         .load();
 * imm.skipped().forEach(s -> System.err.println(s.file() + ": " + s.reason()));
 * }</pre>
 *
 * <p>Every sample is checked: the annotation parses, the point count matches the scheme, every
 * coordinate is finite and not absurdly far outside the image, and the image file exists. With
 * {@link Builder#optCheckImages(boolean) image checks} on (the default) each image's header is read
 * for its size and a truncated JPEG or PNG is caught (see {@link ImageHeader}); IMM always reads
 * the header because its relative coordinates need the real image size. Damage deeper inside
 * compressed pixel data is found by the first full decode, whose error names the file.
 *
 * <p>In strict mode (the default) the first bad sample ends the load with a {@link
 * BadSampleException}; in lenient mode bad samples are skipped and each one is listed in {@link
 * LoadedDataset#skipped()}. Nothing is dropped silently.
 */
public final class DatasetLoader {

    private static final List<String> IMAGE_EXTENSIONS =
            List.of(".jpg", ".jpeg", ".png", ".ppm", ".pgm", ".bmp");

    private final Path path;
    private final DatasetFormat format;
    private final boolean strict;
    private final boolean checkImages;
    private final double maxOutside;
    private final LandmarkScheme scheme;
    private final PixelOrigin ptsOrigin;

    private DatasetLoader(Builder b) {
        this.path = b.path;
        this.format = b.format;
        this.strict = b.strict;
        this.checkImages = b.checkImages;
        this.maxOutside = b.maxOutside;
        this.scheme = b.scheme;
        this.ptsOrigin = b.ptsOrigin;
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
     * Loads the dataset.
     *
     * @return the samples (sorted by file, then by box) and the skipped ones
     * @throws BadSampleException in strict mode, for the first bad sample
     * @throws java.nio.file.NoSuchFileException if a dataset folder holds no annotation file of the
     *     format
     * @throws IOException if the dataset path cannot be listed or read
     */
    public LoadedDataset load() throws IOException {
        DatasetFormat f = format != null ? format : DatasetFormat.detect(path);
        Run run = new Run();
        switch (f) {
            case IMM:
                loadImm(run);
                break;
            case PTS:
                loadPts(run);
                break;
            case XML:
                loadXml(run);
                break;
            default:
                throw new IllegalStateException("unknown format " + f);
        }
        return new LoadedDataset(run.samples, run.skipped, run.ignored);
    }

    private void loadImm(Run run) throws IOException {
        for (Path asf : files(".asf", false)) {
            ImmShape shape;
            try {
                shape = ImmAsfFormat.parse(asf);
            } catch (MalformedAnnotationException e) {
                run.reject(asf, reason(e), e);
                continue;
            }
            Path image = asf.toAbsolutePath().getParent().resolve(shape.hostImage()).normalize();
            ImageHeader header = run.header(image, asf, true);
            if (header == null) {
                continue;
            }
            Keypoints k = shape.toPixels(header.width(), header.height());
            run.accept(asf, FaceSample.of(baseName(asf), image, k), header);
        }
    }

    private void loadPts(Run run) throws IOException {
        LandmarkScheme expected = scheme != null ? scheme : LandmarkScheme.IBUG_68;
        Path root = (Files.isDirectory(path) ? path : path.getParent()).toAbsolutePath();
        for (Path pts : files(".pts", true)) {
            Keypoints k;
            try {
                k = PtsFormat.parse(pts, ptsOrigin);
            } catch (MalformedAnnotationException e) {
                run.reject(pts, reason(e), e);
                continue;
            }
            if (k.size() != expected.size()) {
                run.reject(
                        pts,
                        "expected "
                                + expected.size()
                                + " points ("
                                + expected.name()
                                + "), found "
                                + k.size(),
                        null);
                continue;
            }
            k = Keypoints.of(expected, k.toArray());
            Path image = findImage(pts);
            if (image == null) {
                run.reject(
                        pts,
                        "expected an image beside it with the same name and one of "
                                + IMAGE_EXTENSIONS
                                + ", found none",
                        null);
                continue;
            }
            ImageHeader header = run.header(image, pts, checkImages);
            if (checkImages && header == null) {
                continue;
            }
            String id = root.relativize(pts.toAbsolutePath()).toString().replace('\\', '/');
            id = id.substring(0, id.length() - 4);
            run.accept(pts, FaceSample.of(id, image, k), header, ptsOrigin.offset());
        }
    }

    private void loadXml(Run run) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(
                    "Expected an imglab XML file, found "
                            + (Files.exists(path) ? "a folder" : "nothing")
                            + " at "
                            + path);
        }
        LandmarkScheme expected = scheme != null ? scheme : LandmarkScheme.IBUG_68;
        ImglabDocument doc;
        try {
            doc = ImglabXmlFormat.parse(path);
        } catch (MalformedAnnotationException e) {
            run.reject(path, reason(e), e);
            return;
        }
        run.ignored += doc.ignoredBoxes();
        // Boxes that do not parse are reported first (with their lines), then the images are
        // checked.
        for (MalformedAnnotationException e : doc.badFaces()) {
            run.reject(path, reason(e), e);
        }
        for (FaceSample s : doc.faces()) {
            if (s.keypoints().size() != expected.size()) {
                run.reject(
                        path,
                        "box "
                                + s.id()
                                + ": expected "
                                + expected.size()
                                + " parts ("
                                + expected.name()
                                + "), found "
                                + s.keypoints().size(),
                        null);
                continue;
            }
            FaceSample sample =
                    new FaceSample(
                            s.id(),
                            s.image(),
                            Keypoints.of(expected, s.keypoints().toArray()),
                            s.box());
            if (!Files.isRegularFile(sample.image())) {
                run.reject(
                        sample.image(),
                        "image of box " + s.id() + " in " + path.getFileName() + " does not exist",
                        null);
                continue;
            }
            ImageHeader header = run.header(sample.image(), path, checkImages);
            if (checkImages && header == null) {
                continue;
            }
            ImageHeader declared = doc.declaredSizes().get(sample.image());
            if (header != null
                    && declared != null
                    && (declared.width() != header.width()
                            || declared.height() != header.height())) {
                run.reject(
                        sample.image(),
                        "image of box "
                                + s.id()
                                + ": expected the "
                                + declared.width()
                                + "x"
                                + declared.height()
                                + " size "
                                + path.getFileName()
                                + " declares, found "
                                + header.width()
                                + "x"
                                + header.height(),
                        null);
                continue;
            }
            run.accept(path, sample, header);
        }
    }

    private List<Path> files(String ext, boolean recursive) throws IOException {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("Dataset path does not exist: " + path);
        }
        List<Path> found;
        try (Stream<Path> s = recursive ? Files.walk(path) : Files.list(path)) {
            found =
                    s.filter(p -> DatasetFormat.hasExtension(p, ext))
                            .sorted()
                            .collect(Collectors.toList());
        }
        if (found.isEmpty()) {
            throw new java.nio.file.NoSuchFileException(
                    path.toString(),
                    null,
                    "expected "
                            + ext
                            + " files "
                            + (recursive ? "under" : "in")
                            + " this folder, found none");
        }
        return found;
    }

    private static Path findImage(Path annotation) throws IOException {
        String base = baseName(annotation);
        Path dir = annotation.toAbsolutePath().getParent();
        for (String ext : IMAGE_EXTENSIONS) {
            for (String e : new String[] {ext, ext.toUpperCase(Locale.ROOT)}) {
                Path p = dir.resolve(base + e);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String baseName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static String reason(MalformedAnnotationException e) {
        StringBuilder sb = new StringBuilder();
        if (e.line().isPresent()) {
            sb.append("line ").append(e.line().getAsInt()).append(": ");
        }
        if (e.element() != null) {
            sb.append('<').append(e.element()).append(">: ");
        }
        return sb.append(e.detail()).toString();
    }

    /** The mutable state of one load. */
    private final class Run {
        final List<FaceSample> samples = new ArrayList<>();
        final List<SkippedSample> skipped = new ArrayList<>();
        final Map<Path, Object> headers = new HashMap<>();
        int ignored;

        void reject(Path file, String reason, Throwable cause) throws BadSampleException {
            BadSampleException e = new BadSampleException(file, reason, cause);
            if (strict) {
                throw e;
            }
            skipped.add(e.toSkipped());
        }

        /** Returns the header, or null after rejecting the sample (or when not asked to read). */
        ImageHeader header(Path image, Path annotation, boolean read) throws BadSampleException {
            if (!read) {
                return null;
            }
            Object h =
                    headers.computeIfAbsent(
                            image,
                            p -> {
                                try {
                                    return ImageHeader.read(p);
                                } catch (IOException e) {
                                    return e;
                                } catch (RuntimeException e) {
                                    return new IOException(e.getMessage(), e);
                                }
                            });
            if (h instanceof ImageHeader) {
                return (ImageHeader) h;
            }
            IOException e = (IOException) h;
            String msg =
                    e instanceof java.nio.file.NoSuchFileException
                            ? "image file does not exist"
                            : String.valueOf(e.getMessage())
                                    .replace("Image file " + image + " ", "");
            reject(image, "image of " + annotation.getFileName() + ": " + msg, e);
            return null;
        }

        void accept(Path annotation, FaceSample s, ImageHeader header) throws BadSampleException {
            accept(annotation, s, header, 0);
        }

        /**
         * Accepts a sample whose points are in range; {@code fileOffset} is what the annotation
         * file's numbers exceed the library's coordinates by, so that a rejection quotes the file.
         */
        void accept(Path annotation, FaceSample s, ImageHeader header, int fileOffset)
                throws BadSampleException {
            if (header != null) {
                Keypoints k = s.keypoints();
                double w = header.width();
                double h = header.height();
                for (int i = 0; i < k.size(); i++) {
                    double x = k.x(i);
                    double y = k.y(i);
                    if (x < -maxOutside * w
                            || x > (1 + maxOutside) * w
                            || y < -maxOutside * h
                            || y > (1 + maxOutside) * h) {
                        reject(
                                annotation,
                                String.format(
                                        Locale.ROOT,
                                        "%spoint %d at (%.1f, %.1f) is absurd: expected it within"
                                                + " %.0f%% of the %dx%d image %s, found it farther"
                                                + " outside",
                                        s.box().isPresent() ? "box " + s.id() + ": " : "",
                                        i,
                                        x + fileOffset,
                                        y + fileOffset,
                                        maxOutside * 100,
                                        header.width(),
                                        header.height(),
                                        s.image().getFileName()),
                                null);
                        return;
                    }
                }
            }
            samples.add(s);
        }
    }

    /** Builds a {@link DatasetLoader}. */
    public static final class Builder {
        private Path path;
        private DatasetFormat format;
        private boolean strict = true;
        private boolean checkImages = true;
        private double maxOutside = 0.5;
        private LandmarkScheme scheme;
        private PixelOrigin ptsOrigin = PixelOrigin.ONE_BASED;

        private Builder() {}

        /**
         * Sets the dataset folder or file (required).
         *
         * @param path an IMM folder or {@code .asf} file, a 300-W folder tree or {@code .pts} file,
         *     or an imglab {@code .xml} file
         * @return this builder
         */
        public Builder setPath(Path path) {
            this.path = path;
            return this;
        }

        /**
         * Sets the format; by default it is detected with {@link DatasetFormat#detect(Path)}.
         *
         * @param format the format
         * @return this builder
         */
        public Builder optFormat(DatasetFormat format) {
            this.format = format;
            return this;
        }

        /**
         * Chooses strict (fail on the first bad sample, the default) or lenient (skip and report)
         * loading.
         *
         * @param strict whether to fail on the first bad sample
         * @return this builder
         */
        public Builder optStrict(boolean strict) {
            this.strict = strict;
            return this;
        }

        /**
         * Chooses whether to read every image's header (size, truncation) during the load; on by
         * default. When off, {@code .pts} and XML loads only check that each image file exists, and
         * coordinates are not checked against the image size. IMM always reads headers.
         *
         * @param check whether to read image headers
         * @return this builder
         */
        public Builder optCheckImages(boolean check) {
            this.checkImages = check;
            return this;
        }

        /**
         * Sets how far outside the image a point may lie before it is absurd, as a fraction of the
         * image width or height (default 0.5: points may stick out by half the image size, as a
         * face cut by the frame does).
         *
         * @param fraction the allowed overshoot, at least 0
         * @return this builder
         */
        public Builder optMaxOutside(double fraction) {
            this.maxOutside = fraction;
            return this;
        }

        /**
         * Sets the expected scheme of {@code .pts} and XML annotations (default {@link
         * LandmarkScheme#IBUG_68}); samples with another point count are bad. IMM is always {@link
         * LandmarkScheme#IMM_58}.
         *
         * @param scheme the scheme
         * @return this builder
         */
        public Builder optScheme(LandmarkScheme scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /**
         * Sets where the coordinates of {@code .pts} files start (default {@link
         * PixelOrigin#ONE_BASED}, 300-W's convention; see {@link PtsFormat}). XML and IMM
         * annotations are not affected.
         *
         * @param origin the origin of {@code .pts} coordinates
         * @return this builder
         */
        public Builder optPtsOrigin(PixelOrigin origin) {
            this.ptsOrigin = Objects.requireNonNull(origin, "origin");
            return this;
        }

        /**
         * Builds the loader.
         *
         * @return the loader
         * @throws IllegalArgumentException if the path is missing or an option is out of range
         */
        public DatasetLoader build() {
            if (path == null) {
                throw new IllegalArgumentException("Missing dataset path: call setPath()");
            }
            if (!(maxOutside >= 0) || Double.isInfinite(maxOutside)) {
                throw new IllegalArgumentException(
                        "maxOutside must be a finite number >= 0, was " + maxOutside);
            }
            return new DatasetLoader(this);
        }
    }
}
