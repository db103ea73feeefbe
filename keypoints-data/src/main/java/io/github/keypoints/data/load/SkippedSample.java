package io.github.keypoints.data.load;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A sample a lenient load left out, and why.
 *
 * @param file the file at fault: the annotation file, or the image file for image problems
 * @param reason what was expected and what was found, with the line or element when known
 */
public record SkippedSample(Path file, String reason) {

    /**
     * Validates that no component is null.
     *
     * @param file see the record description
     * @param reason see the record description
     */
    public SkippedSample {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
    }
}
