package io.github.keypoints.pit;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.FalsifiedSample;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutionResult.Status;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.ShrunkFalsifiedSample;

/**
 * Skips jqwik properties (every try) while PIT's mutation minion only lists its tests ({@link
 * MutationMinionDiscovery}); everywhere else each property runs as usual.
 *
 * <p>A skipped property has still started, so PIT still lists it; it reports success with no tries.
 * Registered only by the {@code pit} profile, through jqwik's service-loaded hooks, in the modules
 * that have properties.
 */
public final class DiscoveryPropertySkipper implements AroundPropertyHook {

    /** Creates the hook; jqwik makes one through the service loader. */
    public DiscoveryPropertySkipper() {}

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(
            PropertyLifecycleContext context, PropertyExecutor property) throws Throwable {
        return MutationMinionDiscovery.isListing()
                ? new NotRun(Status.SUCCESSFUL, null)
                : property.execute();
    }

    /** The result of a property that was listed, not run. */
    private record NotRun(Status status, Throwable failure) implements PropertyExecutionResult {

        @Override
        public Optional<String> seed() {
            return Optional.empty();
        }

        @Override
        public Optional<List<Object>> falsifiedParameters() {
            return Optional.empty();
        }

        @Override
        public Optional<Throwable> throwable() {
            return Optional.ofNullable(failure);
        }

        @Override
        public int countChecks() {
            return 0;
        }

        @Override
        public int countTries() {
            return 0;
        }

        @Override
        public Optional<FalsifiedSample> originalSample() {
            return Optional.empty();
        }

        @Override
        public Optional<ShrunkFalsifiedSample> shrunkSample() {
            return Optional.empty();
        }

        @Override
        public PropertyExecutionResult mapTo(Status newStatus, Throwable newFailure) {
            return new NotRun(newStatus, newFailure);
        }
    }
}
