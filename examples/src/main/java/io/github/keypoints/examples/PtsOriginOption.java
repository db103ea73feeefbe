package io.github.keypoints.examples;

import io.github.keypoints.data.format.PixelOrigin;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The {@code --pts-origin} option of every command that reads {@code .pts} files: where their
 * coordinates start ({@link io.github.keypoints.data.format.PtsFormat}).
 */
final class PtsOriginOption {

    @Option(
            names = "--pts-origin",
            paramLabel = "one|zero",
            description =
                    "Where .pts coordinates start: one (300-W's MATLAB convention, the top-left"
                            + " pixel at 1,1; default) or zero (read as written).")
    String value = "one";

    /**
     * Returns the parsed origin.
     *
     * @throws IllegalArgumentException if the value is neither {@code one} nor {@code zero}
     */
    PixelOrigin origin() {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "one", "1" -> PixelOrigin.ONE_BASED;
            case "zero", "0" -> PixelOrigin.ZERO_BASED;
            default ->
                    throw new IllegalArgumentException(
                            "--pts-origin must be one or zero, got '" + value + "'");
        };
    }
}
