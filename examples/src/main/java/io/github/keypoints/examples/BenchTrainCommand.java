package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.reflect.TypeToken;
import io.github.keypoints.data.dataset.TensorUpload;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.OptimizerStep;
import io.github.keypoints.train.ResumableAdam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keypoints bench train}: the training-step time (forward, backward, Adam) of the reference
 * networks on each engine next to the same network in Python PyTorch ({@code bench/train_step.py})
 * on the same machine and thread count, plus inference time. The Java step enters the network as
 * {@code KeypointTrainer} does, through {@code Trainer.forward(data, labels)}: a {@code
 * SequentialBlock} has a separate path for that call, and a benchmark that took the other one once
 * timed a layout the trainer did not get.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Training-step time (forward+backward+Adam) of the 58-point net at 240x180 batch 32 and"
                    + " the nose-tip net at 80x60 batch 15, per engine, against Python PyTorch;"
                    + " plus inference ms/face at batch 1 and images/s at batch 32 of the network"
                    + " as trained: its parameters still take gradients, so PyTorch runs it layer"
                    + " by layer and MXNet as a graph without oneDNN fusion, against Python eager."
                    + " A frozen network, as KeypointDetector loads one, runs as one TorchScript"
                    + " module or fused graph: 'keypoints bench infer' times that against the"
                    + " faster of Python eager and TorchScript.",
            "Page faults per step (java_faults_per_step, python_faults_per_step): each process's"
                    + " minor page faults during the timed steps, per step.",
            "Adam's kernel (java_adam_fused_share): the share of Java steps whose update was"
                    + " libtorch's fused Adam kernel (PyTorch's default) rather than DJL's"
                    + " per-parameter kernel; KEYPOINTS_JAVA_OPTS=-Dkeypoints.fusedAdam=false"
                    + " times DJL's.",
            "Installs Debian's python3-torch with apt-get if 'import torch' fails, and"
                    + " Debian's OpenMP build of OpenBLAS"
                    + " (libopenblas0-openmp), which the Python side runs on, if it is missing."
        })
public final class BenchTrainCommand implements Callable<Integer> {

    @Mixin BenchSides sides;

    @Spec private CommandSpec spec;

    @Option(
            names = "--cases",
            defaultValue = "imm58,nose-tip",
            split = ",",
            description =
                    "Cases (default ${DEFAULT-VALUE}); also resnet18: ResNet-18 at 224x224, batch"
                            + " 16, 136 outputs, 3 timed steps after 1. Each case's Python side"
                            + " runs in a process of its own, in every round and in the pairs"
                            + " (python_pid, python_pid_paired). Timed in the process that had"
                            + " trained the 58-point case first, the PyTorch nose tip read 0.87-0.90;"
                            + " with a process per case 0.93-0.94 (docs/performance-training.md).")
    List<String> cases;

    private record Case(
            String name, int batch, int width, int height, int outputs, int reps, int warmup) {}

    private static Case lookup(String name) {
        switch (name) {
            case "imm58":
                return new Case("imm58", 32, 240, 180, 116, 5, 2);
            case "nose-tip":
                return new Case("nose-tip", 15, 80, 60, 2, 20, 10);
            case "resnet18":
                return new Case("resnet18", 16, 224, 224, 136, 3, 1);
            default:
                throw new IllegalArgumentException(
                        "--cases: unknown case '" + name + "'; known: imm58, nose-tip, resnet18");
        }
    }

    @Option(
            names = "--rounds",
            defaultValue = "1",
            description =
                    "Alternate the Python and the Java side this many times and report the"
                            + " medians, ratios per round included (default ${DEFAULT-VALUE}; an"
                            + " odd count gives a true median, an even one the upper middle):"
                            + " the machine's speed drifts between processes, and alternating"
                            + " keeps a drift from landing on one side only.")
    int rounds;

    @Option(
            names = "--pairs",
            defaultValue = "0",
            description =
                    "After the rounds, time each case's step again in this many pairs of blocks"
                            + " (the case's timed step count each), Java and Python in turn (Java"
                            + " first in odd pairs, Python first in even ones), with both networks"
                            + " and optimisers kept in their own processes, and report the median"
                            + " of the per-pair ratios (ratio_paired; default ${DEFAULT-VALUE}:"
                            + " off). The machine's speed drifts by tens of percent within"
                            + " seconds; a pair's two blocks are seconds apart, a round's two"
                            + " measurements of a case tens of seconds.")
    int pairs;

