package io.github.keypoints.examples;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.morph.Caricature;
import io.github.keypoints.morph.Face;
import io.github.keypoints.morph.ImageBuffer;
import io.github.keypoints.morph.Procrustes;
import io.github.keypoints.morph.SideBySide;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.opencv.core.Mat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keypoints caricature}: pushes one face's shape away from the dataset's mean shape. */
@Command(
        name = "caricature",
        mixinStandardHelpOptions = true,
        description = {
            "Exaggerate a face: move its keypoints away from the mean shape of the dataset by a"
                    + " factor (below 1 moves them toward it) and warp the face accordingly."
        })
public final class CaricatureCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Annotated dataset whose mean shape is the reference.")
    private Path data;

    @Option(
            names = "--face",
            required = true,
            paramLabel = "FILE",
            description = "The face to exaggerate (image file name or id in the dataset).")
    private String face;

    @Option(
            names = "--glob",
            paramLabel = "PATTERN",
            description = "Only faces whose image file name matches form the mean (default: all).")
    private String glob;

    @Option(
            names = "--factor",
            defaultValue = "1.5",
            paramLabel = "F",
            description = "1 keeps the face, above 1 exaggerates (default: ${DEFAULT-VALUE}).")
    private double factor;

    @Option(
            names = "--compare",
            description = "Put the original and the caricature side by side, labelled.")
    private boolean compare;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE.png",
            description = "The picture to write.")
    private Path out;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        long start = System.nanoTime();
        if (!Double.isFinite(factor)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--factor: expected a number, found " + factor);
        }
        List<FaceSample> all;
        FaceSample target;
        try {
            all = FaceSelection.load(data);
            target = FaceSelection.named(all, List.of(face)).get(0);
            if (glob != null) {
                all = FaceSelection.glob(all, glob, "--glob");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), e.getMessage().replace("--faces", "--face"));
        }
        List<double[]> shapes = new ArrayList<>();
        for (FaceSample s : all) {
            shapes.add(toDoubles(s.keypoints()));
        }
        Keypoints mean = Keypoints.of(target.keypoints().scheme(), Procrustes.align(shapes).mean());
        Face f = FaceSelection.decode(target);
        ImageBuffer result = Caricature.render(f, mean, factor);
        if (compare) {
            result =
                    SideBySide.labelled(
                            List.of(target.id(), "x" + factor), List.of(f.image(), result));
        }
        Mat m = result.toMat();
        try {
            ImageFiles.write(m, out);
        } catch (UncheckedIOException | IllegalArgumentException ex) {
            throw new IllegalArgumentException("--out: " + ex.getMessage(), ex);
        } finally {
            m.release();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        stdout.printf(
                "caricature of %s x%s against the mean of %d faces -> %s (%.2f s)%n",
                target.id(), factor, all.size(), out, seconds);
        if (json) {
            JsonSummary summary =
                    new JsonSummary()
                            .put("face", target.id())
                            .put("factor", factor)
                            .put("faces", all.size())
                            .put("out", out.toString())
                            .put("seconds", seconds);
            stdout.println(summary.toJson());
        }
        stdout.flush();
        return 0;
    }

    private static double[] toDoubles(Keypoints k) {
        double[] out = new double[2 * k.size()];
        for (int i = 0; i < k.size(); i++) {
            out[2 * i] = k.x(i);
            out[2 * i + 1] = k.y(i);
        }
        return out;
    }
}
