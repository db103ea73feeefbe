package io.github.keypoints.models;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * A value a writer makes on first demand, once for every thread, then kept — or empty for good when
 * the writer answers empty. Holds a network's fused MXNet graph ({@link MxGraphForward.Lazy}) and
 * its TorchScript module ({@link TorchScriptForward.Lazy}).
 *
 * @param <T> the kind of value
 */
final class WrittenOnce<T> {
    private final Supplier<Optional<T>> writer;
    private volatile Optional<T> value;

    /**
     * Holds what {@code writer} writes, once.
     *
     * @param writer writes the value, or answers empty
     */
    WrittenOnce(Supplier<Optional<T>> writer) {
        this.writer = writer;
    }

    /**
     * The value, written now if it was not yet.
     *
     * @return the value, or empty if the writer answered empty
     */
    Optional<T> get() {
        Optional<T> v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = writer.get();
                    value = v;
                }
            }
        }
        return v;
    }

    /**
     * Whether the writer has run.
     *
     * @return whether the value (or its absence) is known
     */
    boolean isWritten() {
        return value != null;
    }

    /**
     * The value if the writer has run, without running it.
     *
     * @return the value, or empty
     */
    Optional<T> ifWritten() {
        Optional<T> v = value;
        return v == null ? Optional.empty() : v;
    }
}
