package io.github.keypoints.examples;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.detect.CascadeFaceFinder;
import io.github.keypoints.models.inference.KeypointDetector;
import io.github.keypoints.morph.Face;
import io.github.keypoints.morph.FaceFrame;
import io.github.keypoints.morph.FrameWriter;
import io.github.keypoints.morph.MorphChain;
import io.github.keypoints.morph.PhotoAnnotator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keypoints morph}: a morph movie through annotated faces, each aligned on its eye corners
 * so the chain does not jump.
 */
@Command(
        name = "morph",
        mixinStandardHelpOptions = true,
        description = {
            "Morph through a list of annotated faces into an animated GIF, a Motion-JPEG AVI, an"
                    + " MP4 (H.264: an ffmpeg on the PATH if there is one, else a pure-Java encoder) or a folder of PNG frames."
        })
public final class MorphCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description =
                    "Annotated dataset (IMM folder, 300-W .pts tree or imglab XML); with --model,"
                            + " a folder of unannotated photos.")
    private Path data;

    @Option(
            names = "--model",
            paramLabel = "PATH",
            description =
                    "Automatic mode: find each photo's face with a cascade and its keypoints with"
                            + " this saved keypoint model; photos with no face or several are"
                            + " reported and left out.")
    private Path model;

    @Option(
            names = "--cascade",
            paramLabel = "FILE.xml",
            description =
                    "Face cascade XML for --model (default: OpenCV's improved LBP frontal-face"
                            + " cascade, bundled in keypoints-data).")
    private Path cascade;

    @Option(
            names = "--faces",
            arity = "1..*",
            paramLabel = "FILE",
            description = "Faces to morph through, in order (image file names or ids).")
    private List<String> faces;

    @Option(
            names = "--glob",
            paramLabel = "PATTERN",
            description = "Faces whose image file name matches, in name order (e.g. '*-1?.jpg').")
    private String glob;

    @Option(
            names = "--frames",
            defaultValue = "10",
            paramLabel = "N",
            description = "Frames per transition between two faces (default: ${DEFAULT-VALUE}).")
    private int frames;

    @Option(
            names = "--fps",
            defaultValue = "10",
            paramLabel = "F",
            description = "Frames per second (default: ${DEFAULT-VALUE}).")
    private double fps;

    @Option(
            names = "--size",
            paramLabel = "WxH",
            description = "Movie frame size (default: the first face's image size).")
    private String size;

    @Option(
            names = "--zoom",
            defaultValue = "1",
            paramLabel = "Z",
            description =
                    "Enlarge the faces in the frame by Z about its centre (default: ${DEFAULT-VALUE}"
                            + ", faces as large as in their photos).")
    private double zoom;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE.gif|FILE.avi|FILE.mp4|DIR",
            description = "The movie; a name without extension is a folder of PNG frames.")
    private Path out;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    private boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        long start = System.nanoTime();
        if (frames < 1) {
            throw bad("--frames: expected N >= 1, found " + frames);
        }
        if (!(zoom > 0) || !Double.isFinite(zoom)) {
            throw bad("--zoom: expected a positive number, found " + zoom);
        }
        if (!(fps > 0)) {
            throw bad("--fps: expected a positive number, found " + fps);
        }
        if (faces != null && glob != null) {
            throw bad("--faces and --glob exclude each other");
        }
        int[] wh;
        try {
            wh = size == null ? null : FaceSelection.size(size, "--size");
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        List<Face> decoded = new ArrayList<>();
        List<PhotoAnnotator.Rejection> rejected = new ArrayList<>();
        if (model != null) {
            if (faces != null) {
                throw bad("--faces needs annotations; with --model use --glob to pick photos");
            }
            if (!Files.isDirectory(data)) {
                throw bad("--data: no such folder of photos: " + data);
            }
            if (!Files.exists(model)) {
                throw bad("--model: no such model directory: " + model);
            }
            List<Path> photos = FaceSelection.photos(data, glob == null ? "*" : glob);
            if (photos.isEmpty()) {
                throw bad("--data: no photos found in " + data);
            }
            CascadeFaceFinder finder;
            try {
                CascadeFaceFinder.Builder fb = CascadeFaceFinder.builder();
                if (cascade != null) {
                    fb.optCascade(cascade);
                }
                finder = fb.build();
            } catch (IllegalArgumentException e) {
                throw bad("--cascade: " + e.getMessage());
            }
            try (KeypointDetector detector = KeypointDetector.builder().setModel(model).build()) {
                PhotoAnnotator.Report report =
                        new PhotoAnnotator(finder, detector::predict).annotate(photos);
                decoded.addAll(report.faces());
                rejected.addAll(report.rejected());
            }
            for (PhotoAnnotator.Rejection r : rejected) {
                spec.commandLine().getErr().println("  left out " + r.photo() + ": " + r.reason());
            }
        } else {
            List<FaceSample> samples;
            try {
                samples = FaceSelection.load(data);
                if (faces != null) {
                    samples = FaceSelection.named(samples, faces);
                } else if (glob != null) {
                    samples = FaceSelection.glob(samples, glob, "--glob");
                }
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            for (FaceSample s : samples) {
                decoded.add(FaceSelection.decode(s));
            }
        }
        if (decoded.size() < 2) {
            throw bad("a morph needs at least 2 faces, found " + decoded.size());
        }
        int w = wh == null ? decoded.get(0).image().width() : wh[0];
        int h = wh == null ? decoded.get(0).image().height() : wh[1];
        MorphChain chain = MorphChain.of(decoded, FaceFrame.fitting(decoded, w, h).zoomed(zoom));
        int written;
        FrameWriter writer = FrameWriter.open(out, fps);
        try {
            written =
                    chain.forEachFrame(
                            frames,
                            f -> {
                                try {
                                    writer.write(f);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
            writer.close();
        } catch (RuntimeException | IOException e) {
            writer.abort();
            throw e;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        stdout.printf(
                "morph: %d faces, %d frames of %dx%d, %d triangles -> %s (%.2f s)%n",
                decoded.size(), written, w, h, chain.triangulation().size(), out, seconds);
        if (json) {
            JsonSummary summary =
                    new JsonSummary()
                            .put("faces", decoded.size())
                            .put("frames", written)
                            .put("width", w)
                            .put("height", h)
                            .put("triangles", chain.triangulation().size())
                            .put(
                                    "rejected",
                                    rejected.stream()
                                            .map(
                                                    r ->
                                                            java.util.Map.of(
                                                                    "photo", r.photo().toString(),
                                                                    "reason", r.reason()))
                                            .toList())
                            .put("out", out.toString())
                            .put("seconds", seconds);
            stdout.println(summary.toJson());
        }
        stdout.flush();
        return 0;
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
