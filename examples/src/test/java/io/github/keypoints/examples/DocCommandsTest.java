package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every {@code ./keypoints …} command line that {@code README.md} and {@code docs/*.md} show parses
 * against the command line as it is: no unknown option, no required option missing, every value of
 * its option's type. The commands are read from those files (fenced blocks, continuation lines
 * joined, and inline code spans, also where a span wraps onto the next line), never copied here;
 * nothing is run.
 *
 * <p>Placeholders stand where the docs leave a value to the reader ({@code --engines E}, {@code
 * --seed S}, {@code --out RUN}, {@code $RUN}): a value in capitals, or starting with {@code $},
 * becomes a value of the option's type. Usage synopses ({@code [--seed S]}, {@code MXNet|PyTorch},
 * {@code …}) are not command lines and are left out.
 */
class DocCommandsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static final Pattern SPAN = Pattern.compile("`([^`]+)`");

    /** How a description introduces its example line. */
    private static final String EXAMPLE = "Example: ";

    /** Environment assignments before a command ({@code A=1 B=x ./keypoints …}). */
    private static final String ENV = "^([A-Za-z_][A-Za-z0-9_]*=\\S* )+";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{?\\w+}?|[A-Z][A-Z0-9_]*");

    /** One command line and where the docs show it. */
    record DocCommand(String file, int line, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + text;
        }
    }

    @Test
    void everyDocumentedCommandParses() throws IOException {
        List<DocCommand> commands = new ArrayList<>();
        for (Path doc : DocSnippetsTest.markdownFiles()) {
            commands.addAll(commands(doc));
        }
        // The docs show hundreds; far fewer would mean the extraction broke, not the docs.
        assertThat(commands).as("commands found").hasSizeGreaterThan(150);
        assertThat(failures(commands)).as("documented commands that do not parse").isEmpty();
    }

    @Test
    void everyHelpExampleParses() {
        List<DocCommand> commands = new ArrayList<>();
        helpExamples(KeypointsCommand.commandLine(), "keypoints", commands);
        assertThat(commands).as("help examples found").hasSizeGreaterThan(15);
        assertThat(failures(commands)).as("help examples that do not parse").isEmpty();
    }

    /** Each command that does not parse, with where it is shown and picocli's message. */
    private static List<String> failures(List<DocCommand> commands) {
        List<String> failures = new ArrayList<>();
        for (DocCommand c : commands) {
            String problem = parse(c.text());
            if (problem != null) {
                failures.add(c + "\n    " + problem);
            }
        }
        return failures;
    }

    /** The example lines of every subcommand's help, in its description or its footer. */
    private static void helpExamples(CommandLine cli, String path, List<DocCommand> out) {
        for (var e : cli.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            String name = path + " " + e.getKey();
            var usage = e.getValue().getCommandSpec().usageMessage();
            List<String> texts = new ArrayList<>();
            texts.addAll(List.of(usage.description()));
            texts.addAll(List.of(usage.footer()));
            for (String t : texts) {
                int at = t.indexOf(EXAMPLE + "./keypoints");
                command(name + " --help", 0, at >= 0 ? t.substring(at + EXAMPLE.length()) : t, out);
            }
            helpExamples(e.getValue(), name, out);
        }
    }

    @Test
    void extractionJoinsWrappedSpansAndContinuationsAndSkipsSynopses() {
        List<String> lines =
                List.of(
                        "Run `KEYPOINTS_THREADS=2 ./keypoints bench morph --data",
                        "../shared/data/imm_face_db --json` twice; see `./keypoints train [--seed S]`.",
                        "",
                        "```",
                        "./keypoints train-300w --data ../shared/data/ibug_300w_train \\",
                        "    --out runs/300w --json   # a comment ./keypoints is not a command",
                        "(cd runs && ../keypoints demo) ; ./keypoints --help > help.txt",
                        "```");
        List<DocCommand> found = commands("doc.md", lines);
        assertThat(found)
                .extracting(DocCommand::text)
                .containsExactly(
                        "./keypoints bench morph --data ../shared/data/imm_face_db --json",
                        "./keypoints train-300w --data ../shared/data/ibug_300w_train --out"
                                + " runs/300w --json",
                        "./keypoints --help");
        assertThat(found).extracting(DocCommand::line).containsExactly(1, 5, 7);
    }

    @Test
    void parseReportsUnknownAndMissingOptionsAndFillsPlaceholders() {
        assertThat(parse("./keypoints train-300w --data DIR --json"))
                .contains("Missing required option")
                .contains("--out");
        assertThat(parse("./keypoints bench morph --dta x")).contains("Unknown option");
        assertThat(parse("./keypoints bench train --threads two")).contains("two");
        assertThat(parse("./keypoints bench train --threads N --engines E --json")).isNull();
        assertThat(parse("./keypoints train-300w --data DIR --seed S --out $RUN")).isNull();
    }

    private static List<DocCommand> commands(Path doc) throws IOException {
        return commands(
                ROOT.relativize(doc).toString(), Files.readAllLines(doc, StandardCharsets.UTF_8));
    }

    /** The command lines of one Markdown file, in order. */
    static List<DocCommand> commands(String file, List<String> lines) {
        List<DocCommand> out = new ArrayList<>();
        boolean fenced = false;
        StringBuilder para = new StringBuilder();
        List<Integer> paraLines = new ArrayList<>(); // offset in para -> line number
        List<Integer> paraOffsets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```")) {
                spans(file, para, paraOffsets, paraLines, out);
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                int first = i + 1;
                StringBuilder joined = new StringBuilder(line);
                while (joined.toString().endsWith("\\") && i + 1 < lines.size()) {
                    joined.setLength(joined.length() - 1);
                    joined.append(' ').append(lines.get(++i).strip());
                }
                command(file, first, stripComment(joined.toString()), out);
            } else if (line.isBlank()) {
                spans(file, para, paraOffsets, paraLines, out);
            } else {
                paraOffsets.add(para.length());
                paraLines.add(i + 1);
                para.append(line).append(' ');
            }
        }
        spans(file, para, paraOffsets, paraLines, out);
        return out;
    }

    private static void spans(
            String file,
            StringBuilder para,
            List<Integer> offsets,
            List<Integer> lines,
            List<DocCommand> out) {
        Matcher m = SPAN.matcher(para);
        while (m.find()) {
            int k = 0;
            while (k + 1 < offsets.size() && offsets.get(k + 1) <= m.start()) {
                k++;
            }
            command(file, lines.get(k), m.group(1), out);
        }
        para.setLength(0);
        offsets.clear();
        lines.clear();
    }

    /**
     * Adds the {@code ./keypoints} commands of a shell line or code span: each part between {@code
     * ;}, {@code &&}, {@code |} and parentheses that starts with {@code ./keypoints} after its
     * environment assignments, unless it names a subcommand only or is a synopsis.
     */
    private static void command(String file, int line, String text, List<DocCommand> out) {
        for (String part : text.split(";|&&|\\||\\(|\\)")) {
            String cmd = part.replaceAll("\\s+", " ").strip().replaceFirst(ENV, "");
            if (cmd.startsWith("./keypoints")) {
                keep(file, line, cmd, out);
            }
        }
    }

    private static void keep(String file, int line, String text, List<DocCommand> out) {
        String cmd = text;
        int redirect = cmd.indexOf(" >");
        if (redirect < 0) {
            redirect = cmd.indexOf(" 2>");
        }
        if (redirect >= 0) {
            cmd = cmd.substring(0, redirect).strip();
        }
        if (cmd.matches("\\./keypoints( [a-z0-9-]+)*") && !cmd.contains(" -")) {
            return; // the launcher or a subcommand named in prose
        }
        if (cmd.matches(".*[\\[\\]…<>{].*")) {
            return; // a usage synopsis
        }
        out.add(new DocCommand(file, line, cmd));
    }

    private static String stripComment(String line) {
        String s = line.strip();
        if (s.startsWith("#")) {
            return "";
        }
        int hash = line.indexOf(" #");
        return hash >= 0 ? line.substring(0, hash) : line;
    }

    /**
     * Parses a command line without running it.
     *
     * @return null when it parses, else picocli's message
     */
    static String parse(String command) {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.remove(0); // ./keypoints
        CommandLine cli = KeypointsCommand.commandLine();
        CommandSpec spec = cli.getCommandSpec();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (spec.subcommands().containsKey(a)) {
                spec = spec.subcommands().get(a).getCommandSpec();
                continue;
            }
            if (PLACEHOLDER.matcher(a).matches()) {
                args.remove(i--); // a positional left to the reader (ARGS, IMAGE)
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq > 0 ? a.substring(0, eq) : a;
            OptionSpec option = a.startsWith("-") ? spec.findOption(name) : null;
            if (option == null || option.arity().max() == 0) {
                continue;
            }
            if (eq > 0) {
                args.set(i, name + "=" + fill(option, a.substring(eq + 1)));
            } else if (i + 1 < args.size()) {
                args.set(i + 1, fill(option, args.get(i + 1)));
                i++;
            }
        }
        try {
            cli.parseArgs(args.toArray(String[]::new));
            return null;
        } catch (CommandLine.ParameterException e) {
            return e.getMessage();
        }
    }

    /** A placeholder value replaced by one of the option's type; any other value kept. */
    private static String fill(OptionSpec option, String value) {
        if (!PLACEHOLDER.matcher(value).matches()) {
            return value;
        }
        Class<?> type = option.type();
        if ((type.isArray() || Collection.class.isAssignableFrom(type))
                && option.auxiliaryTypes().length > 0) {
            type = option.auxiliaryTypes()[0];
        }
        if (type == int.class
                || type == Integer.class
                || type == long.class
                || type == Long.class) {
            return "2";
        }
        if (type == double.class
                || type == Double.class
                || type == float.class
                || type == Float.class) {
            return "0.5";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true";
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0].toString();
        }
        return "placeholder";
    }
}
