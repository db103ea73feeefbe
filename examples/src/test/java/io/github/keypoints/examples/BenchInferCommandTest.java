package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keypoints bench infer} on the smallest network with a few passes: the JSON contract, the
 * Python side when {@code /usr/bin/python3} has torch, and the parameter-count check.
 */
class BenchInferCommandTest {

    private static final String PYTHON = SystemPython.PATH;

    private static final String[] TINY = {
        "bench",
        "infer",
        "--models",
        "nose-tip",
        "--engines",
        "PyTorch",
        "--threads",
        "1",
        "--warmup",
        "1",
        "--warmup-seconds",
        "0",
        "--reps",
        "3",
        "--reps32",
        "1",
        "--no-landmarker",
        "--json"
    };

    private static String[] tiny(String... more) {
        String[] args = new String[TINY.length + more.length];
        System.arraycopy(TINY, 0, args, 0, TINY.length);
        System.arraycopy(more, 0, args, TINY.length, more.length);
        return args;
    }

    /**
     * {@link #TINY} as a Java-only run of the landmarker rows on {@code engines}, plus {@code
     * more}.
     */
    private static String[] landmarkerRun(String engines, String... more) {
        String[] args = tiny(more);
        for (int i = 0; i < TINY.length; i++) {
            args[i] =
                    switch (args[i]) {
                        case "nose-tip" -> "landmarker";
                        case "PyTorch" -> engines;
                        case "--no-landmarker" -> "--no-python";
                        default -> args[i];
                    };
        }
        return args;
    }

    /** Whether {@code /usr/bin/python3} has torch and the OpenMP OpenBLAS is installed. */
    static boolean pythonHasTorch() throws IOException, InterruptedException {
        return SystemPython.imports("torch") && Files.exists(PythonTorchReference.OPENBLAS);
    }