    @Option(
            names = "--warmup",
            description =
                    "Untimed training steps before the timed ones, on both sides (default: 2 for"
                            + " imm58, 10 for nose-tip): a JVM's first steps also pay for its JIT"
                            + " compiler, which shares the cores.")
    Integer warmup;

    @Option(
            names = "--gradients",
            defaultValue = "fresh",
            paramLabel = "WHERE",
            description =
                    "Where the Java step's backward pass leaves the gradients (java_gradients):"
                            + " 'fresh' (default), on PyTorch arrays of the step's own, as"
                            + " KeypointTrainer's runs do unless a listener from outside the"
                            + " library might read the parameters' gradients; 'accumulated', added"
                            + " into the parameters' gradient arrays and cleared after the step, as"
                            + " DJL's GradientCollector does. MXNet accumulates either way.")
    String gradients;

    @Option(
            names = "--profile",
            paramLabel = "DIR",
            description =
                    "Also record the timed number of training steps per case under the operator"
                            + " profiler, on PyTorch in Java (libtorch's profiler) and in Python"
                            + " (torch.autograd.profiler), as Chrome traces"
                            + " DIR/{java,python}-CASE_WxH_train-Np.json (the profiler slows a"
                            + " step, so these are not the timings); bench/op_profile.py DIR"
                            + " prints them side by side.")
    Path profile;

    /** The numeric fields of a training row, which rounds combine into medians. */
    private static final List<String> TRAIN_TIMINGS =
            List.of(
                    "java_ms",
                    "python_ms",
                    "ratio",
                    "java_forward_ms",
                    "python_forward_ms",
                    "java_backward_ms",
                    "python_backward_ms",
                    "java_step_ms",
                    "python_step_ms",
                    "java_small_op_us",
                    "python_small_op_us",
                    "java_faults_per_step",
                    "python_faults_per_step",
                    "java_adam_fused_share");

