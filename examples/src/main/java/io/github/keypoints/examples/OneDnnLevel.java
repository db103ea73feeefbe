package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The launcher's choice of {@code ONEDNN_MAX_CPU_ISA} on this CPU: the first level, fastest first,
 * at which each kind of the library's networks has a memory layout whose convolutions give what
 * plain Java gives.
 *
 * <p>Whether a level is right depends on the CPU: on the project's Intel Xeon every level was
 * right, on its AMD EPYC machines the {@code AVX512_CORE} kernels (and on an older one the {@code
 * AVX2} kernels) gave wrong values; on the one of CPU family 26 that came from the zero cache sizes
 * its VM reports to oneDNN, which the library now corrects, and every level is right there
 * (docs/performance.md). So {@code ./keypoints}, when the variable is not set, asks this class once
 * per CPU and keeps the verdict in a file: each candidate level is tried in a child JVM (libtorch
 * reads the variable when it starts), which compares every output and a sample of the gradients of
 * the convolutions {@code keypoints bench onednn} compares ({@link OneDnnProbe#CHANNELS} input
 * channels) and ResNet-18's with plain Java, as the library judges them ({@link LevelVerdict}):
 * each kind of network in its preferred layout (channels-last above {@code SSE41}) or, where that
 * is wrong, in the other. A level at which some kind of network has no right layout is out; on the
 * AMD EPYC of family 26 {@code AVX512_CORE} is in, every kind of network channels-last (with the
 * stack networks channels-last and ResNet-18 in the default layout before the cache correction). If
 * every level is out, it answers {@code SSE41}, the lowest, and says so; the library's start-up
 * check ({@code ConvolutionCheck}) still stands guard in every JVM.
 *
 * <p>Usage: {@code OneDnnLevel --output FILE [--levels L1,L2,...]} prints the chosen level and
 * writes it, with each level's verdict, to {@code FILE} (atomically, so a crashed run leaves no
 * half-written verdict); {@code OneDnnLevel --check} is the child: it checks the level this JVM
 * runs at and prints {@code wrong checked layout}, exiting 0 when every kind of network has a right
 * layout and 3 otherwise.
 */
final class OneDnnLevel {

    /** The candidate levels, fastest first on the machines measured (docs/performance.md). */
    static final List<String> LEVELS = List.of("AVX512_CORE", "AVX2", "SSE41");

    /** The level answered when no level is right; the library's check then stops every model. */
    static final String LOWEST = "SSE41";

    /** The child's exit status when a convolution was wrong. */
    static final int WRONG = 3;

    private OneDnnLevel() {}

    /** What one level's child reported. */
    record Verdict(String level, boolean right, String detail) {}

    /** Runs one level's check; {@link OneDnnLevel#childCheck} in production, a fake in tests. */
    @FunctionalInterface
    interface Checker {
        /**
         * Checks a level.
         *
         * @param level the value of {@code ONEDNN_MAX_CPU_ISA}
         * @return the verdict
         * @throws IOException if the check could not run at all (the level is then not judged)
         */
        Verdict check(String level) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        if (a.contains("--check")) {
            LevelVerdict v = checkThisJvm();
            long[] r = v.wrongChecked();
            System.out.println(r[0] + " " + r[1] + " " + v.layout());
            System.exit(v.right() ? 0 : WRONG);
        }
        int o = a.indexOf("--output");
        if (o < 0 || o + 1 >= a.size()) {
            throw new IllegalArgumentException(
                    "usage: OneDnnLevel --output FILE [--levels L1,L2,...] | --check");
        }
        Path output = Path.of(a.get(o + 1));
        int l = a.indexOf("--levels");
        List<String> levels =
                l >= 0 && l + 1 < a.size() ? Arrays.asList(a.get(l + 1).split(",")) : LEVELS;
        System.err.println(
                "keypoints: finding the fastest oneDNN level (ONEDNN_MAX_CPU_ISA) at which"
                        + " PyTorch's convolutions are right on this CPU; once per CPU, kept in "
                        + output);
        List<Verdict> verdicts = new ArrayList<>();
        String level = choose(levels, OneDnnLevel::childCheck, verdicts);
        try {
            write(output, level, verdicts, BenchOneDnnCommand.cpuDescription());
        } catch (IOException e) {
            System.err.println(
                    "keypoints: cannot keep the verdict in "
                            + output
                            + " ("
                            + e
                            + "); it will be checked again next time");
        }
        for (Verdict v : verdicts) {
            System.err.println("keypoints:   " + v.level() + ": " + v.detail());
        }
        if (verdicts.stream().noneMatch(Verdict::right)) {
            System.err.println(
                    "keypoints: no level gave right convolutions on this CPU; using "
                            + LOWEST
                            + ", and the library's start-up check will stop PyTorch models."
                            + " Use the MXNet engine (--engine MXNet).");
        }
        System.out.println(level);
    }

