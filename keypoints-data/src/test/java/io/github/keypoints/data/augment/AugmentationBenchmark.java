package io.github.keypoints.data.augment;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.dataset.CachedImage;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.data.preprocess.PreparedImage;
import io.github.keypoints.data.preprocess.Preprocessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.opencv.core.Core;
import org.opencv.core.Mat;

/**
 * Benchmark (not a test): augmented samples per second on one core for a 640×480 IMM photo at
 * 240×180, and epoch times over the IMM set without cache, with the in-memory cache and with the
 * disk cache. Run by {@code keypoints-data/bench/augmentation.sh}, which also times the same work
 * in Python OpenCV and prints the ratio.
 *
 * <p>Arguments: {@code --imm DIR} (the IMM folder), {@code --seconds S} (measuring time per rate),
 * {@code --rounds N} (alternating Java/Python rounds, best kept), {@code --python EXE} and {@code
 * --reference SCRIPT} (the Python OpenCV reference, run as a subprocess between Java rounds).
 */
public final class AugmentationBenchmark {

    /** The reference project's augmentation: rotate or shift, random flip, colour jitter. */
    static final Augmentation REFERENCE =
            Augmentation.sequence(
                    Augmentation.oneOf(
                            Augmentation.rotation(15, Center.IMAGE), Augmentation.shift(10)),
                    Augmentation.withProbability(0.5, Augmentation.horizontalFlip()),
                    Augmentation.colorJitter(0.2, 0.2));

    private static final int W = 240;
    private static final int H = 180;

