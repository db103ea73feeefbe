package io.github.keypoints.examples;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.KeypointOverlay;
import io.github.keypoints.data.image.PointStyle;
import io.github.keypoints.models.inference.Detection;
import io.github.keypoints.models.inference.KeypointDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.opencv.core.Mat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Landmarks photos with a saved model: one line per image, optional overlay PNGs, and a JSON
 * summary with every point in original-image pixels.
 */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = {
            "Predict the keypoints of the faces in each image with a saved model directory, in"
                    + " original-image pixels. Without --box, face-crop models landmark every face"
                    + " the face finder (OpenCV's LBP cascade, bundled) finds, largest first, and"
                    + " whole-image models use the whole image.",
            "Example: ./keypoints predict --model runs/300w/model photo.jpg --out overlays --json"
        })
public final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "A saved model directory.")
    Path model;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    List<Path> images;

    @Option(
            names = "--box",
            description =
                    "Face box x,y,w,h in image pixels: once for every image, or once per image.")
    List<String> boxes = new ArrayList<>();

    @Option(names = "--whole-image", description = "Use the whole image instead of a face box.")
    boolean wholeImage;

    @Option(names = "--flip-average", description = "Average with the mirrored prediction.")
    boolean flipAverage;

    @Option(
            names = "--cascade",
            description = "OpenCV face cascade XML (default: the bundled LBP frontal-face one).")
    Path cascade;

    @Option(names = "--engine", description = "PyTorch or MXNet (default: the model's engine).")
    String engine;

    @Option(
            names = "--out",
            description = "Folder for one overlay PNG per image and a report.md linking them.")
    Path out;

    @Spec CommandSpec commandSpec;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (engine != null) {
            EngineSetup.requireEngine(engine);
        }
        List<Optional<Box>> faces = faces();
        for (Path image : images) {
            if (!Files.isRegularFile(image)) {
                throw new IllegalArgumentException("IMAGE " + image + " is not a file");
            }
        }
        if (wholeImage && !boxes.isEmpty()) {
            throw new IllegalArgumentException("use either --box or --whole-image, not both");
        }
        KeypointDetector.Builder b =
                KeypointDetector.builder().setModel(model).optFlipAverage(flipAverage);
        if (engine != null) {
            b.optEngine(engine);
        }
        if (cascade != null) {
            b.optCascade(cascade);
        }
        if (wholeImage) {
            b.optWholeImage(true);
        }
        if (out != null) {
            Files.createDirectories(out);
        }
        List<Map<String, Object>> predictions = new ArrayList<>();
        List<String> faceless = new ArrayList<>();
        KeypointOverlay overlay =
                KeypointOverlay.builder().optFirstStyle(PointStyle.PREDICTION).build();
        try (KeypointDetector detector = b.build()) {
            for (int i = 0; i < images.size(); i++) {
                Path image = images.get(i);
                List<Detection> found =
                        faces.get(i).isPresent()
                                ? List.of(detector.detect(image, faces.get(i)))
                                : detector.detectAll(image);
                if (found.isEmpty()) {
                    System.out.printf(Locale.ROOT, "%s: no face found%n", image);
                    faceless.add(image.toString());
                    continue;
                }
                Path png = out == null ? null : out.resolve(overlayName(image, i));
                for (int f = 0; f < found.size(); f++) {
                    Keypoints k = found.get(f).keypoints();
                    Box box = found.get(f).box();
                    System.out.printf(
                            Locale.ROOT,
                            "%s: face %d of %d, %d points, box %s, mean point (%.1f, %.1f)%n",
                            image,
                            f + 1,
                            found.size(),
                            k.size(),
                            box.toCsv(),
                            mean(k, true),
                            mean(k, false));
                    List<double[]> points = new ArrayList<>();
                    for (int j = 0; j < k.size(); j++) {
                        points.add(new double[] {k.x(j), k.y(j)});
                    }
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("image", image.toString());
                    p.put("face", f);
                    p.put("box", new double[] {box.x(), box.y(), box.width(), box.height()});
                    p.put("points", points);
                    if (png != null) {
                        p.put("overlay", png.toString());
                    }
                    predictions.add(p);
                }
                if (png != null) {
                    Mat color = ImageFiles.read(image, false);
                    try {
                        for (Detection d : found) {
                            overlay.drawBox(color, d.box());
                            overlay.draw(color, d.keypoints());
                        }
                        ImageFiles.write(color, png);
                    } finally {
                        color.release();
                    }
                }
            }
        }
        Path md = null;
        if (out != null) {
            RunReport r = new RunReport(out, "keypoints predict");
            r.paragraph("Made by:").command(TrainingRunReport.commandLine(commandSpec));
            r.paragraph(
                    "Model: `"
                            + model.toAbsolutePath().normalize()
                            + "`. Points and boxes in original-image pixels; the box is the"
                            + " one given, the detected face, or the whole image.");
            List<List<String>> rows = new ArrayList<>();
            for (Map<String, Object> p : predictions) {
                double[] bx = (double[]) p.get("box");
                rows.add(
                        List.of(
                                "`" + p.get("image") + "`",
                                String.format(
                                        Locale.ROOT,
                                        "%.0f,%.0f,%.0f,%.0f",
                                        bx[0],
                                        bx[1],
                                        bx[2],
                                        bx[3]),
                                Integer.toString(((List<?>) p.get("points")).size())));
            }
            r.table(List.of("image", "box x,y,w,h", "points"), rows);
            if (!faceless.isEmpty()) {
                r.paragraph("No face found in: `" + String.join("`, `", faceless) + "`.");
            }
            List<String> drawn = new ArrayList<>();
            for (Map<String, Object> p : predictions) {
                String png = (String) p.get("overlay");
                if (!drawn.contains(png)) {
                    drawn.add(png);
                    r.image(Path.of(png), "prediction on " + p.get("image"));
                }
            }
            md = r.write();
            System.out.println("report: " + md);
        }
        if (json) {
            new JsonSummary()
                    .put("model", model.toString())
                    .put("images", images.size())
                    .put("faces", predictions.size())
                    .put("no_face", faceless)
                    .put("predictions", predictions)
                    .put("report", md == null ? null : md.toString())
                    .print(System.out);
        }
        return 0;
    }

    private List<Optional<Box>> faces() {
        List<Optional<Box>> faces = new ArrayList<>();
        if (boxes.isEmpty()) {
            images.forEach(i -> faces.add(Optional.empty()));
            return faces;
        }
        if (boxes.size() != 1 && boxes.size() != images.size()) {
            throw new IllegalArgumentException(
                    "--box was given "
                            + boxes.size()
                            + " times for "
                            + images.size()
                            + " images; give it once or once per image");
        }
        for (int i = 0; i < images.size(); i++) {
            String text = boxes.get(boxes.size() == 1 ? 0 : i);
            try {
                faces.add(Optional.of(Box.parse(text)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--box: " + e.getMessage(), e);
            }
        }
        return faces;
    }

    private static String overlayName(Path image, int index) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return String.format(Locale.ROOT, "%03d-%s.png", index, stem);
    }

    private static double mean(Keypoints k, boolean x) {
        double s = 0;
        for (int i = 0; i < k.size(); i++) {
            s += x ? k.x(i) : k.y(i);
        }
        return s / k.size();
    }
}
