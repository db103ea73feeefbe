package io.github.keypoints.models;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An action that runs the first time it is asked for and never again in the JVM: the library's
 * adjustments to the engines' native libraries ({@link NativeTuning}), asked for on every network
 * pass. After the first time, asking is one read of a volatile flag; threads that ask while the
 * first run is under way wait for it to end. A failing action still counts as run (it is not
 * retried); what it left behind is its owner's business.
 *
 * <p>Tests cannot make the first time happen again once any earlier test in the JVM ran a network,
 * so {@link #recording(Runnable)} lets them see which actions a piece of code asks for instead:
 * while it records, asking records the action and runs nothing, whether or not it ran before.
 */
final class OncePerJvm {

    /** The actions asked for while a test records, or null (the usual case). */
    private static volatile Set<OncePerJvm> asked;

    private static final Object RECORDING = new Object();

    private final String name;
    private final Runnable action;
    private volatile boolean done;
    private int locked;

    /**
     * Creates the holder of one action.
     *
     * @param name what the action does, for tests' messages
     * @param action the action
     */
    OncePerJvm(String name, Runnable action) {
        this.name = name;
        this.action = action;
    }

    /** Runs the action if it never ran in this JVM, or records it while a test records. */
    void run() {
        if (done && asked == null) {
            return;
        }
        Set<OncePerJvm> recorder = asked;
        if (recorder != null) {
            recorder.add(this);
            return;
        }
        synchronized (this) {
            locked++;
            if (!done) {
                try {
                    action.run();
                } finally {
                    done = true;
                }
            }
        }
    }

    /**
     * Returns whether the action has run (or failed) in this JVM.
     *
     * @return true after the first run
     */
    boolean isDone() {
        return done;
    }

    /**
     * Returns how often a caller took the slow path, the lock (for tests: once the action has run,
     * asking must not).
     *
     * @return the count
     */
    synchronized int lockedCount() {
        return locked;
    }

    /**
     * Runs {@code body} with every {@link OncePerJvm} recording instead of acting (for tests; one
     * recording at a time in the JVM).
     *
     * @param body the code whose requests to record
     * @return the actions it asked for
     */
    static Set<OncePerJvm> recording(Runnable body) {
        synchronized (RECORDING) {
            Set<OncePerJvm> recorder = ConcurrentHashMap.newKeySet();
            asked = recorder;
            try {
                body.run();
            } finally {
                asked = null;
            }
            return Set.copyOf(recorder);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
