package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The contract every subcommand shares: --help with an example line, and --json. */
class CommandLineConsistencyTest {

    /** Every runnable subcommand, as "keypoints NAME [NAME]". */
    private static List<Map.Entry<String, CommandLine>> subcommands() {
        CommandLine root = KeypointsCommand.commandLine();
        List<Map.Entry<String, CommandLine>> all = new ArrayList<>();
        collect(root, "keypoints", all);
        assertThat(all)
                .as("subcommands found")
                .hasSizeGreaterThan(KeypointsCommand.SUBCOMMANDS.size());
        return all;
    }

    private static void collect(
            CommandLine cli, String path, List<Map.Entry<String, CommandLine>> all) {
        for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            String name = path + " " + e.getKey();
            all.add(Map.entry(name, e.getValue()));
            collect(e.getValue(), name, all);
        }
    }

    /**
     * A run of one subcommand builds the command line with that subcommand only ({@link
     * KeypointsCommand#commandLine(String...)}), and it is the same subcommand as in the whole
     * command line: the same usage text, example line included, and the same nested subcommands.
     * The program's own help, {@code help}, no arguments and a name that is no subcommand get all.
     */
    @Test
    void aRunOfOneSubcommandReadsOnlyThatOneAndSeesItAsTheWholeCommandLineDoes() {
        CommandLine whole = KeypointsCommand.commandLine();
        assertThat(whole.getSubcommands()).hasSize(KeypointsCommand.SUBCOMMANDS.size());
        for (String name : whole.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            CommandLine one = KeypointsCommand.commandLine(name, "--help");
            assertThat(one.getSubcommands()).as(name).containsOnlyKeys(name);
            CommandLine sub = one.getSubcommands().get(name);
            CommandLine full = whole.getSubcommands().get(name);
            assertThat(sub.getUsageMessage()).as(name).isEqualTo(full.getUsageMessage());
            assertThat(sub.getSubcommands().keySet())
                    .as(name)
                    .isEqualTo(full.getSubcommands().keySet());
        }
        for (String[] args :
                new String[][] {{}, {"--help"}, {"help", "predict"}, {"predikt"}, {"-V"}}) {
            assertThat(KeypointsCommand.commandLine(args).getSubcommands())
                    .as(String.join(" ", args))
                    .hasSize(KeypointsCommand.SUBCOMMANDS.size());
        }
    }

    @Test
    void everySubcommandsHelpShowsAnExample() {
        for (Map.Entry<String, CommandLine> e : subcommands()) {
            String[] words = e.getKey().split(" ");
            String[] args = new String[words.length];
            System.arraycopy(words, 1, args, 0, words.length - 1);
            args[words.length - 1] = "--help";
            Help help = helpOf(args);
            assertThat(help.out())
                    .as(e.getKey() + " --help")
                    .contains("Example:")
                    .contains("./keypoints ");
            // A lone '%' in a description (say "15%") makes picocli warn and print it raw.
            assertThat(help.err()).as(e.getKey() + " --help, standard error").isEmpty();
        }
    }

    @Test
    void everyJobHasJsonOutput() {
        for (Map.Entry<String, CommandLine> e : subcommands()) {
            CommandLine cli = e.getValue();
            if (!cli.getSubcommands().isEmpty() || e.getKey().equals("keypoints example")) {
                continue; // a command group, or the tutorial launcher
            }
            List<String> names =
                    cli.getCommandSpec().options().stream().map(OptionSpec::longestName).toList();
            assertThat(names).as(e.getKey()).contains("--json");
        }
    }

    /** What a command printed on standard output and standard error. */
    private record Help(String out, String err) {}

    private static synchronized Help helpOf(String... args) {
        java.io.PrintStream oldOut = System.out;
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(
                    new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(
                    new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            KeypointsCommand.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Help(
                out.toString(java.nio.charset.StandardCharsets.UTF_8),
                err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
}
