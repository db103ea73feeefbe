package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineWork}: on MXNet's threaded engine (the default, which the test build replaces with
 * the synchronous one, so this runs in a child JVM without it) work queued on a parameter is still
 * running when the Java thread has queued it, and {@code finish} waits for it; on PyTorch there is
 * nothing to wait for.
 */
class EngineWorkTest {

    @Test
    void onMxnetsThreadedEngineFinishWaitsForTheWorkQueuedOnTheParameters() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EngineWorkTest.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("MXNET_ENGINE_TYPE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String line = out.lines().filter(l -> l.startsWith("times ")).findFirst().orElseThrow();
        String[] f = line.split(" ");
        double sync = Double.parseDouble(f[1]);
        double queue = Double.parseDouble(f[2]);
        double finish = Double.parseDouble(f[3]);
        double after = Double.parseDouble(f[4]);
        assertThat(queue)
                .as("queuing returns before the work is done: " + line)
                .isLessThan(sync / 2);
        // Finish waited for the queued work: a read of the parameter after it finds nothing left
        // to wait for. (Comparing finish with the step-by-step time instead failed once in a
        // clean-clone build: that time, 387 ms, was four times the queued work's 99 ms.)
        assertThat(after).as("nothing left after finish: " + line).isLessThan(finish / 4);
    }

    /**
     * The child JVM: the same work on a parameter first waited for step by step, then only queued
     * and waited for by {@link EngineWork#finish}, then the parameter read; prints "times SYNC
     * QUEUE FINISH AFTER" in ms.
     *
     * @param args none
     * @throws IOException never
     */
    public static void main(String[] args) throws IOException {
        Block block = Linear.builder().setUnits(300).build();
        try (Model model = Model.newInstance("engine-work", Device.cpu(), "MXNet")) {
            model.setBlock(block);
            NDManager m = model.getNDManager();
            block.initialize(m, DataType.FLOAT32, new Shape(1, 300));
            NDArray weight = block.getParameters().get("weight").getArray();
            NDArray big = m.randomNormal(new Shape(300, 300));
            work(weight, big, true); // warm-up
            long s0 = System.nanoTime();
            work(weight, big, true);
            double sync = (System.nanoTime() - s0) / 1e6;
            long q0 = System.nanoTime();
            work(weight, big, false);
            double queue = (System.nanoTime() - q0) / 1e6;
            long f0 = System.nanoTime();
            EngineWork.finish(block);
            double finish = (System.nanoTime() - f0) / 1e6;
            long a0 = System.nanoTime();
            weight.getFloat(0, 0);
            double after = (System.nanoTime() - a0) / 1e6;
            System.out.printf(
                    Locale.ROOT, "times %.3f %.3f %.3f %.3f%n", sync, queue, finish, after);
        }
    }

    /** A chain of products added into {@code weight} (times zero), each waited for if asked. */
    private static void work(NDArray weight, NDArray big, boolean wait) {
        NDArray q = big;
        for (int i = 0; i < 40; i++) {
            q = q.matMul(big).mul(1e-3f);
            if (wait) {
                q.getFloat(0, 0);
            }
        }
        weight.addi(q.mul(0f));
        if (wait) {
            weight.getFloat(0, 0);
        }
    }

    @Test
    void onPyTorchThereIsNothingToWaitFor() {
        Block block = Linear.builder().setUnits(4).build();
        try (Model model = Model.newInstance("engine-work", Device.cpu(), "PyTorch")) {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 4));
            EngineWork.finish(block);
            assertThat(block.getParameters().get("weight").getArray().getShape())
                    .isEqualTo(new Shape(4, 4));
        }
    }
}
