package io.github.keypoints.examples;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.augment.ImageSample;
import io.github.keypoints.data.augment.OutsidePolicy;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.ImageGallery;
import io.github.keypoints.data.image.KeypointOverlay;
import io.github.keypoints.data.load.BadSampleException;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.data.load.SkippedSample;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import org.opencv.core.Mat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keypoints inspect}: loads a landmark dataset, prints its counts and every skipped sample
 * with the reason, and with {@code --out} writes a PNG gallery of samples with their keypoints
 * drawn.
 */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
            "Load a landmark dataset (IMM folder, 300-W .pts tree or dlib imglab XML) and report"
                    + " samples, points per sample and skipped samples; optionally draw a gallery."
        })
public final class InspectCommand implements Callable<Integer> {

    /** The augmentation drawn by {@code --augment}: the 58-point model's training policy. */
    private static final AugmentationPipeline GALLERY_AUGMENTATION =
            AugmentationPipeline.builder()
                    .setAugmentation(
                            Augmentation.sequence(
                                    Augmentation.oneOf(
                                            Augmentation.rotation(15, Center.FACE_BOX),
                                            Augmentation.shift(10)),
                                    Augmentation.withProbability(
                                            0.5, Augmentation.horizontalFlip()),
                                    Augmentation.colorJitter(0.2, 0.3)))
                    .optOutsidePolicy(OutsidePolicy.resample(5))
                    .build();

    /** Tiles in a gallery when {@code --augment} is not given. */
    static final int DEFAULT_GALLERY_SIZE = 16;

