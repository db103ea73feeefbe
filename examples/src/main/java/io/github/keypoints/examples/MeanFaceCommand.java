package io.github.keypoints.examples;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.ImageHeader;
import io.github.keypoints.morph.ImageBuffer;
import io.github.keypoints.morph.MeanFace;
import io.github.keypoints.morph.SideBySide;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opencv.core.Mat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keypoints mean-face}: the average face of a dataset, or of several groups side by side in
 * one labelled picture.
 */
@Command(
        name = "mean-face",
        mixinStandardHelpOptions = true,
        description = {
            "Average annotated faces: align the shapes (Procrustes), warp every face onto the mean"
                    + " shape and average the pixels. With --group, one mean face per group, side"
                    + " by side and labelled."
        })
public final class MeanFaceCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "DIR",
            description = "Annotated dataset (IMM folder, 300-W .pts tree or imglab XML).")
    private Path data;

    @Option(
            names = "--glob",
            paramLabel = "PATTERN",
            description = "Only faces whose image file name matches (default: all).")
    private String glob;

    @Option(
            names = "--group",
            paramLabel = "NAME=GLOB",
            description =
                    "A group of faces by image file name, e.g. women='*f.jpg'; repeat for each"
                            + " group.")
    private List<String> groups;

    @Option(
            names = "--size",
            paramLabel = "WxH",
            description = "Size of each mean face (default: the first image's size).")
    private String size;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE.png",
            description = "The picture to write.")
    private Path out;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    private boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        long start = System.nanoTime();
        List<FaceSample> all;
        Map<String, List<FaceSample>> sets = new LinkedHashMap<>();
        Map<String, String> patterns = new LinkedHashMap<>();
        int[] wh;
        try {
            all = FaceSelection.load(data);
            if (glob != null) {
                all = FaceSelection.glob(all, glob, "--glob");
            }
            if (groups == null || groups.isEmpty()) {
                sets.put("all", all);
                patterns.put("all", glob == null ? "*" : glob);
            } else {
                for (String g : groups) {
                    int eq = g.indexOf('=');
                    if (eq <= 0 || eq == g.length() - 1) {
                        throw new IllegalArgumentException(
                                "--group: expected NAME=GLOB, found '" + g + "'");
                    }
                    String name = g.substring(0, eq);
                    if (sets.containsKey(name)) {
                        throw new IllegalArgumentException(
                                "--group: group '" + name + "' is given twice");
                    }
                    String pattern = g.substring(eq + 1);
                    sets.put(name, FaceSelection.glob(all, pattern, "--group " + name));
                    patterns.put(name, pattern);
                }
            }
            wh = size == null ? null : FaceSelection.size(size, "--size");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (wh == null) {
            ImageHeader first = ImageHeader.read(all.get(0).image());
            wh = new int[] {first.width(), first.height()};
        }
        MeanFace mean = MeanFace.builder().setSize(wh[0], wh[1]).build();
        List<String> labels = new ArrayList<>();
        List<ImageBuffer> images = new ArrayList<>();
        List<Map<String, Object>> report = new ArrayList<>();
        int total = 0;
        for (Map.Entry<String, List<FaceSample>> e : sets.entrySet()) {
            List<FaceSample> faces = e.getValue();
            long t0 = System.nanoTime();
            int[] sizes = imageSizes(faces);
            List<Keypoints> shapes = faces.stream().map(FaceSample::keypoints).toList();
            MeanFace.Result r =
                    mean.compute(
                            shapes,
                            i -> sizes[2 * i],
                            i -> sizes[2 * i + 1],
                            i -> FaceSelection.decode(faces.get(i)));
            double secs = (System.nanoTime() - t0) / 1e9;
            labels.add(e.getKey() + " (" + faces.size() + ")");
            images.add(r.image());
            total += faces.size();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.getKey());
            m.put("glob", patterns.get(e.getKey()));
            m.put("faces", faces.size());
            m.put("seconds", secs);
            report.add(m);
            stdout.printf("mean face of %s: %d faces (%.2f s)%n", e.getKey(), faces.size(), secs);
        }
        ImageBuffer picture =
                groups == null || groups.isEmpty()
                        ? images.get(0)
                        : SideBySide.labelled(labels, images);
        Mat m = picture.toMat();
        try {
            ImageFiles.write(m, out);
        } catch (UncheckedIOException | IllegalArgumentException ex) {
            throw new IllegalArgumentException("--out: " + ex.getMessage(), ex);
        } finally {
            m.release();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        stdout.printf(
                "wrote %s (%dx%d, %d faces, %.2f s)%n",
                out, picture.width(), picture.height(), total, seconds);
        if (json) {
            JsonSummary summary =
                    new JsonSummary()
                            .put("faces", total)
                            .put("out", out.toString())
                            .put("width", picture.width())
                            .put("height", picture.height())
                            .put("seconds", seconds)
                            .put("groups", report);
            stdout.println(summary.toJson());
        }
        stdout.flush();
        return 0;
    }

    static int[] imageSizes(List<FaceSample> faces) {
        int[] sizes = new int[2 * faces.size()];
        for (int i = 0; i < faces.size(); i++) {
            try {
                ImageHeader h = ImageHeader.read(faces.get(i).image());
                sizes[2 * i] = h.width();
                sizes[2 * i + 1] = h.height();
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Cannot read image header of " + faces.get(i).image(), e);
            }
        }
        return sizes;
    }
}