    /**
     * Returns the first of {@code levels} whose check is right, checking no further; {@link
     * #LOWEST} if none is.
     *
     * @param levels the candidates, fastest first
     * @param checker runs one level's check
     * @param verdicts receives the verdict of every level checked, in order
     * @return the chosen level
     * @throws IOException if a check could not run
     */
    static String choose(List<String> levels, Checker checker, List<Verdict> verdicts)
            throws IOException {
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("no oneDNN level to check");
        }
        for (String level : levels) {
            Verdict v = checker.check(level);
            verdicts.add(v);
            if (v.right()) {
                return level;
            }
        }
        return LOWEST;
    }

    /**
     * Writes the verdict file: the chosen level on the first line, then how it was chosen. Written
     * to a temporary file beside it and moved into place.
     *
     * @param output the verdict file
     * @param level the chosen level
     * @param verdicts every level's verdict
     * @param cpu the CPU description
     * @throws IOException if the file cannot be written
     */
    static void write(Path output, String level, List<Verdict> verdicts, String cpu)
            throws IOException {
        StringBuilder s = new StringBuilder(level).append('\n');
        s.append("# ONEDNN_MAX_CPU_ISA for ").append(cpu).append('\n');
        s.append("# chosen ").append(Instant.now()).append(" by OneDnnLevel:\n");
        for (Verdict v : verdicts) {
            s.append("# ")
                    .append(v.level())
                    .append(v.right() ? " right: " : " wrong: ")
                    .append(v.detail())
                    .append('\n');
        }
        AtomicOutput.writeString(output.toAbsolutePath(), s.toString());
    }

    /** Checks {@code level} in a child JVM on this JVM's class path. */
    private static Verdict childCheck(String level) throws IOException {
        List<String> cmd = ComparingChild.command(OneDnnLevel.class, List.of("--check"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("ONEDNN_MAX_CPU_ISA", level);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int code;
        try {
            code = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking ONEDNN_MAX_CPU_ISA=" + level, e);
        }
        String last = out.lines().reduce((x, y) -> y).orElse("");
        if ((code == 0 || code == WRONG) && last.matches("\\d+ \\d+ (default|channels-last).*")) {
            String[] f = last.split(" ", 3);
            return new Verdict(
                    level,
                    code == 0,
                    String.format(
                            Locale.ROOT,
                            "%s wrong of %s convolution outputs and gradients, layout %s (the"
                                    + " library's at this level)",
                            f[0],
                            f[1],
                            f[2]));
        }
        throw new IOException(
                "the convolution check at ONEDNN_MAX_CPU_ISA="
                        + level
                        + " failed to run (exit "
                        + code
                        + "): "
                        + out);
    }

    /** The child's work: the library's verdict on this JVM's level ({@link LevelVerdict}). */
    private static LevelVerdict checkThisJvm() {
        EngineSetup.threads(Math.max(1, Runtime.getRuntime().availableProcessors()));
        EngineSetup.requireEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            return LevelVerdict.measure(m, false);
        }
    }
}
