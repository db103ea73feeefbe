package io.github.keypoints.examples;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
        description = "Facial keypoint detection and face morphing on the JVM.")
public final class KeypointsCommand implements Callable<Integer> {

    /**
     * The subcommands, in the order the help lists them. Added by {@link #commandLine(String...)}
     * rather than named in the annotation, so that a run of one subcommand reads only that one's
     * options: picocli reflects over every subcommand it is given (a {@code predict} run about 0.1
     * s shorter: docs/performance.md, "Start-up without first-time costs").
     */
    static final List<Class<?>> SUBCOMMANDS =
            List.of(
                    CommandLine.HelpCommand.class,
                    DemoCommand.class,
                    ExampleCommand.class,
                    InspectCommand.class,
                    TrainCommand.class,
                    EvaluateCommand.class,
                    FitFlipOffsetCommand.class,
                    MorphCommand.class,
                    MeanFaceCommand.class,
                    CaricatureCommand.class,
                    BenchCommand.class,
                    Train300wCommand.class,
                    PredictCommand.class,
                    SubmissionCommand.class);

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
        CommandLine cli = commandLine(args);
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

    /**
     * One example line per subcommand, shown under "Example:" in its {@code --help} when the
     * command does not print one itself; kept here so the whole command line reads alike.
     */
    static final Map<String, String> EXAMPLES =
            Map.ofEntries(
                    Map.entry(
                            "keypoints inspect",
                            "./keypoints inspect --data ../shared/data/imm_face_db --augment 8"
                                    + " --out runs/inspect"),
                    Map.entry(
                            "keypoints train",
                            "./keypoints train --model nose-tip --data ../shared/data/imm_face_db"
                                    + " --epochs 25 --out runs/nose-tip"),
                    Map.entry(
                            "keypoints evaluate",
                            "./keypoints evaluate --model runs/nose-tip/model"
                                    + " --data ../shared/data/imm_face_db"),
                    Map.entry(
                            "keypoints morph",
                            "./keypoints morph --data ../shared/data/imm_face_db --glob '*-1?.jpg'"
                                    + " --frames 10 --out runs/morph/neutral.gif"),
                    Map.entry(
                            "keypoints mean-face",
                            "./keypoints mean-face --data ../shared/data/imm_face_db --glob"
                                    + " '*-1?.jpg' --group men='*m.jpg' --group women='*f.jpg'"
                                    + " --out runs/mean-face/men-women.png"),
                    Map.entry(
                            "keypoints caricature",
                            "./keypoints caricature --data ../shared/data/imm_face_db --face"
                                    + " 01-1m.jpg --factor 1.8 --compare"
                                    + " --out runs/caricature/01-1m.png"),
                    Map.entry("keypoints bench", "./keypoints bench morph --json"),
                    Map.entry("keypoints bench morph", "./keypoints bench morph --json"),
                    Map.entry("keypoints bench train", "./keypoints bench train --json"),
                    Map.entry("keypoints bench epoch", "./keypoints bench epoch --json"),
                    Map.entry("keypoints bench infer", "./keypoints bench infer --json"),
                    Map.entry(
                            "keypoints predict",
                            "./keypoints predict --model runs/imm58/model"
                                    + " ../shared/data/faces_misc/face_recognition/obama.jpg"
                                    + " --out runs/predict"),
                    Map.entry(
                            "keypoints submission",
                            "./keypoints submission --model runs/300w/model --data"
                                    + " ../shared/data/ibug_300w_sample/helen/testset"
                                    + " --out runs/submission/submission.csv"));

    /**
     * The whole command line as {@link #execute} parses it: the tutorial launcher stopping at its
     * program name, every subcommand's help with its example line; no error handler yet.
     *
     * @return the command line with every subcommand
     */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line {@link #execute} parses {@code args} with: when the first argument names a
     * subcommand other than {@code help}, only that one is added (its options, help and example are
     * those of the whole command line); otherwise, for the program's own help, {@code help}, no
     * arguments or a name that is no subcommand (which picocli then reports, with suggestions),
     * every subcommand.
     *
     * @param args the arguments about to be parsed
     * @return the command line
     */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new KeypointsCommand());
        Class<?> named = args.length > 0 ? subcommandNamed(args[0]) : null;
        for (Class<?> sub : SUBCOMMANDS) {
            if (named == null || named == CommandLine.HelpCommand.class || sub == named) {
                cli.addSubcommand(sub);
            }
        }
        CommandLine example = cli.getSubcommands().get("example");
        if (example != null) {
            // Everything after the program name belongs to the tutorial program, options included.
            example.setStopAtPositional(true);
        }
        addExampleFooters(cli, "keypoints");
        return cli;
    }

    /** The subcommand whose name or alias is {@code name}, read from its annotation, or null. */
    private static Class<?> subcommandNamed(String name) {
        for (Class<?> sub : SUBCOMMANDS) {
            Command c = sub.getAnnotation(Command.class);
            if (c != null && (c.name().equals(name) || Arrays.asList(c.aliases()).contains(name))) {
                return sub;
            }
        }
        return null;
    }

    /** Gives every subcommand without an "Example:" footer the line from {@link #EXAMPLES}. */
    private static void addExampleFooters(CommandLine cli, String path) {
        for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
            String name = path + " " + e.getKey();
            CommandLine sub = e.getValue();
            String[] footer = sub.getCommandSpec().usageMessage().footer();
            String example = EXAMPLES.get(name);
            if (example != null && !String.join("\n", footer).contains("Example:")) {
                String[] extended = Arrays.copyOf(footer, footer.length + 3);
                extended[footer.length] = "";
                extended[footer.length + 1] = "Example:";
                extended[footer.length + 2] = "  " + example;
                sub.getCommandSpec().usageMessage().footer(extended);
            }
            addExampleFooters(sub, name);
        }
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
