package io.github.keypoints.pit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells whether a test runs only so that PIT's mutation minion can list it.
 *
 * <p>PIT starts one minion JVM per mutated class (and a new one after every timed-out mutant). A
 * minion first lists the tests of every test class that covers its mutants; with JUnit 5 that
 * listing runs the test classes in full (pitest-junit5-plugin's {@code JUnit5TestUnitFinder}
 * executes them, because the JUnit Platform finds parameterized and dynamic tests only by running
 * them), before any mutant is in place, so its outcome is never used. In keypoints-models that
 * listing was a minute of every minion's life. {@link DiscoveryBodySkipper} skips the test bodies
 * during that listing; this class recognises it from the call stack: the mutation minion's entry
 * point and PIT's test finder on the same stack. The coverage minion, which also lists tests by
 * running them but needs their coverage, is not affected, nor is any run outside PIT.
 *
 * <p>When it first skips, it loads every DJL engine on the class path and runs one operation on
 * each, which the listing used to do as a side effect; without it the first mutant's first test
 * would pay for loading native libraries inside its time limit.
 */
final class MutationMinionDiscovery {

    private static final String MINION = "org.pitest.mutationtest.execute.MutationTestMinion";
    private static final String FINDER = "org.pitest.testapi.execute.FindTestUnits";
    private static final Set<String> MARKS = Set.of(MINION, FINDER);
    private static final AtomicBoolean WARMED = new AtomicBoolean();

    private MutationMinionDiscovery() {}

    /**
     * Returns whether the calling thread is listing tests for PIT's mutation minion.
     *
     * @return true inside the minion's listing, false in the coverage minion and outside PIT
     */
    static boolean isListing() {
        long marks =
                StackWalker.getInstance()
                        .walk(
                                frames ->
                                        frames.map(StackWalker.StackFrame::getClassName)
                                                .filter(MARKS::contains)
                                                .distinct()
                                                .count());
        boolean listing = marks == MARKS.size();
        if (listing && WARMED.compareAndSet(false, true)) {
            warmUp();
        }
        return listing;
    }

    private static void warmUp() {
        long start = System.nanoTime();
        List<String> loaded = new ArrayList<>();
        for (String name : Engine.getAllEngines()) {
            try (NDManager manager = Engine.getEngine(name).newBaseManager()) {
                manager.ones(new Shape(2, 2)).add(1f).toFloatArray();
                loaded.add(name);
            } catch (UnsupportedOperationException e) {
                // an engine without local arrays (DJL's RPC engine): nothing to load
            } catch (RuntimeException e) {
                System.err.println("keypoints-pit: engine " + name + " did not load: " + e);
            }
        }
        System.err.printf(
                "keypoints-pit: mutation minion lists its tests without running their bodies; engines %s"
                        + " loaded in %d ms%n",
                loaded, (System.nanoTime() - start) / 1_000_000);
    }
}
