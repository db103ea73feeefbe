package io.github.keypoints.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code keypoints} command line: one subcommand per job (inspect a dataset, train, evaluate,
 * predict, morph, …).
 *
 * <p>Contract shared by every subcommand: {@code --help}; {@code --json} makes the last line of
 * standard output one JSON object summarising the result; errors go to standard error with a
 * non-zero exit code and a message naming the bad file or argument.
 */
@Command(
        name = "keypoints",
        mixinStandardHelpOptions = true,
        versionProvider = KeypointsCommand.Version.class,
        description = "Facial keypoint detection and face morphing on the JVM.",
        subcommands = {
            CommandLine.HelpCommand.class,
            DemoCommand.class,
            InspectCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            MorphCommand.class,
            MeanFaceCommand.class,
            CaricatureCommand.class,
            BenchCommand.class
        })
public final class KeypointsCommand implements Callable<Integer> {

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the command line without exiting, for tests and embedding.
     *
     * @param args the arguments
     * @return the exit code: 0 on success, 1 on a failed job, 2 on bad usage
     */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new KeypointsCommand());
        cli.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    commandLine
                            .getErr()
                            .println(
                                    "keypoints "
                                            + commandLine.getCommandName()
                                            + ": "
                                            + describe(ex));
                    if (Boolean.getBoolean("keypoints.debug")) {
                        ex.printStackTrace(commandLine.getErr());
                    }
                    return 1;
                });
        return cli.execute(args);
    }

    private static String describe(Throwable ex) {
        String msg = ex.getMessage();
        Throwable cause = ex.getCause();
        if (msg == null && cause != null) {
            return describe(cause);
        }
        return msg == null ? ex.toString() : msg;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** Reports the library version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = KeypointsCommand.class.getPackage().getImplementationVersion();
            return new String[] {"keypoints " + (v == null ? "development build" : v)};
        }
    }
}
