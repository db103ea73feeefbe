package io.github.keypoints.examples;

import picocli.CommandLine.Command;

/** {@code keypoints bench}: side-by-side benchmarks against the Python reference. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks measured side by side with the Python reference.",
        subcommands = {BenchTrainCommand.class})
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
