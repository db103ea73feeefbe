package io.github.keypoints.examples;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.io.FileTrees;
import io.github.keypoints.morph.Face;
import io.github.keypoints.morph.FaceFrame;
import io.github.keypoints.morph.ImageBuffer;
import io.github.keypoints.morph.MeanFace;
import io.github.keypoints.morph.MorphChain;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keypoints bench morph}: morph frames through the 40 neutral IMM faces and the mean face of
 * all 240, in Java and in the Python + OpenCV per-triangle reference on exactly the same points and
 * triangles, with the ratios: Java on one thread against one Python process, and Java on every core
 * against one Python process per core (the reference splits the frames, or the faces, into
 * contiguous shares).
 */
@Command(
        name = "morph",
        mixinStandardHelpOptions = true,
        description = {
            "Time 640x480 morph frames through the neutral IMM faces and the mean face of all IMM"
                    + " faces, against a Python + OpenCV per-triangle bounding-box warp of the"
                    + " same frames (keypoints-morph/bench/morph_reference.py): Java on one"
                    + " thread against one Python process, Java on every core against one forked"
                    + " Python process per core, each part and worker count in a Python process"
                    + " of its own."
        })
public final class BenchMorphCommand implements Callable<Integer> {

    /**
     * The CPU time per wall time above which the one-process Python reference is reported as using
     * more than one core (its threads, or its libraries', on the other core): measured 1.00 when it
     * runs on one core, 1.53–1.62 in four runs with NumPy's OpenMP BLAS threads spinning, 1.39 on
     * the bench test's small job (2026-12-05).
     */
    static final double ONE_CORE_SLACK = 1.15;

