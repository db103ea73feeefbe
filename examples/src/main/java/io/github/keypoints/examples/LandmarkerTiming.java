package io.github.keypoints.examples;

import ai.djl.Device;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.inference.KeypointDetector;
import io.github.keypoints.train.LandmarkRecipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Landmarkers end to end, as a user calls them: {@link KeypointDetector} given a face box in a
 * 640×480 photo, per engine; median milliseconds per face at batch 1 and faces per second at batch
 * 32 ({@code detectBatch}). Several landmarkers (saved models, or the untrained networks of named
 * recipes: the time does not depend on the weights) are timed call by call in turn, so the
 * machine's drift falls on all of them alike, and each after the first gets its batch-1 time
 * relative to the first ({@code ratio_ms_b1_to_first}). Optionally each is also timed with flip
 * averaging (two forward inputs per face), in the same turns.
 */
final class LandmarkerTiming {

    private LandmarkerTiming() {}

    /**
     * One landmarker to time: a saved model directory, or the untrained network of a recipe; with
     * or without flip averaging.
     */
    private record Subject(String label, Path saved, String recipe, boolean flip) {}

    static List<Map<String, Object>> measure(
            Path model,
            List<String> recipes,
            List<String> engines,
            int warmup,
            double warmupSeconds,
            int reps,
            int reps32,
            boolean flipToo)
            throws IOException {
        List<Subject> subjects = new ArrayList<>();
        if (model != null) {
            subjects.add(new Subject(model.toString(), model, null, false));
        }
        for (String name : recipes) {
            subjects.add(new Subject("untrained " + name + " recipe", null, name, false));
        }
        if (subjects.isEmpty()) {
            subjects.add(new Subject("untrained ibug68 recipe", null, "ibug68", false));
        }
        if (flipToo) {
            for (Subject s : List.copyOf(subjects)) {
                subjects.add(
                        new Subject(s.label() + ", flip-averaged", s.saved(), s.recipe(), true));
            }
        }
        Path tmp = null;
        List<Path> dirs = new ArrayList<>();
        OpenCv.load();
        Mat photo = new Mat(480, 640, CvType.CV_8UC3);
        byte[] noise = new byte[480 * 640 * 3];
        new Random(2).nextBytes(noise);
        photo.put(0, 0, noise);
        Box face = new Box(230, 150, 180, 200);
        List<Map<String, Object>> rows = new ArrayList<>();
        try {
            for (Subject s : subjects) {
                if (s.flip()) {
                    // The same model as its plain twin, which comes as many places earlier.
                    dirs.add(dirs.get(dirs.size() - subjects.size() / 2));
                } else if (s.saved() != null) {
                    dirs.add(s.saved());
                } else {
                    if (tmp == null) {
                        tmp = Files.createTempDirectory("keypoints-landmarker");
                    }
                    // Written on the first engine timed: a process that times MXNet alone never
                    // loads libtorch.
                    dirs.add(
                            untrained(
                                    tmp.resolve("model-" + dirs.size()),
                                    LandmarkRecipe.named(s.recipe()),
                                    engines.get(0)));
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "landmarker end to end: %-8s %-40s %10s %12s %10s%n",
                    "engine",
                    "landmarker",
                    "ms/face b1",
                    "faces/s b32",
                    "b1 / first");
            for (String engine : engines) {
                rows.addAll(
                        timeOnEngine(
                                subjects,
                                dirs,
                                engine,
                                photo,
                                face,
                                warmup,
                                warmupSeconds,
                                reps,
                                reps32));
            }
        } finally {
            photo.release();
            if (tmp != null) {
                try (var files = Files.walk(tmp)) {
                    for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        return rows;
    }

    /** Times every landmarker on one engine, call by call in turn. */
    private static List<Map<String, Object>> timeOnEngine(
            List<Subject> subjects,
            List<Path> dirs,
            String engine,
            Mat photo,
            Box face,
            int warmup,
            double warmupSeconds,
            int reps,
            int reps32)
            throws IOException {
        int k = subjects.size();
        List<KeypointDetector> detectors = new ArrayList<>();
        try {
            for (int m = 0; m < k; m++) {
                detectors.add(
                        KeypointDetector.builder()
                                .setModel(dirs.get(m))
                                .optEngine(engine)
                                .optDevice(Device.cpu())
                                .optFlipAverage(subjects.get(m).flip())
                                .build());
            }
            for (KeypointDetector d : detectors) {
                ForwardTiming.warmUp(
                        () -> d.detect(photo, Optional.of(face)), warmup, warmupSeconds);
            }
            double[][] t1 = new double[k][reps];
            for (int i = 0; i < reps; i++) {
                for (int m = 0; m < k; m++) {
                    long t0 = System.nanoTime();
                    detectors.get(m).detect(photo, Optional.of(face));
                    t1[m][i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            List<Mat> images = Collections.nCopies(32, photo);
            List<Optional<Box>> boxes = Collections.nCopies(32, Optional.of(face));
            double[][] t32 = new double[k][reps32];
            for (int i = -Math.min(warmup, 2); i < reps32; i++) {
                for (int m = 0; m < k; m++) {
                    long t0 = System.nanoTime();
                    detectors.get(m).detectBatch(images, boxes);
                    if (i >= 0) {
                        t32[m][i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            double first = ForwardTiming.median(t1[0]);
            for (int m = 0; m < k; m++) {
                double ms1 = ForwardTiming.median(t1[m]);
                double fps = 32000.0 / ForwardTiming.median(t32[m]);
                Double ratio = m == 0 ? null : ms1 / first;
                System.out.printf(
                        Locale.ROOT,
                        "landmarker end to end: %-8s %-40s %10.2f %12.1f %10s%n",
                        engine,
                        subjects.get(m).label(),
                        ms1,
                        fps,
                        ratio == null ? "" : String.format(Locale.ROOT, "%.2f", ratio));
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("engine", engine);
                r.put("model", subjects.get(m).label());
                r.put("flip_average", subjects.get(m).flip());
                r.put(
                        "input",
                        detectors.get(m).spec().inputWidth()
                                + "x"
                                + detectors.get(m).spec().inputHeight());
                r.put("ms_per_face_b1", ms1);
                r.put("faces_per_s_b32", fps);
                if (ratio != null) {
                    r.put("ratio_ms_b1_to_first", ratio);
                }
                rows.add(r);
            }
            return rows;
        } finally {
            detectors.forEach(KeypointDetector::close);
        }
    }

    private static Path untrained(Path dir, LandmarkRecipe recipe, String engine)
            throws IOException {
        KeypointBlock block = recipe.newBlock(LandmarkScheme.IBUG_68, 0);
        ModelSpec spec =
                recipe.modelSpec(
                        block,
                        LandmarkScheme.IBUG_68,
                        PixelNormalization.centered(),
                        engine,
                        Map.of("data", "none: untrained, for timing"));
        try (KeypointModel m = KeypointModel.create(spec, engine, Device.cpu())) {
            m.save(dir, Map.of());
        }
        return dir;
    }
}
