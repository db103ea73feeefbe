package io.github.keypoints.examples;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of every command that runs a saved model on a dataset ({@code evaluate}, {@code
 * fit-flip-offset}, {@code submission}): the model directory, the data and how to read it, and the
 * engine.
 */
abstract class SavedModelOnData {

    @Option(
            names = "--model",
            required = true,
            description = "A model directory written by train (its model/ folder).")
    Path model;

    @Option(names = "--data", required = true, description = "Dataset folder or file.")
    Path data;

    @Option(names = "--format", description = "imm, pts or xml (detected when omitted).")
    String format;

    @Mixin PtsOriginOption ptsOrigin;

    @Option(names = "--engine", description = "Engine (default: the one the model was trained on).")
    String engine;
}
