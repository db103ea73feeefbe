package io.github.keypoints.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keypoints bench}: side-by-side benchmarks against the Python reference. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks, each timed side by side with its Python reference in one run.",
        subcommands = {
            BenchMorphCommand.class,
            BenchTrainCommand.class,
            BenchEpochCommand.class,
            BenchInferCommand.class,
            BenchOneDnnCommand.class
        })
public final class BenchCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    static CommandLine.ParameterException bad(CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
