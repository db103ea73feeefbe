package io.github.keypoints.data.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Thrown by a strict load for the first sample that cannot be used; names the file at fault (the
 * annotation, or the image for image problems) and the reason. A lenient load records the same
 * information as a {@link SkippedSample} instead.
 */
public class BadSampleException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The file at fault (not serialised: {@code Path} is not serialisable). */
    private final transient Path file;

    /** What was expected and found. */
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param file the file at fault
     * @param reason what was expected and what was found
     * @param cause the underlying error, or {@code null}
     */
    public BadSampleException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns the file at fault.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the reason, without the file name.
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }

    /**
     * Returns the same information as a skipped-sample record.
     *
     * @return the record
     */
    public SkippedSample toSkipped() {
        return new SkippedSample(file, reason);
    }
}