    @Spec private CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR|FILE.xml",
            description = "Dataset folder (IMM or 300-W) or imglab XML file.")
    private Path data;

    @Option(
            names = "--format",
            paramLabel = "imm|pts|xml",
            description = "Dataset format; detected from the path when not given.")
    private String format;

    @Mixin PtsOriginOption ptsOrigin;

    @Option(
            names = "--strict",
            description = "Fail on the first bad sample (default: skip bad samples and list them).")
    private boolean strict;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Write DIR/gallery.png with the samples' keypoints drawn.")
    private Path out;

    @Option(
            names = "--augment",
            paramLabel = "N",
            description =
                    "Draw N random samples for the gallery, each augmented as the 58-point model is"
                            + " trained: rotation ±15° or shift ±10 px, random flip, colour jitter"
                            + " (default: the first "
                            + DEFAULT_GALLERY_SIZE
                            + " samples, unchanged).")
    private int augment;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "42",
            description = "Seed of the sample draw and augmentation (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    private boolean json;

    /** The picture of one sample after the augmentation step, ready to draw. */
    record Augmented(Mat image, Keypoints keypoints, Optional<Box> box) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (!Files.exists(data)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--data: no such file or folder: " + data);
        }
        if (augment < 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--augment: expected N >= 0, found " + augment);
        }
        DatasetFormat fmt;
        try {
            fmt = format == null ? DatasetFormat.detect(data) : DatasetFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        LoadedDataset loaded =
                DatasetLoader.builder()
                        .setPath(data)
                        .optFormat(fmt)
                        .optStrict(strict)
                        .optPtsOrigin(ptsOrigin.origin())
                        .build()
                        .load();
        List<FaceSample> samples = loaded.samples();
        List<SkippedSample> skipped = new ArrayList<>(loaded.skipped());
        int points = samples.isEmpty() ? 0 : samples.get(0).keypoints().size();

        Path galleryFile = null;
        int drawn = 0;
        if (out != null && !samples.isEmpty()) {
            galleryFile = out.resolve("gallery.png");
            drawn = writeGallery(samples, skipped, galleryFile);
            if (drawn == 0) {
                galleryFile = null;
            }
        }

        stdout.println("format: " + fmt.name().toLowerCase(java.util.Locale.ROOT));
        stdout.println("samples: " + samples.size());
        stdout.println("points per sample: " + points);
        if (loaded.ignoredBoxes() > 0) {
            stdout.println("ignored boxes (ignore='1'): " + loaded.ignoredBoxes());
        }
        stdout.println("skipped: " + skipped.size());
        for (SkippedSample s : skipped) {
            stdout.println("  skipped " + s.file() + ": " + s.reason());
        }
        if (galleryFile != null) {
            stdout.println("gallery: " + galleryFile + " (" + drawn + " samples)");
        } else if (out != null) {
            stderr.println("keypoints inspect: no sample could be drawn; no gallery written");
        }
        Path md = null;
        if (out != null) {
            RunReport r = new RunReport(out, "keypoints inspect");
            r.paragraph("Made by:").command(TrainingRunReport.commandLine(spec));
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("format", fmt.name().toLowerCase(java.util.Locale.ROOT)));
            rows.add(List.of("samples", Integer.toString(samples.size())));
            rows.add(List.of("points per sample", Integer.toString(points)));
            rows.add(List.of("ignored boxes", Integer.toString(loaded.ignoredBoxes())));
            rows.add(List.of("skipped", Integer.toString(skipped.size())));
            r.table(List.of("what", "value"), rows);
            if (!skipped.isEmpty()) {
                List<List<String>> why = new ArrayList<>();
                for (SkippedSample s : skipped) {
                    why.add(List.of("`" + s.file() + "`", s.reason().replace('|', '/')));
                }
                r.section("Skipped samples").table(List.of("file", "reason"), why);
            }
            if (galleryFile != null) {
                r.image(galleryFile, drawn + " samples with their keypoints");
            }
            md = r.write();
            stdout.println("report: " + md);
        }
        if (json) {
            JsonSummary summary = new JsonSummary();
            summary.put("format", fmt.name().toLowerCase(java.util.Locale.ROOT));
            summary.put("samples", samples.size());
            summary.put("points", points);
            List<Map<String, String>> list = new ArrayList<>();
            for (SkippedSample s : skipped) {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("file", s.file().toString());
                m.put("reason", s.reason());
                list.add(m);
            }
            summary.put("skipped", list);
            summary.put("ignoredBoxes", loaded.ignoredBoxes());
            if (md != null) {
                summary.put("report", md.toString());
            }
            if (galleryFile != null) {
                summary.put("gallery", galleryFile.toString());
                summary.put("galleryImages", drawn);
            }
            stdout.println(summary.toJson());
        }
        stdout.flush();
        return 0;
    }

    /** Draws the chosen samples into a gallery; returns how many were drawn. */
    private int writeGallery(List<FaceSample> samples, List<SkippedSample> skipped, Path file)
            throws BadSampleException {
        Random random = new Random(seed);
        List<FaceSample> chosen = new ArrayList<>();
        if (augment > 0) {
            for (int i = 0; i < augment; i++) {
                chosen.add(samples.get(random.nextInt(samples.size())));
            }
        } else {
            chosen.addAll(samples.subList(0, Math.min(DEFAULT_GALLERY_SIZE, samples.size())));
        }
        KeypointOverlay overlay = KeypointOverlay.builder().build();
        try (ImageGallery gallery = ImageGallery.builder().setTileSize(320, 240).build()) {
            for (FaceSample s : chosen) {
                Mat image;
                try {
                    image = ImageFiles.read(s.image(), false);
                } catch (RuntimeException e) {
                    // The load checks headers only; a corrupt image may first show here.
                    BadSampleException bad =
                            new BadSampleException(
                                    s.image(), "cannot decode: " + e.getMessage(), e);
                    if (strict) {
                        throw bad;
                    }
                    skipped.add(bad.toSkipped());
                    continue;
                }
                Augmented a = augment(image, s, random);
                try {
                    ImageGallery.Tile tile = gallery.add(a.image(), s.id());
                    overlay.draw(tile.image(), a.keypoints().transform(tile.fromSource()));
                    a.box().ifPresent(b -> overlay.drawBox(tile.image(), transform(b, tile)));
                } finally {
                    if (a.image() != image) {
                        a.image().release();
                    }
                    image.release();
                }
            }
            if (gallery.size() > 0) {
                gallery.write(file);
            }
            return gallery.size();
        }
    }

    /**
     * Passes a sample drawn by {@code --augment N} through the reference augmentation of the
     * 58-point model (one of rotation ±15° or shift ±10 px, a random horizontal flip, colour
     * jitter), so the gallery shows exactly what training sees: pixels and points moved by one
     * affine.
     *
     * @param image the decoded image (BGR); not to be released here
     * @param sample the sample, keypoints in the image's pixels
     * @param random the seeded random source of this run
     * @return the augmented picture (a new {@code Mat}) and its keypoints
     */
    Augmented augment(Mat image, FaceSample sample, Random random) {
        ImageSample out =
                GALLERY_AUGMENTATION.apply(
                        new ImageSample(image, sample.keypoints(), sample.box()), random);
        return new Augmented(
                out.image(),
                out.keypoints(),
                sample.box().isPresent() ? out.faceBox() : Optional.empty());
    }

    private static Box transform(Box b, ImageGallery.Tile tile) {
        double x0 = tile.fromSource().applyX(b.x(), b.y());
        double y0 = tile.fromSource().applyY(b.x(), b.y());
        double x1 = tile.fromSource().applyX(b.right(), b.bottom());
        double y1 = tile.fromSource().applyY(b.right(), b.bottom());
        return new Box(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0));
    }
}