    /** The numeric fields of an inference row. */
    private static final List<String> INFER_TIMINGS =
            List.of(
                    "java_ms_per_face_b1",
                    "python_ms_per_face_b1",
                    "java_images_per_s_b32",
                    "python_images_per_s_b32");

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            throw BenchCommand.bad(spec, "--rounds must be >= 1, got " + rounds);
        }
        if (pairs < 0) {
            throw BenchCommand.bad(spec, "--pairs must be >= 0, got " + pairs);
        }
        if (warmup != null && warmup < 0) {
            throw BenchCommand.bad(spec, "--warmup must be >= 0, got " + warmup);
        }
        if (!List.of("fresh", "accumulated").contains(gradients.strip().toLowerCase(Locale.ROOT))) {
            throw BenchCommand.bad(
                    spec, "--gradients must be fresh or accumulated, got '" + gradients + "'");
        }
        List<Case> selected = new ArrayList<>();
        for (String c : new LinkedHashSet<>(cases)) {
            selected.add(lookup(c));
        }
        int n = sides.setUp();
        sides.noteIfSeveralEngines(
                "bench train",
                "the nose-tip step read 0.95-1.12 that way against 0.91-1.05 alone"
                        + " (docs/performance.md, \"Current figures\")");
        List<List<Map<String, Object>>> trainPerRound = new ArrayList<>();
        List<List<Map<String, Object>>> inferPerRound = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            if (rounds > 1) {
                System.err.printf(Locale.ROOT, "bench train: round %d of %d%n", round, rounds);
            }
            List<Map<String, Object>> trainRows = new ArrayList<>();
            List<Map<String, Object>> inferRows = new ArrayList<>();
            oneRound(n, selected, runPython(n, selected), trainRows, inferRows);
            trainPerRound.add(trainRows);
            inferPerRound.add(inferRows);
        }
        List<Map<String, Object>> trainRows = RoundMedians.combine(trainPerRound, TRAIN_TIMINGS);
        List<Map<String, Object>> inferRows = RoundMedians.combine(inferPerRound, INFER_TIMINGS);
        if (rounds > 1) {
            System.out.printf(Locale.ROOT, "medians over %d alternating rounds:%n", rounds);
            for (Map<String, Object> r : trainRows) {
                System.out.printf(
                        Locale.ROOT,
                        "%-9s %-8s java_ms %10.1f python_ms %10.1f ratio %6.2f (rounds %s)%n",
                        r.get("name"),
                        r.get("engine"),
                        (Double) r.get("java_ms"),
                        (Double) r.get("python_ms"),
                        (Double) r.get("ratio"),
                        RoundMedians.format(r.get("ratio_rounds")));
            }
        }
        if (pairs > 0) {
            paired(n, selected, trainRows);
        }
        System.out.println(
                "inference of the network as trained (ms/face at batch 1, images/s at batch 32;"
                        + " Java layer by layer or unfused, as trainable parameters run, Python"
                        + " eager; a frozen network: see 'bench infer'):");
        for (Map<String, Object> r : inferRows) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-9s %-8s java %.2f ms, %.1f img/s | python %.2f ms, %.1f img/s%n",
                    r.get("name"),
                    r.get("engine"),
                    r.get("java_ms_per_face_b1"),
                    r.get("java_images_per_s_b32"),
                    r.get("python_ms_per_face_b1"),
                    r.get("python_images_per_s_b32"));
        }
        if (sides.json) {
            new JsonSummary()
                    .put("native", BenchSides.nativeSettings())
                    .put("threads", n)
                    .put("rounds", rounds)
                    .put("cases", trainRows)
                    .put("inference", inferRows)
                    .print(System.out);
        }
        return 0;
    }

    /** One round: the Java side of every case and engine, against this round's Python times. */
    private void oneRound(
            int n,
            List<Case> selected,
            Map<String, Map<String, Double>> py,
            List<Map<String, Object>> trainRows,
            List<Map<String, Object>> inferRows)
            throws IOException {
        System.out.printf(
                Locale.ROOT, "threads %d; python torch %s%n", n, py.get("_version").keySet());
        System.out.println("native: " + BenchSides.nativeSettings());
        System.out.printf(
                Locale.ROOT,
                "%-9s %-8s %5s %8s %10s %10s %6s%n",
                "case",
                "engine",
                "batch",
                "input",
                "java_ms",
                "python_ms",
                "ratio");
        for (Case c : selected) {
            for (String engine : sides.engines) {
                double[] j =
                        measure(
                                c,
                                engine,
                                gradients(),
                                profile,
                                warmup == null ? c.warmup() : warmup);
                Map<String, Double> p = py.get(c.name());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", c.name());
                row.put("engine", engine);
                row.put("batch", c.batch());
                row.put("input", c.width() + "x" + c.height());
                row.put("java_ms", j[0]);
                row.put("python_ms", p.get("train_ms"));
                row.put("ratio", j[0] / p.get("train_ms"));
                row.put("java_faults_per_step", Double.isNaN(j[7]) ? null : j[7]);
                row.put("python_faults_per_step", p.get("faults_per_step"));
                row.put("python_pid", p.get("pid") == null ? null : p.get("pid").longValue());
                row.put("java_adam_fused_share", j[8]);
                row.put("java_gradients", j[9] > 0 ? "fresh" : "accumulated");
                if ("PyTorch".equals(engine)) {
                    row.put("java_forward_ms", j[3]);
                    row.put("python_forward_ms", p.get("forward_ms"));
                    row.put("java_backward_ms", j[4]);
                    row.put("python_backward_ms", p.get("backward_ms"));
                    row.put("java_step_ms", j[5]);
                    row.put("python_step_ms", p.get("step_ms"));
                    row.put("java_small_op_us", j[6]);
                    row.put("python_small_op_us", p.get("small_op_us"));
                }
                trainRows.add(row);
                System.out.printf(
                        Locale.ROOT,
                        "%-9s %-8s %5d %8s %10.1f %10.1f %6.2f | page faults per step java %s"
                                + " python %s%n",
                        c.name(),
                        engine,
                        c.batch(),
                        row.get("input"),
                        j[0],
                        p.get("train_ms"),
                        j[0] / p.get("train_ms"),
                        Double.isNaN(j[7]) ? "-" : String.format(Locale.ROOT, "%.0f", j[7]),
                        p.get("faults_per_step") == null
                                ? "-"
                                : String.format(Locale.ROOT, "%.0f", p.get("faults_per_step")));
                // MXNet runs its operators asynchronously: its work surfaces wherever the step
                // waits for a value, so only PyTorch (eager) has meaningful phase times.
                if ("PyTorch".equals(engine)) {
                    System.out.printf(
                            Locale.ROOT,
                            "    phases java/python ms: forward %.1f/%.1f, backward %.1f/%.1f,"
                                    + " optimiser %.2f/%.2f (%s); one tiny op %.1f/%.1f us%n",
                            j[3],
                            p.get("forward_ms"),
                            j[4],
                            p.get("backward_ms"),
                            j[5],
                            p.get("step_ms"),
                            j[8] == 1.0
                                    ? "Java: libtorch's fused Adam kernel"
                                    : j[8] == 0.0
                                            ? "Java: DJL's Adam kernel"
                                            : String.format(
                                                    Locale.ROOT,
                                                    "Java: fused kernel in %.0f %% of steps",
                                                    100 * j[8]),
                            j[6],
                            p.get("small_op_us"));
                }
                Map<String, Object> inf = new LinkedHashMap<>();
                inf.put("name", c.name());
                inf.put("engine", engine);
                inf.put("input", c.width() + "x" + c.height());
                inf.put("java_ms_per_face_b1", j[1]);
                inf.put("python_ms_per_face_b1", p.get("infer_ms_b1"));
                inf.put("java_images_per_s_b32", j[2]);
                inf.put("python_images_per_s_b32", p.get("infer_img_s_b32"));
                inferRows.add(inf);
            }
        }
    }

    /**
     * Returns {train ms, inference ms per face at batch 1, images/s at batch 32, forward ms (with
     * the loss), backward ms, optimiser-step ms, µs per tiny operation, minor page faults per timed
     * step ({@link MinorFaults}; NaN where they cannot be counted), the share of steps whose Adam
     * update was libtorch's fused kernel ({@link ResumableAdam#fusedUpdates}), 1 if the step kept
     * fresh gradients ({@link OptimizerStep#holdsBackward}) else 0}; the three phases are medians
     * of their own, so they need not add up to the step exactly.
     */
    private static double[] measure(
            Case c, String engine, OptimizerStep.Gradients gradients, Path profile, int warmup)
            throws IOException {
        try (Steps steps = new Steps(c, engine, gradients)) {
            double[] t = new double[c.reps() + warmup];
            double[] fw = new double[t.length];
            double[] bw = new double[t.length];
            double[] st = new double[t.length];
            long faults0 = 0;
            for (int i = 0; i < t.length; i++) {
                if (i == warmup) {
                    faults0 = MinorFaults.sinceStart();
                }
                double[] one = steps.one();
                t[i] = one[0];
                fw[i] = one[1];
                bw[i] = one[2];
                st[i] = one[3];
            }
            double faultsPerStep = MinorFaults.perRun(faults0, MinorFaults.sinceStart(), c.reps());
            double fusedShare = steps.adam.fusedUpdates() / (double) t.length;
            if (profile != null && "PyTorch".equals(engine)) {
                Files.createDirectories(profile);
                TorchOpProfile.record(
                        steps::one,
                        c.reps(),
                        profile.resolve("java-" + traceName(c) + "-" + c.reps() + "p.json"));
            }
            double trainMs = ForwardTiming.median(Arrays.copyOfRange(t, warmup, t.length));
            double[] phases = {
                ForwardTiming.median(Arrays.copyOfRange(fw, warmup, fw.length)),
                ForwardTiming.median(Arrays.copyOfRange(bw, warmup, bw.length)),
                ForwardTiming.median(Arrays.copyOfRange(st, warmup, st.length))
            };
            steps.endTraining();
            double opUs = smallOpMicros(steps.model.getNDManager());
            ForwardTiming f =
                    ForwardTiming.measure(
                            steps.block,
                            steps.model.getNDManager(),
                            c.width(),
                            c.height(),
                            3,
                            0,
                            30,
                            Math.max(3, c.reps()));
            return new double[] {
                trainMs,
                f.msBatch1(),
                f.imagesPerSecondBatch32(),
                phases[0],
                phases[1],
                phases[2],
                opUs,
                faultsPerStep,
                fusedShare,
                steps.freshGradients ? 1 : 0
            };
        }
    }

    /**
     * A case's network with its trainer, Adam and fixed batch on one engine: what {@link #measure}
     * and {@code --pairs} time a step of.
     */
    private static final class Steps implements AutoCloseable {
        private final Case c;
        private final Block block;
        private final Model model;
        private final ResumableAdam adam;
        private final Trainer trainer;
        private final OptimizerStep step;
        private boolean trained;
        private boolean freshGradients;
        private final float[] x;
        private final float[] y;
        private final Shape xs;

        Steps(Case c, String engine, OptimizerStep.Gradients gradients) {
            this.c = c;
            Random rnd = new Random(0);
            x = new float[c.batch() * c.width() * c.height()];
            y = new float[c.batch() * c.outputs()];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextFloat() - 0.5f;
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = rnd.nextFloat();
            }
            xs = new Shape(c.batch(), 1, c.height(), c.width());
            block = new TorchDefaultInitializer(0).install(ModelZoo.create(c.name(), c.outputs()));
            model = Model.newInstance("bench", Device.cpu(), engine);
            try {
                model.setBlock(block);
                adam = ResumableAdam.builder().setBlock(block).build();
                trainer =
                        model.newTrainer(
                                new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN))
                                        .optOptimizer(adam)
                                        .optDevices(new Device[] {Device.cpu()}));
                trainer.initialize(new Shape(1, 1, c.height(), c.width()));
                step = OptimizerStep.of(trainer, adam, gradients);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }

        /**
         * One training step: forward with the loss, backward, Adam, until the engine has finished
         * them (on MXNet the optimiser phase also holds what of the backward pass was still running
         * when Adam was queued).
         *
         * @return {step, forward, backward, optimiser} ms
         */
        double[] one() {
            try (NDManager sub = trainer.getManager().newSubManager()) {
                // As the trainer's batches reach the engine (PreparedBatch): through one reused
                // direct buffer, not a fresh one per call that only the GC gives back.
                NDArray xa = TensorUpload.floats(sub, x, xs);
                NDArray ya = TensorUpload.floats(sub, y, new Shape(c.batch(), c.outputs()));
                long t0 = System.nanoTime();
                long t1;
                long t2;
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList preds = trainer.forward(new NDList(xa), new NDList(ya));
                    NDArray loss = trainer.getLoss().evaluate(new NDList(ya), preds);
                    t1 = System.nanoTime();
                    step.backward(gc, loss);
                    freshGradients |= step.holdsBackward();
                    t2 = System.nanoTime();
                }
                step.apply();
                // On MXNet the backward pass and Adam may still be running: the step is done
                // when they are, and its tail must not run during the other side's block.
                EngineWork.finish(block);
                long t3 = System.nanoTime();
                return new double[] {
                    (t3 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6
                };
            }
        }

        /**
         * The (upper) median step ms of {@code n} steps.
         *
         * @param n steps, at least 1
         * @return the median
         */
        double block(int n) {
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = one()[0];
            }
            return ForwardTiming.median(t);
        }

        /** Closes the trainer; the model stays open, for inference timing. */
        void endTraining() {
            if (!trained) {
                trained = true;
                trainer.close();
            }
        }

        @Override
        public void close() {
            endTraining();
            model.close();
        }
    }

    /** The case part of a trace's name, the same on both sides: {@code nose-tip_80x60_train}. */
    private static String traceName(Case c) {
        return c.name() + "_" + c.width() + "x" + c.height() + "_train";
    }

    /**
     * The framework's cost of one tiny operation (adding 1 to a one-element array), in
     * microseconds: what every operator call pays on top of its kernel (JNI, NDArray bookkeeping
     * here; the Python interpreter and dispatcher on the other side).
     */
    private static double smallOpMicros(NDManager parent) {
        try (NDManager m = parent.newSubManager()) {
            NDArray one = m.create(new float[] {1f});
            double[] runs = new double[5];
            for (int r = 0; r < runs.length; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 2000; i++) {
                    one.add(1f).close();
                }
                runs[r] = (System.nanoTime() - t0) / 1e3 / 2000;
            }
            return ForwardTiming.median(Arrays.copyOfRange(runs, 1, runs.length));
        }
    }

    /**
     * The paired-block timing of {@code --pairs}: a Python reference that stays up ({@code
     * --serve}), and for each case and engine, the Java step warmed up, one untimed block on the
     * Python side, then {@link #pairs} pairs of blocks in alternating order; adds the results to
     * the matching rows.
     */
    private void paired(int n, List<Case> selected, List<Map<String, Object>> rows)
            throws IOException, InterruptedException {
        PythonTorchReference ref = sides.reference("bench/train_step.py");
        System.out.printf(
                Locale.ROOT, "paired blocks: %d pairs per case, Java and Python in turn%n", pairs);
        for (Case c : selected) {
            List<String> args = pythonArgs(n, List.of(c));
            args.add("--serve");
            try (PythonTorchReference.Served py = ref.serve(n, args)) {
                for (String engine : sides.engines) {
                    Map<String, Object> row =
                            PairedBlocks.row(rows, Map.of("name", c.name(), "engine", engine));
                    row.put("python_pid_paired", py.pid());
                    pairedRow(c, engine, py, row);
                }
            }
        }
    }

    /** The {@code --gradients} choice. */
    private OptimizerStep.Gradients gradients() {
        switch (gradients.strip().toLowerCase(Locale.ROOT)) {
            case "fresh":
                return OptimizerStep.Gradients.FRESH;
            case "accumulated":
                return OptimizerStep.Gradients.ACCUMULATED;
            default:
                throw BenchCommand.bad(
                        spec, "--gradients must be fresh or accumulated, got '" + gradients + "'");
        }
    }

    private void pairedRow(
            Case c, String engine, PythonTorchReference.Served py, Map<String, Object> row)
            throws IOException, InterruptedException {
        System.err.println("bench train: paired blocks of " + c.name() + " on " + engine);
        String request = c.name() + " " + c.reps();
        try (Steps steps = new Steps(c, engine, gradients())) {
            steps.block(Math.max(1, warmup == null ? c.warmup() : warmup));
            py.ask(request);
            PairedBlocks b =
                    PairedBlocks.time(
                            pairs,
                            () -> steps.block(c.reps()),
                            () -> py.ask(request),
                            VcpuPairProbe.get()::read);
            row.put("java_ms_paired", b.javaMs());
            row.put("python_ms_paired", b.pythonMs());
            row.put("ratio_paired", b.ratio());
            row.put("ratio_pairs", b.ratios());
            b.putStates(row, "ratio");
            System.out.printf(
                    Locale.ROOT,
                    "paired %-9s %-8s java_ms %10.1f python_ms %10.1f ratio %6.2f (pairs %s)"
                            + " | by the vCPUs' state: %s%n",
                    c.name(),
                    engine,
                    b.javaMs(),
                    b.pythonMs(),
                    b.ratio(),
                    RoundMedians.format(b.ratios()),
                    b.stateSummary());
        }
    }

    /** The reference script's thread count, cases and warm-up. */
    private List<String> pythonArgs(int n, List<Case> selected) {
        List<String> names = new ArrayList<>();
        selected.forEach(c -> names.add(c.name()));
        List<String> args = new ArrayList<>(List.of(Integer.toString(n), String.join(",", names)));
        if (warmup != null) {
            args.add("--warmup");
            args.add(Integer.toString(warmup));
        }
        return args;
    }

    private Map<String, Map<String, Double>> runPython(int n, List<Case> selected)
            throws IOException, InterruptedException {
        PythonTorchReference ref = sides.reference("bench/train_step.py");
        ref.ensureInstalled();
        Map<String, Map<String, Double>> result = new LinkedHashMap<>();
        for (Case c : selected) {
            List<String> args = pythonArgs(n, List.of(c));
            if (profile != null) {
                Files.createDirectories(profile);
                args.add("--profile");
                args.add(profile.toAbsolutePath().toString());
            }
            JsonObject parsed = ref.run(n, args);
            Map<String, Map<String, Double>> one =
                    new Gson()
                            .fromJson(
                                    parsed.get("cases"),
                                    new TypeToken<
                                            LinkedHashMap<
                                                    String, Map<String, Double>>>() {}.getType());
            result.putAll(one);
            result.put("_version", Map.of(parsed.get("torch").getAsString(), 0.0));
        }
        return result;
    }
}
