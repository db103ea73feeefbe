package io.github.keypoints.examples;

import ai.djl.engine.Engine;

/**
 * Engine choices made before an engine starts: thread counts, offline mode, a clear missing-engine
 * error.
 */
final class EngineSetup {

    private EngineSetup() {}

    /**
     * Sets PyTorch's CPU thread count; effective only before the engine first loads. MXNet takes
     * its thread count from the environment ({@code OMP_NUM_THREADS}, read when its library loads,
     * which the launcher sets from {@code KEYPOINTS_THREADS}): no Java setting reaches it.
     *
     * @param threads the thread count
     */
    static void threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }

    /**
     * Checks that the engine is on the classpath; DJL stays offline unless told otherwise.
     *
     * @param engine the engine name
     */
    static void requireEngine(String engine) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        if (!Engine.hasEngine(engine)) {
            throw new IllegalArgumentException(
                    "--engine " + engine + " is not available; known: " + Engine.getAllEngines());
        }
    }
}