    @Spec private CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description =
                    "The IMM folder (default: imm_face_db under the keypoints.shared.data"
                            + " property, else ../shared/data/imm_face_db).")
    private Path data;

    @Option(
            names = "--frames",
            defaultValue = "10",
            paramLabel = "N",
            description = "Frames per transition of the chain (default: ${DEFAULT-VALUE}).")
    private int frames;

    @Option(
            names = "--python",
            paramLabel = "EXE",
            description = "Python for the reference (default: /usr/bin/python3, else python3).")
    private String python;

    @Option(
            names = "--script",
            paramLabel = "FILE",
            description = "The reference script (default: found from the working folder).")
    private Path script;

    @Option(names = "--no-reference", description = "Skip the Python reference.")
    private boolean noReference;

    @Option(
            names = "--work",
            paramLabel = "DIR",
            description =
                    "Keep the exchange file and the Python pictures in DIR (default: a temporary"
                            + " folder, deleted).")
    private Path workDir;

    @Option(names = "--json", description = "Print a one-line JSON summary as the last line.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        if (frames < 1) {
            throw BenchCommand.bad(spec, "--frames: expected N >= 1, found " + frames);
        }
        Path dir = data != null ? data : defaultData();
        if (!Files.isDirectory(dir)) {
            throw BenchCommand.bad(spec, "--data: IMM folder not found: " + dir);
        }
        Path ref = null;
        if (!noReference) {
            ref = script != null ? script : findScript();
            if (ref == null || !Files.isRegularFile(ref)) {
                throw BenchCommand.bad(
                        spec,
                        "--script: reference script not found"
                                + (ref == null ? "" : " at " + ref)
                                + "; run from the repository or pass --script");
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<FaceSample> all = FaceSelection.load(dir);
        List<FaceSample> neutral = FaceSelection.glob(all, "*-1?.jpg", "--data");
        out.printf(
                "IMM: %d faces, %d neutral; %d cores; Java %s%n",
                all.size(), neutral.size(), cores, System.getProperty("java.version"));

        // --- morph chain ---
        List<Face> chainFaces = new ArrayList<>();
        for (FaceSample s : neutral) {
            chainFaces.add(FaceSelection.decode(s));
        }
        int w = 640, h = 480;
        MorphChain chain = MorphChain.of(chainFaces, FaceFrame.fitting(chainFaces, w, h));
        List<double[]> plan = new ArrayList<>(); // i, j, t
        for (int i = 0; i + 1 < chainFaces.size(); i++) {
            for (int k = 0; k < frames; k++) {
                plan.add(new double[] {i, i + 1, (double) k / frames});
            }
        }
        plan.add(new double[] {chainFaces.size() - 1, chainFaces.size() - 1, 0});
        int checkFrame = Math.min(plan.size() - 1, frames / 2);
        ImageBuffer[] checked = new ImageBuffer[1];
        MorphChain sequentialChain = chain.sequential();
        // Warm up the JIT on the whole chain (both variants), then time it, in parallel and on
        // one thread.
        runChain(chain, plan, -1, null);
        runChain(sequentialChain, plan, -1, null);
        double javaFrameMs = runChain(chain, plan, checkFrame, checked);
        double javaFrameCpuMs = lastCpuMs;
        double javaFrameMsSeq = runChain(sequentialChain, plan, -1, null);
        double javaFrameCpuMsSeq = lastCpuMs;
        out.printf(
                "Java morph: %d frames %dx%d, %d triangles: %.2f ms/frame (%d threads), %.2f"
                        + " ms/frame (1 thread); CPU %.2f / %.2f ms/frame%n",
                plan.size(),
                w,
                h,
                chain.triangulation().size(),
                javaFrameMs,
                cores,
                javaFrameMsSeq,
                javaFrameCpuMs,
                javaFrameCpuMsSeq);
        double floorMs = openCvFloor(chainFaces, plan, w, h);
        out.printf(
                "OpenCV floor (two whole-image warpAffine + addWeighted per frame, no triangles,"
                        + " 1 thread): %.2f ms/frame; Java 1 thread / floor %.2fx%n",
                floorMs, javaFrameMsSeq / floorMs);
        chainFaces.clear();

        // --- mean face of all faces ---
        List<Keypoints> shapes = all.stream().map(FaceSample::keypoints).toList();
        MeanFace mean = MeanFace.builder().setSize(w, h).build();
        MeanFace.Plan meanPlan = mean.plan(shapes, i -> w, i -> h);
        int[] sizes = MeanFaceCommand.imageSizes(all);
        for (int i = 0; i < all.size(); i++) {
            if (sizes[2 * i] != w || sizes[2 * i + 1] != h) {
                throw new IllegalArgumentException(
                        "Expected 640x480 IMM images, "
                                + all.get(i).image()
                                + " is "
                                + sizes[2 * i]
                                + "x"
                                + sizes[2 * i + 1]);
            }
        }
        long t0 = System.nanoTime();
        List<Face> decoded = new ArrayList<>();
        for (FaceSample s : all) {
            decoded.add(FaceSelection.decode(s));
        }
        double javaDecodeMs = (System.nanoTime() - t0) / 1e6 / all.size();
        mean.compute(decoded.subList(0, Math.min(40, decoded.size()))); // warm-up
        // The 240 decoded faces (about 220 MB) are this harness's, not the library's: let the
        // collector move them out of the young generation before the clock starts, or a pause
        // copying them (up to 350 ms seen) lands inside the timed mean face at random.
        System.gc();
        t0 = System.nanoTime();
        long c0 = cpuNanos();
        MeanFace.Result meanResult = mean.compute(decoded);
        double javaMeanExcl = (System.nanoTime() - t0) / 1e9;
        double javaMeanExclCpu = (cpuNanos() - c0) / 1e9;
        System.gc();
        t0 = System.nanoTime();
        MeanFace.builder().setSize(w, h).optThreads(1).build().compute(decoded);
        double javaMeanExclSeq = (System.nanoTime() - t0) / 1e9;
        decoded.clear();
        System.gc();
        t0 = System.nanoTime();
        c0 = cpuNanos();
        mean.compute(shapes, i -> w, i -> h, i -> FaceSelection.decode(all.get(i)));
        double javaMeanIncl = (System.nanoTime() - t0) / 1e9;
        double javaMeanInclCpu = (cpuNanos() - c0) / 1e9;
        out.printf(
                "Java mean face of %d: %.3f s decode excluded (%d threads), %.3f s (1 thread);"
                        + " %.3f s decode included; JPEG decode %.2f ms/image; CPU %.3f s"
                        + " excluded, %.3f s included%n",
                all.size(),
                javaMeanExcl,
                cores,
                javaMeanExclSeq,
                javaMeanIncl,
                javaDecodeMs,
                javaMeanExclCpu,
                javaMeanInclCpu);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("faces", all.size());
        summary.put("chainFaces", neutral.size());
        summary.put("frames", plan.size());
        summary.put("cores", cores);
        summary.put("javaFrameMs", javaFrameMs);
        summary.put("javaFrameMsOneThread", javaFrameMsSeq);
        summary.put("openCvFloorFrameMsOneThread", floorMs);
        summary.put("javaOneThreadOverFloor", javaFrameMsSeq / floorMs);
        summary.put("javaFrameCpuMs", javaFrameCpuMs);
        summary.put("javaFrameCpuMsOneThread", javaFrameCpuMsSeq);
        summary.put("javaMeanCpuSecondsDecodeExcluded", javaMeanExclCpu);
        summary.put("javaMeanCpuSecondsDecodeIncluded", javaMeanInclCpu);
        summary.put("javaMeanSecondsDecodeExcluded", javaMeanExcl);
        summary.put("javaMeanSecondsDecodeExcludedOneThread", javaMeanExclSeq);
        summary.put("javaMeanSecondsDecodeIncluded", javaMeanIncl);
        summary.put("javaDecodeMsPerImage", javaDecodeMs);

        if (workDir != null) {
            Files.createDirectories(workDir);
            writeExchange(
                    workDir.resolve("exchange.json"),
                    neutral,
                    chain,
                    plan,
                    checkFrame,
                    all,
                    meanPlan,
                    w,
                    h);
        }
        if (ref != null) {
            Path work =
                    workDir != null ? workDir : Files.createTempDirectory("keypoints-bench-morph");
            try {
                Path exchange = work.resolve("exchange.json");
                writeExchange(exchange, neutral, chain, plan, checkFrame, all, meanPlan, w, h);
                // Each part (frames, mean face) and each worker count runs in a Python process
                // of its own: one process, as Java's one-thread figures, and one forked process
                // per core, as Java's all-core figures.
                int workers = Math.max(1, cores);
                JsonObject pyFrames = runPython(ref, exchange, work, out, "frames", 1);
                JsonObject pyMean = runPython(ref, exchange, work, out, "mean", 1);
                JsonObject pyFramesN =
                        workers > 1
                                ? runPython(ref, exchange, work, out, "frames", workers)
                                : pyFrames;
                JsonObject pyMeanN =
                        workers > 1 ? runPython(ref, exchange, work, out, "mean", workers) : pyMean;
                double pyFrame1 = pyFrames.get("frameMs").getAsDouble();
                double pyFrameN = pyFramesN.get("frameMs").getAsDouble();
                double pyExcl1 = pyMean.get("meanSecondsDecodeExcluded").getAsDouble();
                double pyExclN = pyMeanN.get("meanSecondsDecodeExcluded").getAsDouble();
                double pyInclN = pyMeanN.get("meanSecondsDecodeIncluded").getAsDouble();
                double pyDecode = pyMean.get("decodeMsPerImage").getAsDouble();
                double pyFrameCpu = pyFrames.get("frameCpuMs").getAsDouble();
                double pyExclCpu = pyMean.get("meanCpuSecondsDecodeExcluded").getAsDouble();
                double frameDiff = meanAbsDiff(checked[0], work.resolve("python-frame.png"));
                double meanDiff = meanAbsDiff(meanResult.image(), work.resolve("python-mean.png"));
                String suffix = workers > 1 ? "-workers.png" : ".png";
                double frameDiffN = meanAbsDiff(checked[0], work.resolve("python-frame" + suffix));
                double meanDiffN =
                        meanAbsDiff(meanResult.image(), work.resolve("python-mean" + suffix));
                out.printf(
                        "Python+OpenCV %s reference, one process: %.2f ms/frame, mean face %.3f s"
                                + " decode excluded; %d processes: %.2f ms/frame, mean face %.3f s"
                                + " decode excluded, %.3f s included; decode %.2f ms/image%n",
                        pyFrames.get("cv2").getAsString(),
                        pyFrame1,
                        pyExcl1,
                        workers,
                        pyFrameN,
                        pyExclN,
                        pyInclN,
                        pyDecode);
                out.printf(
                        "ratio (Python / Java): frame %.2fx on %d cores each, %.2fx on one; mean"
                                + " face %.2fx on %d cores each (%.2fx decode included), %.2fx on"
                                + " one%n",
                        pyFrameN / javaFrameMs,
                        workers,
                        pyFrame1 / javaFrameMsSeq,
                        pyExclN / javaMeanExcl,
                        workers,
                        pyInclN / javaMeanIncl,
                        pyExcl1 / javaMeanExclSeq);
                out.printf(
                        "CPU time, Python's one process: %.2f ms/frame, %.3f s mean face; ratio"
                                + " (Python / Java) frame %.2fx (Java on one thread), mean face"
                                + " %.2fx (Java on all cores)%n",
                        pyFrameCpu,
                        pyExclCpu,
                        pyFrameCpu / javaFrameCpuMsSeq,
                        pyExclCpu / javaMeanExclCpu);
                double pyCores = pyFrameCpu / pyFrame1;
                if (pyCores > ONE_CORE_SLACK) {
                    spec.commandLine()
                            .getErr()
                            .printf(
                                    "warning: the one-process Python reference used %.2f ms of CPU"
                                            + " per %.2f ms frame (%.2f cores): its one-core"
                                            + " ratios set Java's one thread against more than"
                                            + " one core%n",
                                    pyFrameCpu, pyFrame1, pyCores);
                }
                out.printf(
                        "same triangles check: mean |Java - Python| = %.2f grey levels (frame %d),"
                                + " %.2f (mean face); %d processes: %.2f, %.2f%n",
                        frameDiff, checkFrame, meanDiff, workers, frameDiffN, meanDiffN);
                summary.put("pythonWorkers", workers);
                summary.put(
                        "pythonPids",
                        List.of(
                                pyFrames.get("pid").getAsLong(),
                                pyMean.get("pid").getAsLong(),
                                pyFramesN.get("pid").getAsLong(),
                                pyMeanN.get("pid").getAsLong()));
                summary.put("pythonFrameMsOneProcess", pyFrame1);
                summary.put("pythonFrameMs", pyFrameN);
                summary.put("pythonMeanSecondsDecodeExcludedOneProcess", pyExcl1);
                summary.put("pythonMeanSecondsDecodeExcluded", pyExclN);
                summary.put("pythonMeanSecondsDecodeIncluded", pyInclN);
                summary.put("pythonDecodeMsPerImage", pyDecode);
                summary.put("pythonFrameCpuMs", pyFrameCpu);
                summary.put("pythonOneProcessCores", pyCores);
                summary.put("pythonMeanCpuSecondsDecodeExcluded", pyExclCpu);
                summary.put("frameRatio", pyFrameN / javaFrameMs);
                summary.put("frameRatioOneThread", pyFrame1 / javaFrameMsSeq);
                summary.put("frameCpuRatio", pyFrameCpu / javaFrameCpuMsSeq);
                summary.put("meanRatioDecodeExcluded", pyExclN / javaMeanExcl);
                summary.put("meanRatioDecodeExcludedOneThread", pyExcl1 / javaMeanExclSeq);
                summary.put("meanRatioDecodeIncluded", pyInclN / javaMeanIncl);
                summary.put("meanCpuRatioDecodeExcluded", pyExclCpu / javaMeanExclCpu);
                summary.put("frameMeanAbsDiff", frameDiff);
                summary.put("meanFaceMeanAbsDiff", meanDiff);
                summary.put("frameMeanAbsDiffWorkers", frameDiffN);
                summary.put("meanFaceMeanAbsDiffWorkers", meanDiffN);
            } finally {
                if (workDir == null) {
                    FileTrees.delete(work);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        summary.put("seconds", seconds);
        if (json) {
            JsonSummary js = new JsonSummary();
            summary.forEach(js::put);
            out.println(js.toJson());
        }
        out.flush();
        return 0;
    }

    /**
     * Times a lower bound for any one-thread morph frame: OpenCV's own SIMD {@code warpAffine} of
     * both whole 640×480 sources (bilinear, one affine each, no triangles, no masks) and {@code
     * addWeighted}, per planned frame, with OpenCV on one thread. Every output pixel is
     * interpolated once from each face, as in the library's warp; what the library adds — the
     * triangles, a different affine per triangle — only costs more. Returns ms per frame.
     */
    private static double openCvFloor(List<Face> faces, List<double[]> plan, int w, int h) {
        int threads = Core.getNumThreads();
        List<Mat> mats = new ArrayList<>();
        Mat warpedA = new Mat();
        Mat warpedB = new Mat();
        Mat frame = new Mat();
        Mat affine = Imgproc.getRotationMatrix2D(new Point(w / 2.0, h / 2.0), 2.0, 0.95);
        Size size = new Size(w, h);
        byte[] pixels = new byte[w * h * 3];
        try {
            Core.setNumThreads(1);
            for (Face f : faces) {
                mats.add(f.image().toMat());
            }
            long t0 = 0;
            for (int pass = 0; pass < 2; pass++) { // the first pass warms up
                t0 = System.nanoTime();
                for (double[] p : plan) {
                    int flags = Imgproc.INTER_LINEAR | Imgproc.WARP_INVERSE_MAP;
                    Imgproc.warpAffine(
                            mats.get((int) p[0]),
                            warpedA,
                            affine,
                            size,
                            flags,
                            Core.BORDER_REPLICATE);
                    Imgproc.warpAffine(
                            mats.get((int) p[1]),
                            warpedB,
                            affine,
                            size,
                            flags,
                            Core.BORDER_REPLICATE);
                    Core.addWeighted(warpedA, 1 - p[2], warpedB, p[2], 0, frame);
                    frame.get(0, 0, pixels); // the library hands back a byte[] too
                }
            }
            return (System.nanoTime() - t0) / 1e6 / plan.size();
        } finally {
            Core.setNumThreads(threads);
            mats.forEach(Mat::release);
            warpedA.release();
            warpedB.release();
            frame.release();
            affine.release();
        }
    }

    /** CPU time of the whole JVM process in ns (all threads), to see through a busy machine. */
    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    /** CPU ms per frame of the last {@link #runChain} call. */
    private double lastCpuMs;

    private double runChain(MorphChain chain, List<double[]> plan, int keep, ImageBuffer[] kept) {
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        for (int k = 0; k < plan.size(); k++) {
            int i = (int) plan.get(k)[0];
            int j = (int) plan.get(k)[1];
            double t = plan.get(k)[2];
            ImageBuffer f = chain.frame(i, j, t, t);
            if (k == keep) {
                kept[0] = f;
            }
        }
        lastCpuMs = (cpuNanos() - c0) / 1e6 / plan.size();
        return (System.nanoTime() - t0) / 1e6 / plan.size();
    }

    private static void writeExchange(
            Path file,
            List<FaceSample> neutral,
            MorphChain chain,
            List<double[]> plan,
            int checkFrame,
            List<FaceSample> all,
            MeanFace.Plan meanPlan,
            int w,
            int h)
            throws IOException {
        Map<String, Object> ex = new LinkedHashMap<>();
        ex.put("width", w);
        ex.put("height", h);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("images", neutral.stream().map(s -> s.image().toString()).toList());
        List<double[]> sources = new ArrayList<>();
        List<double[]> aligned = new ArrayList<>();
        for (int i = 0; i < neutral.size(); i++) {
            sources.add(chain.sourcePoints(i));
            aligned.add(chain.alignedPoints(i));
        }
        c.put("sources", sources);
        c.put("aligned", aligned);
        c.put("triangles", chain.triangulation().toArray());
        c.put("frames", plan);
        c.put("checkFrame", checkFrame);
        ex.put("chain", c);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", all.stream().map(s -> s.image().toString()).toList());
        m.put("sources", meanPlan.sources());
        m.put("destination", meanPlan.destination());
        m.put("triangles", meanPlan.triangulation().toArray());
        ex.put("mean", m);
        Files.writeString(file, new Gson().toJson(ex), StandardCharsets.UTF_8);
    }

    private JsonObject runPython(
            Path ref, Path exchange, Path work, PrintWriter out, String part, int workers)
            throws IOException, InterruptedException {
        String exe =
                python != null
                        ? python
                        : (Files.isExecutable(Path.of("/usr/bin/python3"))
                                ? "/usr/bin/python3"
                                : "python3");
        out.println(
                "running the Python reference: "
                        + exe
                        + " "
                        + ref
                        + " --part "
                        + part
                        + " --workers "
                        + workers);
        out.flush();
        Path log = work.resolve("python-" + part + "-" + workers + ".out");
        Process p =
                new ProcessBuilder(
                                exe,
                                ref.toString(),
                                exchange.toString(),
                                work.toString(),
                                "--part",
                                part,
                                "--workers",
                                Integer.toString(workers))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("The Python reference did not finish in 30 minutes");
        }
        List<String> lines = Files.readAllLines(log);
        if (p.exitValue() != 0 || lines.isEmpty()) {
            throw new IllegalStateException(
                    "The Python reference "
                            + ref
                            + " failed (exit "
                            + p.exitValue()
                            + "): "
                            + String.join("\n", lines));
        }
        return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    }

    private static double meanAbsDiff(ImageBuffer java, Path png) {
        Mat m = ImageFiles.read(png, false);
        try {
            ImageBuffer py = ImageBuffer.fromMat(m);
            if (py.data().length != java.data().length) {
                throw new IllegalStateException(
                        "Python picture " + png + " is " + py + ", Java's is " + java);
            }
            long sum = 0;
            for (int i = 0; i < py.data().length; i++) {
                sum += Math.abs((py.data()[i] & 0xff) - (java.data()[i] & 0xff));
            }
            return (double) sum / py.data().length;
        } finally {
            m.release();
        }
    }

    private static Path defaultData() {
        String shared = System.getProperty("keypoints.shared.data");
        return shared != null
                ? Path.of(shared, "imm_face_db")
                : Path.of("..", "shared", "data", "imm_face_db");
    }

    private static Path findScript() {
        Path rel = Path.of("keypoints-morph", "bench", "morph_reference.py");
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(rel))) {
                return d.resolve(rel);
            }
        }
        try {
            Path classes =
                    Path.of(
                            BenchMorphCommand.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
            for (Path d = classes; d != null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve(rel))) {
                    return d.resolve(rel);
                }
            }
        } catch (java.net.URISyntaxException | SecurityException e) {
            return null;
        }
        return null;
    }
}
