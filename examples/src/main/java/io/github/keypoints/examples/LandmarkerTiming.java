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
 * The default landmarker end to end, as a user calls it: {@link KeypointDetector} given a face box
 * in a 640×480 photo, per engine; median milliseconds per face at batch 1 and faces per second at
 * batch 32 ({@code detectBatch}).
 */
final class LandmarkerTiming {

    private LandmarkerTiming() {}

    static List<Map<String, Object>> measure(
            Path model,
            List<String> engines,
            int warmup,
            double warmupSeconds,
            int reps,
            int reps32)
            throws IOException {
        Path dir = model;
        Path tmp = null;
        if (dir == null) {
            tmp = Files.createTempDirectory("keypoints-landmarker");
            // Written on the first engine timed: a process that times MXNet alone never loads
            // libtorch.
            dir = untrained(tmp.resolve("model"), engines.get(0));
        }
        OpenCv.load();
        Mat photo = new Mat(480, 640, CvType.CV_8UC3);
        byte[] noise = new byte[480 * 640 * 3];
        new Random(2).nextBytes(noise);
        photo.put(0, 0, noise);
        Box face = new Box(230, 150, 180, 200);
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf(
                Locale.ROOT,
                "landmarker end to end (%s): %-8s %10s %12s%n",
                model == null ? "untrained default recipe" : model,
                "engine",
                "ms/face b1",
                "faces/s b32");
        try {
            for (String engine : engines) {
                try (KeypointDetector d =
                        KeypointDetector.builder()
                                .setModel(dir)
                                .optEngine(engine)
                                .optDevice(Device.cpu())
                                .build()) {
                    double[] t1 = new double[reps];
                    ForwardTiming.warmUp(
                            () -> d.detect(photo, Optional.of(face)), warmup, warmupSeconds);
                    for (int i = 0; i < reps; i++) {
                        long t0 = System.nanoTime();
                        d.detect(photo, Optional.of(face));
                        t1[i] = (System.nanoTime() - t0) / 1e6;
                    }
                    List<Mat> images = Collections.nCopies(32, photo);
                    List<Optional<Box>> boxes = Collections.nCopies(32, Optional.of(face));
                    double[] t32 = new double[reps32];
                    for (int i = -Math.min(warmup, 2); i < reps32; i++) {
                        long t0 = System.nanoTime();
                        d.detectBatch(images, boxes);
                        if (i >= 0) {
                            t32[i] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                    double ms1 = ForwardTiming.median(t1);
                    double fps = 32000.0 / ForwardTiming.median(t32);
                    System.out.printf(
                            Locale.ROOT,
                            "landmarker end to end: %-8s %10.2f %12.1f%n",
                            engine,
                            ms1,
                            fps);
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("engine", engine);
                    r.put("model", model == null ? "untrained default recipe" : model.toString());
                    r.put("input", d.spec().inputWidth() + "x" + d.spec().inputHeight());
                    r.put("ms_per_face_b1", ms1);
                    r.put("faces_per_s_b32", fps);
                    rows.add(r);
                }
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

    private static Path untrained(Path dir, String engine) throws IOException {
        LandmarkRecipe recipe = LandmarkRecipe.ibug68();
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