    private AugmentationBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code --imm DIR --seconds S}
     * @throws IOException if the data cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path imm = Path.of("../shared/data/imm_face_db");
        double seconds = 5;
        int rounds = 3;
        String python = null;
        Path reference = Path.of("keypoints-data/bench/augment_reference.py");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--imm" -> imm = Path.of(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--python" -> python = args[i + 1];
                case "--reference" -> reference = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        if (!Files.isDirectory(imm)) {
            throw new IllegalArgumentException("IMM folder not found: " + imm.toAbsolutePath());
        }
        OpenCv.load();
        Core.setNumThreads(1); // per core: OpenCV would otherwise parallelise inside warpAffine
        List<FaceSample> samples =
                DatasetLoader.builder().setPath(imm).optStrict(true).build().load().samples();
        System.out.println("imm_samples=" + samples.size());
        FaceSample first =
                samples.stream()
                        .filter(s -> s.image().getFileName().toString().equals("01-1m.jpg"))
                        .findFirst()
                        .orElse(samples.get(0));
        System.out.println("image=" + first.image());

        Preprocessor pre = Preprocessor.builder().setInputSize(W, H).build();
        AugmentationPipeline pipeline =
                AugmentationPipeline.builder().setAugmentation(REFERENCE).build();
        PixelNormalization norm = PixelNormalization.centered();
        SplittableRandom random = new SplittableRandom(42);
        PreparedImage prepared = pre.prepare(first);
        CachedImage cached = CachedImage.of(prepared.image(), prepared.toInput());
        Runnable fullWork =
                () -> {
                    PreparedImage p = pre.prepare(first);
                    ImageSample out =
                            pipeline.apply(
                                    new ImageSample(p.image(), p.keypoints(), p.faceBox()), random);
                    norm.toChw(out.image());
                    out.release();
                    p.release();
                };
        Runnable cachedWork =
                () -> {
                    Mat m = cached.toMat();
                    ImageSample out =
                            pipeline.apply(
                                    new ImageSample(m, prepared.keypoints(), prepared.faceBox()),
                                    random);
                    norm.toChw(out.image());
                    out.release();
                    m.release();
                };
        // The machine is shared: alternate Java and Python rounds so both see the same load, and
        // keep each side's best round (the one least disturbed by other processes).
        double javaFull = 0;
        double javaCached = 0;
        double pyFull = 0;
        double pyCached = 0;
        // Warm-up, not reported: the JIT compiles the per-pixel loops only after a few hundred
        // calls, and the first measured round should not pay for it.
        rate(Math.min(seconds, 3), fullWork);
        rate(Math.min(seconds, 3), cachedWork);
        for (int round = 0; round < rounds; round++) {
            double jf = rate(seconds, fullWork);
            double jc = rate(seconds, cachedWork);
            System.out.printf(
                    "round=%d java_full_per_sec=%.1f java_cached_per_sec=%.1f%n", round, jf, jc);
            javaFull = Math.max(javaFull, jf);
            javaCached = Math.max(javaCached, jc);
            if (python != null) {
                double[] py = pythonReference(python, reference, first.image(), seconds);
                System.out.printf(
                        "round=%d reference_full_per_sec=%.1f reference_cached_per_sec=%.1f%n",
                        round, py[0], py[1]);
                pyFull = Math.max(pyFull, py[0]);
                pyCached = Math.max(pyCached, py[1]);
            }
        }
        prepared.release();
        System.out.printf(
                "best java_full_per_sec=%.1f java_cached_per_sec=%.1f%n", javaFull, javaCached);
        if (python != null) {
            System.out.printf(
                    "best reference_full_per_sec=%.1f reference_cached_per_sec=%.1f%n",
                    pyFull, pyCached);
            System.out.printf(
                    "ratio_full_java_over_python=%.2f ratio_cached_java_over_python=%.2f%n",
                    javaFull / pyFull, javaCached / pyCached);
        }

        Path cacheDir = Files.createTempDirectory("kp-bench-cache");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            FaceLandmarkDataset.Builder b =
                    FaceLandmarkDataset.builder()
                            .setSamples(samples)
                            .setInputSize(W, H)
                            .optAugmentation(pipeline)
                            .setSampling(32, true);
            // Every epoch augments (as in training); the best of three repeats is reported
            // where an epoch can be repeated, to damp the noise of a shared machine.
            FaceLandmarkDataset none = b.optCache(ImageCache.none()).build();
            epoch(manager, none); // warm-up of the JIT and the engine, not reported
            double uncached = Double.MAX_VALUE;
            for (int e = 1; e <= 3; e++) {
                none.setEpoch(e);
                uncached = Math.min(uncached, epoch(manager, none));
            }
            System.out.printf("epoch_uncached_s=%.3f (best of 3)%n", uncached);
            FaceLandmarkDataset memory = b.optCache(ImageCache.inMemory()).build();
            double coldMemory = epoch(manager, memory);
            double warmMemory = Double.MAX_VALUE;
            for (int e = 1; e <= 3; e++) {
                memory.setEpoch(e);
                warmMemory = Math.min(warmMemory, epoch(manager, memory));
            }
            System.out.printf(
                    "epoch_memory_cold_s=%.3f epoch_memory_warm_s=%.3f (best of 3)%n",
                    coldMemory, warmMemory);
            double coldDisk = epoch(manager, b.optCache(ImageCache.onDisk(cacheDir)).build());
            double warmDisk = Double.MAX_VALUE;
            for (int e = 1; e <= 3; e++) {
                // A new dataset each time: only the files written by the first one are reused.
                FaceLandmarkDataset again = b.optCache(ImageCache.onDisk(cacheDir)).build();
                again.setEpoch(e);
                warmDisk = Math.min(warmDisk, epoch(manager, again));
            }
            System.out.printf(
                    "epoch_disk_cold_s=%.3f epoch_disk_warm_s=%.3f (best of 3, new dataset each)%n",
                    coldDisk, warmDisk);
        } finally {
            try (Stream<Path> files = Files.walk(cacheDir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static double[] pythonReference(String python, Path script, Path image, double seconds)
            throws IOException {
        String name = image.getFileName().toString();
        Path asf = image.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".asf");
        Process p =
                new ProcessBuilder(
                                python,
                                script.toString(),
                                image.toString(),
                                asf.toString(),
                                Double.toString(seconds))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("Python reference failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting for the Python reference", e);
        }
        double[] r = new double[2];
        for (String kv : out.split("\\s+")) {
            String[] parts = kv.split("=");
            if (parts[0].equals("reference_full_per_sec")) {
                r[0] = Double.parseDouble(parts[1]);
            } else if (parts[0].equals("reference_cached_per_sec")) {
                r[1] = Double.parseDouble(parts[1]);
            }
        }
        if (r[0] == 0 || r[1] == 0) {
            throw new IOException("Unexpected Python reference output: " + out);
        }
        return r;
    }

    private static double epoch(NDManager manager, FaceLandmarkDataset ds) throws IOException {
        long start = System.nanoTime();
        for (long i = 0; i < ds.size(); i++) {
            try (NDManager m = manager.newSubManager()) {
                ds.get(m, i);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double rate(double seconds, Runnable work) {
        for (int i = 0; i < 50; i++) {
            work.run();
        }
        long n = 0;
        long start = System.nanoTime();
        while (true) {
            for (int i = 0; i < 50; i++) {
                work.run();
            }
            n += 50;
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (elapsed >= seconds) {
                return n / elapsed;
            }
        }
    }
}