    @Test
    void roundsCombineIntoMediansAndKeepEachRatio() {
        List<List<Map<String, Object>>> rounds = new ArrayList<>();
        double[][] msAndPy = {{30, 20}, {20, 25}, {26, 26}};
        for (double[] t : msAndPy) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", "imm58");
            r.put("engine", "PyTorch");
            r.put("java_ms_b1", t[0]);
            r.put("python_ms_b1", t[1]);
            r.put("ratio_ms_b1", t[0] / t[1]);
            r.put("java_img_s_b32", 10.0);
            r.put("python_img_s_b32", null);
            r.put("ratio_img_s_b32", null);
            rounds.add(List.of(r));
        }
        Map<String, Object> m = BenchInferCommand.medians(rounds).get(0);
        assertThat(m.get("java_ms_b1")).isEqualTo(26.0);
        assertThat(m.get("python_ms_b1")).isEqualTo(25.0);
        // The median of the per-round ratios (1.5, 0.8, 1.0), not the ratio of the medians.
        assertThat(m.get("ratio_ms_b1")).isEqualTo(1.0);
        assertThat(m.get("ratio_ms_b1_rounds")).isEqualTo(List.of(1.5, 0.8, 1.0));
        assertThat(m.get("python_img_s_b32")).isNull();
        assertThat(m.get("rounds")).isEqualTo(3);
        assertThat(m.get("model")).isEqualTo("imm58");
        assertThat(BenchInferCommand.medians(rounds.subList(0, 1)).get(0))
                .isSameAs(rounds.get(0).get(0));
    }

    @Test
    void warmUpRunsAtLeastTheCountAndAtLeastTheTime() {
        int[] runs = {0};
        assertThat(ForwardTiming.warmUp(() -> runs[0]++, 4, 0)).isEqualTo(4);
        assertThat(runs[0]).isEqualTo(4);
        long t0 = System.nanoTime();
        int n =
                ForwardTiming.warmUp(
                        () -> {
                            try {
                                Thread.sleep(5);
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        1,
                        0.1);
        assertThat((System.nanoTime() - t0) / 1e9).isGreaterThanOrEqualTo(0.1);
        assertThat(n).as("5 ms passes for 0.1 s").isBetween(2, 21);
        assertThat(ForwardTiming.warmUp(() -> {}, 0, 0)).isZero();
    }

    @Test
    void aNegativeOrNonNumericWarmUpTimeIsRefused() {
        CliRun negative = CliRun.of("bench", "infer", "--warmup-seconds", "-1");
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--warmup-seconds must be between 0 and 600, got -1.0");
        CliRun nan = CliRun.of("bench", "infer", "--warmup-seconds", "NaN");
        assertThat(nan.code()).isEqualTo(2);
        assertThat(nan.err()).contains("--warmup-seconds must be between 0 and 600, got NaN");
    }

    @Test
    void helpNamesTheOptionsAndTheRatioDirections() {
        CliRun r = CliRun.of("bench", "infer", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .contains("--engines", "--models", "--no-python", "--reps", "--json")
                .contains("below 1: Java faster", "above 1: Java faster")
                .contains("./keypoints bench infer")
                .contains("process of its own");
    }

    @Test
    void javaOnlyRunReportsPositiveTimesAndTheParameterCount() {
        CliRun r = CliRun.of(tiny("--no-python"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("time one engine per run");
        JsonObject j = r.json();
        assertThat(j.get("threads").getAsInt()).isEqualTo(1);
        assertThat(j.get("native").getAsString())
                .as("the native settings the run had, printed beside its table")
                .startsWith("ONEDNN_MAX_CPU_ISA=" + System.getenv("ONEDNN_MAX_CPU_ISA") + " ")
                .contains(
                        " GLIBC_TUNABLES=",
                        " THP_MEM_ALLOC_ENABLE=",
                        " transparent_hugepage=",
                        " MXNET_ENGINE_TYPE=");
        assertThat(r.out()).contains("native: ONEDNN_MAX_CPU_ISA=");
        JsonArray cases = j.getAsJsonArray("cases");
        assertThat(cases).hasSize(1);
        JsonObject c = cases.get(0).getAsJsonObject();
        assertThat(c.get("model").getAsString()).isEqualTo("nose-tip");
        assertThat(c.get("engine").getAsString()).isEqualTo("PyTorch");
        assertThat(c.get("input").getAsString()).isEqualTo("80x60");
        assertThat(c.get("threads").getAsInt()).isEqualTo(1);
        assertThat(c.get("params").getAsLong()).isEqualTo(1_934_130L);
        assertThat(c.get("java_ms_b1").getAsDouble()).isPositive();
        assertThat(c.get("java_img_s_b32").getAsDouble()).isPositive();
        assertThat(c.get("java_faults_b1").getAsDouble())
                .as("minor page faults per timed pass, read from /proc/self/stat")
                .isGreaterThanOrEqualTo(0.0);
        assertThat(c.get("java_warmup_b1").getAsDouble())
                .as("--warmup 1 and --warmup-seconds 0: one untimed pass")
                .isEqualTo(1.0);
        for (String key :
                new String[] {
                    "python_ms_b1",
                    "ratio_ms_b1",
                    "python_img_s_b32",
                    "ratio_img_s_b32",
                    "python_faults_b1"
                }) {
            assertThat(c.has(key)).as(key).isTrue();
            assertThat(c.get(key).isJsonNull()).as(key).isTrue();
        }
    }

    @Test
    void profileWritesAnOperatorTraceOfTheJavaPasses(@TempDir Path dir) throws Exception {
        Path traces = dir.resolve("profile");
        CliRun r = CliRun.of(tiny("--no-python", "--profile", traces.toString()));
        assertThat(r.code()).as(r.err()).isZero();
        Path trace = traces.resolve("java-nose-tip_80x60-3p.json");
        assertThat(trace).exists();
        // libtorch's Chrome trace of the three passes: the network's convolutions by name, or the
        // oneDNN graph partitions libtorch's fuser made of them (TorchGraphFuser, the default).
        String text = Files.readString(trace);
        assertThat(text).contains("\"ph\"").contains("aten::");
        assertThat(text).containsAnyOf("convolution", "LlgaPartition_");
    }

    @Test
    void withPythonEveryFieldIsPositiveAndTheRatiosAreJavaOverPython() throws Exception {
        Assumptions.assumeTrue(
                pythonHasTorch(),
                PYTHON + " has no torch (or no OpenBLAS): the Python side is not tested here");
        CliRun r = CliRun.of(tiny());
        assertThat(r.code()).as(r.err()).isZero();
        JsonObject j = r.json();
        assertThat(j.get("python_torch").getAsString()).isNotBlank();
        assertThat(j.getAsJsonObject("ratios").get("ratio_ms_b1").getAsString())
                .contains("below 1 means Java is faster");
        JsonObject c = j.getAsJsonArray("cases").get(0).getAsJsonObject();
        for (String key :
                new String[] {
                    "java_ms_b1",
                    "python_ms_b1",
                    "ratio_ms_b1",
                    "java_img_s_b32",
                    "python_img_s_b32",
                    "ratio_img_s_b32"
                }) {
            assertThat(c.get(key).getAsDouble()).as(key).isPositive();
        }
        assertThat(c.get("params").getAsLong()).isEqualTo(1_934_130L);
        assertThat(c.get("python_warmup_b1").getAsDouble())
                .as("--warmup 1, --warmup-seconds 0: 1 eager pass, or 5 for the TorchScript form")
                .isIn(1.0, 5.0);
        assertThat(c.get("max_abs_diff").getAsDouble()).isBetween(0.0, 1e-3);
        assertThat(c.get("beyond_float_noise").getAsBoolean())
                .as("same weights, same input: float rounding only")
                .isFalse();
        assertThat(c.get("ratio_ms_b1").getAsDouble())
                .isCloseTo(
                        c.get("java_ms_b1").getAsDouble() / c.get("python_ms_b1").getAsDouble(),
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.get("ratio_img_s_b32").getAsDouble())
                .isCloseTo(
                        c.get("java_img_s_b32").getAsDouble()
                                / c.get("python_img_s_b32").getAsDouble(),
                        org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void pairsNeedThePythonSideAndCannotBeNegative() {
        CliRun without = CliRun.of(tiny("--no-python", "--pairs", "3"));
        assertThat(without.code()).isEqualTo(2);
        assertThat(without.err()).contains("--pairs", "needs the Python side", "got 3");
        CliRun negative = CliRun.of(tiny("--pairs", "-1"));
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--pairs must be >= 0", "got -1");
    }

    @Test
    void pairedBlocksReportTheMedianOfThePerPairRatios() throws Exception {
        Assumptions.assumeTrue(
                pythonHasTorch(),
                PYTHON + " has no torch (or no OpenBLAS): the Python side is not tested here");
        CliRun r = CliRun.of(tiny("--pairs", "3"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("paired blocks: 3 pairs of at least 3 batch-1 passes per side");
        JsonObject c = r.json().getAsJsonArray("cases").get(0).getAsJsonObject();
        JsonArray pairs = c.getAsJsonArray("ratio_ms_b1_pairs");
        assertThat(pairs).hasSize(3);
        double[] ratios = new double[3];
        for (int i = 0; i < 3; i++) {
            ratios[i] = pairs.get(i).getAsDouble();
            assertThat(ratios[i]).isPositive();
        }
        assertThat(c.get("ratio_ms_b1_paired").getAsDouble())
                .as("the median of the per-pair ratios")
                .isEqualTo(ForwardTiming.median(ratios));
        assertThat(c.get("java_ms_b1_paired").getAsDouble()).isPositive();
        assertThat(c.get("python_ms_b1_paired").getAsDouble()).isPositive();
        assertThat(c.getAsJsonObject("python_forms_paired").keySet())
                .as("the fastest Python form of each pair")
                .isNotEmpty()
                .isSubsetOf("eager", "script", "fused");
        int counted = 0;
        for (String form : c.getAsJsonObject("python_forms_paired").keySet()) {
            counted += c.getAsJsonObject("python_forms_paired").get(form).getAsInt();
        }
        assertThat(counted).as("one fastest form per pair").isEqualTo(3);
        assertThat(c.get("ratio_ms_b1").getAsDouble())
                .as("the rounds' ratio is still there beside the paired one")
                .isPositive();
        assertThat(c.get("python_pid_paired").getAsLong())
                .as("the pairs are timed by a Python process started for this network")
                .isPositive()
                .isNotEqualTo(c.get("python_pid").getAsLong());
    }

    @Test
    void eachNetworksPythonSideRunsInAProcessOfItsOwn() throws Exception {
        Assumptions.assumeTrue(
                pythonHasTorch(),
                PYTHON + " has no torch (or no OpenBLAS): the Python side is not tested here");
        String[] args = TINY.clone();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("nose-tip")) {
                args[i] = "nose-tip,landmark-cnn";
            }
        }
        CliRun r = CliRun.of(args);
        assertThat(r.code()).as(r.err()).isZero();
        JsonArray cases = r.json().getAsJsonArray("cases");
        assertThat(cases).hasSize(2);
        long first = cases.get(0).getAsJsonObject().get("python_pid").getAsLong();
        long second = cases.get(1).getAsJsonObject().get("python_pid").getAsLong();
        assertThat(first).isPositive();
        assertThat(second)
                .as("a network timed after another in one Python process runs in its leftovers")
                .isPositive()
                .isNotEqualTo(first);
    }

    @Test
    void differencesBeyondFloatRoundingAreFlaggedRelativeToTheLargestOutput() {
        float[] small = {0.25f, -0.5f};
        assertThat(BenchInferCommand.beyondFloatNoise(3.3e-7, small)).isFalse();
        assertThat(BenchInferCommand.beyondFloatNoise(4.9e-6, small))
                .as("the wrong 1x1 head's difference")
                .isTrue();
        float[] large = {120f, -3f};
        assertThat(BenchInferCommand.beyondFloatNoise(4.9e-6, large))
                .as("noise grows with the output's magnitude")
                .isFalse();
        assertThat(BenchInferCommand.beyondFloatNoise(3e-4, large)).isTrue();
    }

    @Test
    void aPythonNetworkWithAnotherParameterCountFailsTheRun(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(
                pythonHasTorch(),
                PYTHON + " has no torch (or no OpenBLAS): the Python side is not tested here");
        Path fake = dir.resolve("fake_reference.py");
        Files.writeString(
                fake,
                "print('{\"torch\": \"fake\", \"threads\": 1, \"blas\": \"none\", \"cases\":"
                        + " [{\"model\": \"nose-tip\", \"input\": \"80x60\", \"outputs\": 2,"
                        + " \"params\": 1234, \"ms_b1\": 1.0, \"img_s_b32\": 1.0}]}')\n");
        CliRun r = CliRun.of(tiny("--script", fake.toString()));
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("nose-tip:80x60", "1934130", "1234", "not the same network");
    }

    @Test
    void aPythonNetworkWithOtherOutputsFailsTheRun(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(
                pythonHasTorch(),
                PYTHON + " has no torch (or no OpenBLAS): the Python side is not tested here");
        Path fake = dir.resolve("fake_reference.py");
        Files.writeString(
                fake,
                "print('{\"torch\": \"fake\", \"threads\": 1, \"blas\": \"none\", \"cases\":"
                        + " [{\"model\": \"nose-tip\", \"input\": \"80x60\", \"outputs\": 2,"
                        + " \"params\": 1934130, \"ms_b1\": 1.0, \"img_s_b32\": 1.0,"
                        + " \"check_output\": [5.0, 5.0]}]}')\n");
        CliRun r = CliRun.of(tiny("--script", fake.toString()));
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("nose-tip:80x60", "outputs differ", "not the same network");
    }

    @Test
    void theLandmarkerIsTimedEndToEndOnEachEngineAndItsNetworkIsTheRecipes() {
        CliRun r = CliRun.of(landmarkerRun("PyTorch,MXNet"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err())
                .as("two engines in one process: the note that figures want one per run")
                .contains("For figures, time one engine per run");
        JsonObject j = r.json();
        JsonObject c = j.getAsJsonArray("cases").get(0).getAsJsonObject();
        io.github.keypoints.train.LandmarkRecipe recipe =
                io.github.keypoints.train.LandmarkRecipe.ibug68();
        int side = recipe.inputWidth();
        assertThat(c.get("input").getAsString()).isEqualTo(side + "x" + side);
        assertThat(c.get("params").getAsLong())
                .isEqualTo(
                        io.github.keypoints.models.ParameterCount.trainable(
                                initialised(recipe, side)));
        JsonArray e2e = j.getAsJsonArray("landmarker");
        assertThat(e2e).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonObject row = e2e.get(i).getAsJsonObject();
            assertThat(row.get("engine").getAsString()).isEqualTo(i == 0 ? "PyTorch" : "MXNet");
            assertThat(row.get("input").getAsString()).isEqualTo(side + "x" + side);
            assertThat(row.get("ms_per_face_b1").getAsDouble()).isPositive();
            assertThat(row.get("faces_per_s_b32").getAsDouble()).isPositive();
        }
    }

    @Test
    void landmarkerRecipesAreTimedInTurnEachAgainstTheFirst() {
        CliRun r = CliRun.of(landmarkerRun("MXNet", "--landmarker-recipes", "ibug68,ibug68-small"));
        assertThat(r.code()).as(r.err()).isZero();
        JsonArray e2e = r.json().getAsJsonArray("landmarker");
        assertThat(e2e).hasSize(2);
        JsonObject first = e2e.get(0).getAsJsonObject();
        JsonObject small = e2e.get(1).getAsJsonObject();
        assertThat(first.get("model").getAsString()).isEqualTo("untrained ibug68 recipe");
        assertThat(first.has("ratio_ms_b1_to_first")).isFalse();
        assertThat(small.get("model").getAsString()).isEqualTo("untrained ibug68-small recipe");
        assertThat(small.get("ratio_ms_b1_to_first").getAsDouble())
                .isCloseTo(
                        small.get("ms_per_face_b1").getAsDouble()
                                / first.get("ms_per_face_b1").getAsDouble(),
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.out()).contains("untrained ibug68-small recipe");
    }

    @Test
    void flipAveragingIsTimedAsATwinOfEachLandmarker() {
        CliRun r =
                CliRun.of(
                        landmarkerRun(
                                "MXNet",
                                "--landmarker-recipes",
                                "ibug68,ibug68-small",
                                "--landmarker-flip-average"));
        assertThat(r.code()).as(r.err()).isZero();
        JsonArray e2e = r.json().getAsJsonArray("landmarker");
        assertThat(e2e).hasSize(4);
        String[] models = {
            "untrained ibug68 recipe",
            "untrained ibug68-small recipe",
            "untrained ibug68 recipe, flip-averaged",
            "untrained ibug68-small recipe, flip-averaged"
        };
        for (int i = 0; i < 4; i++) {
            JsonObject row = e2e.get(i).getAsJsonObject();
            assertThat(row.get("model").getAsString()).isEqualTo(models[i]);
            assertThat(row.get("flip_average").getAsBoolean()).isEqualTo(i >= 2);
            assertThat(row.get("ms_per_face_b1").getAsDouble()).isPositive();
        }
    }

    @Test
    void anUnknownLandmarkerRecipeIsNamed() {
        CliRun r = CliRun.of(landmarkerRun("MXNet", "--landmarker-recipes", "ibug99"));
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("ibug99", "ibug68-small");
    }

    private static io.github.keypoints.models.KeypointBlock initialised(
            io.github.keypoints.train.LandmarkRecipe recipe, int side) {
        io.github.keypoints.models.KeypointBlock b =
                recipe.newBlock(io.github.keypoints.data.LandmarkScheme.IBUG_68, 0);
        try (ai.djl.ndarray.NDManager m =
                ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
            b.initialize(
                    m,
                    ai.djl.ndarray.types.DataType.FLOAT32,
                    new ai.djl.ndarray.types.Shape(1, 1, side, side));
        }
        return b;
    }

    @Test
    void processesRunTheCommandInFreshJvmsAndReportTheMedians() {
        CliRun r = CliRun.of(tiny("--no-python", "--processes", "2"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("fresh process 1 of 2", "fresh process 2 of 2");
        assertThat(r.out()).contains("medians over 2 fresh processes");
        JsonObject j = r.json();
        assertThat(j.get("processes").getAsInt()).isEqualTo(2);
        JsonArray pids = j.getAsJsonArray("java_pids");
        assertThat(pids).hasSize(2);
        assertThat(pids.get(0).getAsLong())
                .isNotEqualTo(pids.get(1).getAsLong())
                .isNotEqualTo(ProcessHandle.current().pid());
        JsonObject c = j.getAsJsonArray("cases").get(0).getAsJsonObject();
        assertThat(c.get("processes").getAsInt()).isEqualTo(2);
        JsonArray each = c.getAsJsonArray("java_ms_b1_processes");
        assertThat(each).hasSize(2);
        double a = each.get(0).getAsDouble();
        double b = each.get(1).getAsDouble();
        assertThat(a).isPositive();
        assertThat(b).isPositive();
        assertThat(c.get("java_ms_b1").getAsDouble())
                .as("the median of two: the upper one")
                .isEqualTo(Math.max(a, b));
        assertThat(c.get("params").toString())
                .as("a count stays a whole number through the children's JSON")
                .isEqualTo("1934130");
    }

    @Test
    void aFailingFreshProcessIsNamedWithItsExitCode() {
        CliRun r = CliRun.of(tiny("--no-python", "--processes", "1", "--engines", "NoSuchEngine"));
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("fresh process 1 failed (exit ").doesNotContain("(exit 0)");
    }

    @Test
    void processesCannotBeNegativeNorWriteOneProfile() {
        CliRun negative = CliRun.of(tiny("--no-python", "--processes", "-1"));
        assertThat(negative.code()).isEqualTo(2);
        assertThat(negative.err()).contains("--processes must be >= 0", "got -1");
        CliRun profiled = CliRun.of(tiny("--no-python", "--processes", "2", "--profile", "x"));
        assertThat(profiled.code()).isEqualTo(2);
        assertThat(profiled.err()).contains("cannot be combined with --profile");
    }

    @Test
    void freshProcessesCombineIntoTheMedianOfEachProcesssPairedRatio() {
        List<List<Map<String, Object>>> processes = new ArrayList<>();
        double[][] javaPython = {{7.8, 6.84}, {5.78, 7.73}, {6.28, 7.75}};
        long pid = 100;
        for (double[] t : javaPython) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", "heatmap");
            r.put("input", "120x90");
            r.put("engine", "PyTorch");
            r.put("java_ms_b1", t[0]);
            r.put("python_ms_b1", t[1]);
            r.put("ratio_ms_b1", t[0] / t[1]);
            r.put("ratio_ms_b1_rounds", List.of(t[0] / t[1]));
            r.put("python_pid", (double) pid++);
            r.put("java_ms_b1_paired", t[0]);
            r.put("python_ms_b1_paired", t[1]);
            r.put("ratio_ms_b1_paired", t[0] / t[1]);
            r.put("ratio_ms_b1_pairs", List.of(t[0] / t[1]));
            r.put("max_abs_diff", 1e-7 * pid);
            r.put("beyond_float_noise", false);
            processes.add(List.of(r));
        }
        Map<String, Object> m = BenchInferCommand.combineProcesses(processes).get(0);
        // Per-process ratios 1.140, 0.748, 0.810: the median is the third process's.
        assertThat((Double) m.get("ratio_ms_b1_paired")).isEqualTo(6.28 / 7.75);
        assertThat(m.get("ratio_ms_b1_paired_processes"))
                .isEqualTo(List.of(7.8 / 6.84, 5.78 / 7.73, 6.28 / 7.75));
        assertThat(m.get("java_ms_b1_paired")).isEqualTo(6.28);
        assertThat(m.get("python_ms_b1_paired")).isEqualTo(7.73);
        assertThat(m.get("processes")).isEqualTo(3);
        assertThat(m).doesNotContainKeys("ratio_ms_b1_rounds", "ratio_ms_b1_pairs");
        assertThat(m.get("python_pid")).isEqualTo(List.of(100L, 101L, 102L));
        assertThat((Double) m.get("max_abs_diff")).isEqualTo(1e-7 * 103);
        assertThat(m.get("beyond_float_noise")).isEqualTo(false);
    }

    @Test
    void aChildGetsTheArgumentsWithoutTheProcessesOption() {
        assertThat(
                        FreshProcesses.withoutOption(
                                List.of("--models", "heatmap", "--processes", "5", "--json"),
                                "--processes"))
                .containsExactly("--models", "heatmap", "--json");
        assertThat(
                        FreshProcesses.withoutOption(
                                List.of("--processes=5", "--pairs", "9"), "--processes"))
                .containsExactly("--pairs", "9");
    }

    @Test
    void anUnknownModelIsABadArgument() {
        CliRun r = CliRun.of("bench", "infer", "--models", "vgg16", "--no-python");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--models", "vgg16", "nose-tip");
    }
}
