package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet the documentation shows is compiled against the library as it is (issue 11,
 * item 8): the {@code ```java} blocks of {@code README.md} and {@code docs/*.md}, and the {@code
 * <pre>{@code …}</pre>} blocks in the javadoc of the library modules' main sources. The snippets
 * are read from those files, never copied here.
 *
 * <p>A snippet of statements becomes the body of {@code void snippet(…) throws Exception} in a
 * generated class that imports every {@code io.github.keypoints} package and the usual JDK, DJL and
 * OpenCV ones ({@link #IMPORTS}); a snippet that declares a top-level type (a line starting with
 * {@code class}, {@code record}, {@code public final class}, …) is compiled as a file of its own
 * with the same imports.
 *
 * <p>Names a snippet uses without declaring them (the {@code images} of a previous paragraph) come
 * from a context comment before the block (only blank lines between; in javadoc it ends the
 * paragraph above, where google-java-format puts it), which neither Markdown nor javadoc renders:
 *
 * <pre>
 * &lt;!-- snippet-context: Mat mat; List&lt;Optional&lt;Box&gt;&gt; boxes; --&gt;
 * </pre>
 *
 * <p>Its declarations become the method's parameters. The context of a type snippet declares the
 * types it uses but does not show (a stub of the user's own network), compiled after it in the same
 * file. A type snippet that needs a real source file names it instead: {@code <!--
 * snippet-compile-with: consumer/src/main/java/example/X.java -->} compiles the snippet in that
 * file's package, together with it.
 *
 * <p>All failures are reported at once, each with its file, line and compiler message.
 */
class DocSnippetsTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /** The library modules whose javadoc snippets are compiled. */
    private static final List<String> LIBRARY_MODULES =
            List.of("keypoints-data", "keypoints-models", "keypoints-train", "keypoints-morph");

    /** Imported by every snippet, besides all {@code io.github.keypoints} packages. */
    private static final List<String> IMPORTS =
            List.of(
                    "ai.djl.*",
                    "ai.djl.inference.*",
                    "ai.djl.modality.cv.*",
                    "ai.djl.ndarray.*",
                    "ai.djl.ndarray.types.*",
                    "ai.djl.nn.*",
                    "ai.djl.repository.zoo.Criteria",
                    "ai.djl.repository.zoo.ZooModel",
                    "ai.djl.training.*",
                    "ai.djl.training.dataset.*",
                    "ai.djl.translate.*",
                    "java.awt.image.*",
                    "java.io.*",
                    "java.nio.file.*",
                    "java.util.*",
                    "java.util.function.*",
                    "org.opencv.core.*");

    private static final Pattern CONTEXT =
            Pattern.compile("<!--\\s*snippet-context:(.*?)-->", Pattern.DOTALL);
    private static final Pattern COMPILE_WITH =
            Pattern.compile("<!--\\s*snippet-compile-with:(.*?)-->", Pattern.DOTALL);
    private static final Pattern TYPE_DECLARATION =
            Pattern.compile(
                    "^(@\\w+\\s+)*((public|abstract|final|sealed|non-sealed|strictfp)\\s+)*"
                            + "(class|record|interface|enum|@interface)\\s+(\\w+).*");
    private static final Pattern PUBLIC_TYPE =
            Pattern.compile(
                    "^(@\\w+\\s+)*public\\s+((abstract|final|sealed|non-sealed|strictfp)\\s+)*"
                            + "(class|record|interface|enum|@interface)\\s+(\\w+).*");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");

    /**
     * One documented snippet.
     *
     * @param file where it is shown, relative to the repository root
     * @param firstLine the line of {@code file} its first code line is on
     * @param lines its code, un-escaped
     * @param context declarations of the names it uses without declaring them
     * @param contextLine the line of the context comment, or of the block's opening
     * @param compileWith other source files it needs, relative to the repository root
     */
    record Snippet(
            String file,
            int firstLine,
            List<String> lines,
            String context,
            int contextLine,
            List<String> compileWith) {

        boolean declaresTypes() {
            return lines.stream().anyMatch(l -> TYPE_DECLARATION.matcher(l).matches());
        }
    }

    @Test
    void everyDocumentedJavaSnippetCompiles() throws IOException {
        List<Snippet> docs = markdownSnippets();
        List<Snippet> javadoc = javadocSnippets();
        List<Snippet> all = new ArrayList<>(docs);
        all.addAll(javadoc);
        List<String> failures = compile(all);
        if (!failures.isEmpty()) {
            fail(
                    failures.size()
                            + " compiler message(s) in the "
                            + all.size()
                            + " documented snippets ("
                            + docs.size()
                            + " in Markdown, "
                            + javadoc.size()
                            + " in javadoc):\n\n"
                            + String.join("\n\n", failures));
        }
    }

    @Test
    void everyJavaBlockIsFound() throws IOException {
        long fences = 0;
        for (Path md : markdownFiles()) {
            fences +=
                    Files.readAllLines(md, StandardCharsets.UTF_8).stream()
                            .filter(l -> l.strip().equals("```java"))
                            .count();
        }
        long pres = 0;
        for (Path java : librarySources()) {
            pres +=
                    Files.readAllLines(java, StandardCharsets.UTF_8).stream()
                            .filter(l -> l.contains("<pre>{@code"))
                            .count();
        }
        List<Snippet> docs = markdownSnippets();
        List<Snippet> javadoc = javadocSnippets();
        assertThat(docs).hasSize((int) fences).isNotEmpty();
        assertThat(javadoc).hasSize((int) pres).isNotEmpty();
        assertThat(docs)
                .extracting(Snippet::file)
                .contains("README.md", "docs/inference.md", "docs/morphing.md");
    }

    @Test
    void aBrokenSnippetIsReportedWithItsFileAndLineAndAllOthersToo() {
        List<String> markdown =
                List.of(
                        "# A page", // 1
                        "",
                        "<!-- snippet-context: Keypoints k; -->",
                        "```java",
                        "Keypoints moved = k.transform(Affine.translation(1, 2));", // 5: fine
                        "```",
                        "",
                        "```java",
                        "Box box = new Box(1, 2, 3, 4);",
                        "int area = box;", // 10: wrong type
                        "```",
                        "",
                        "<!-- snippet-context: NoSuchType mat; -->", // 13: unknown type
                        "",
                        "```java",
                        "mat.release();",
                        "```");
        List<String> javadoc =
                List.of(
                        "/**",
                        " * <pre>{@code",
                        " * public final class X {",
                        " *     int y = Box.noSuchMethod();", // 4: no such method
                        " * }",
                        " * }</pre>",
                        " */");
        List<Snippet> snippets = new ArrayList<>(markdownSnippets("docs/broken.md", markdown));
        snippets.addAll(javadocSnippets("keypoints-data/src/main/java/X.java", javadoc));

        List<String> failures = compile(snippets);

        assertThat(snippets).hasSize(4);
        assertThat(failures).hasSize(3);
        assertThat(failures.get(0))
                .startsWith("docs/broken.md:10: incompatible types")
                .endsWith("\n    int area = box;");
        assertThat(failures.get(1))
                .startsWith("docs/broken.md:13: cannot find symbol")
                .contains("NoSuchType");
        assertThat(failures.get(2))
                .startsWith("keypoints-data/src/main/java/X.java:4: cannot find symbol")
                .contains("noSuchMethod");
    }

    @Test
    void javadocIsUnescapedAndItsContextRead() {
        List<String> source =
                List.of(
                        "/**",
                        " * Text.",
                        " *",
                        " * <!-- snippet-context: Mat image;",
                        " *      Box box; -->",
                        " *",
                        " * <pre>{@code",
                        " * &#64;SuppressWarnings(\"unused\") List&lt;Box&gt; boxes = List.of(box);",
                        " *     {@literal @}SuppressWarnings(\"x\") boolean b = 1 &lt; 2 &amp;&amp; true;",
                        " * }</pre>",
                        " */");

        List<Snippet> found = javadocSnippets("A.java", source);

        assertThat(found).hasSize(1);
        Snippet s = found.get(0);
        assertThat(s.firstLine()).isEqualTo(8);
        assertThat(s.contextLine()).isEqualTo(4);
        assertThat(s.context()).isEqualTo("Mat image; Box box;");
        assertThat(s.lines())
                .containsExactly(
                        "@SuppressWarnings(\"unused\") List<Box> boxes = List.of(box);",
                        "    @SuppressWarnings(\"x\") boolean b = 1 < 2 && true;");
        assertThat(compile(found)).isEmpty();
    }

    // --- Finding the snippets ---------------------------------------------------------------

    /**
     * {@code README.md} and every {@code docs/*.md}, in that order (DocCommandsTest reads them
     * too).
     */
    static List<Path> markdownFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        return files;
    }

    private static List<Path> librarySources() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String module : LIBRARY_MODULES) {
            try (Stream<Path> tree = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                tree.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static String relative(Path file) {
        return ROOT.relativize(file).toString().replace(File.separatorChar, '/');
    }

    private static List<Snippet> markdownSnippets() throws IOException {
        List<Snippet> snippets = new ArrayList<>();
        for (Path md : markdownFiles()) {
            snippets.addAll(
                    markdownSnippets(relative(md), Files.readAllLines(md, StandardCharsets.UTF_8)));
        }
        return snippets;
    }

    /** The {@code ```java} blocks of one Markdown file. */
    static List<Snippet> markdownSnippets(String file, List<String> lines) {
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```java")) {
                continue;
            }
            int indent = lines.get(i).indexOf('`');
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                end++;
            }
            if (end == lines.size()) {
                throw new IllegalStateException(file + ":" + (i + 1) + ": unclosed ```java");
            }
            List<String> code = new ArrayList<>();
            for (String line : lines.subList(i + 1, end)) {
                code.add(line.length() >= indent ? line.substring(indent) : line.strip());
            }
            snippets.add(snippet(file, i + 1, code, lines.subList(0, i), l -> l));
            i = end;
        }
        return snippets;
    }

    private static List<Snippet> javadocSnippets() throws IOException {
        List<Snippet> snippets = new ArrayList<>();
        for (Path java : librarySources()) {
            snippets.addAll(
                    javadocSnippets(
                            relative(java), Files.readAllLines(java, StandardCharsets.UTF_8)));
        }
        return snippets;
    }

    /** The {@code <pre>{@code …}</pre>} blocks of one source file. */
    static List<Snippet> javadocSnippets(String file, List<String> lines) {
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().endsWith("<pre>{@code")) {
                continue;
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).contains("}</pre>")) {
                end++;
            }
            if (end == lines.size()) {
                throw new IllegalStateException(file + ":" + (i + 1) + ": unclosed <pre>{@code");
            }
            List<String> code = new ArrayList<>();
            for (String line : lines.subList(i + 1, end)) {
                code.add(unescape(withoutStar(line)));
            }
            String last = withoutStar(lines.get(end));
            String beforeClose = last.substring(0, last.indexOf("}</pre>"));
            if (!beforeClose.isBlank()) {
                code.add(unescape(beforeClose));
            }
            snippets.add(
                    snippet(file, i + 1, code, lines.subList(0, i), DocSnippetsTest::withoutStar));
            i = end;
        }
        return snippets;
    }

    /**
     * A snippet whose block opens on line {@code opening}, with the context comment that may end on
     * the last non-blank line of {@code before}.
     */
    private static Snippet snippet(
            String file,
            int opening,
            List<String> code,
            List<String> before,
            UnaryOperator<String> text) {
        int last = before.size() - 1;
        while (last >= 0 && text.apply(before.get(last)).isBlank()) {
            last--;
        }
        String context = "";
        List<String> compileWith = List.of();
        int contextLine = opening;
        if (last >= 0 && text.apply(before.get(last)).strip().endsWith("-->")) {
            int first = last;
            while (first > 0 && !text.apply(before.get(first)).contains("<!--")) {
                first--;
            }
            String comment =
                    before.subList(first, last + 1).stream()
                            .map(text)
                            .map(String::strip)
                            .collect(Collectors.joining(" "));
            Matcher c = CONTEXT.matcher(comment);
            Matcher w = COMPILE_WITH.matcher(comment);
            if (c.matches()) {
                context = c.group(1).strip();
                contextLine = first + 1;
            } else if (w.matches()) {
                compileWith = List.of(w.group(1).strip().split("\\s+"));
                contextLine = first + 1;
            }
        }
        return new Snippet(file, opening + 1, code, context, contextLine, compileWith);
    }

    /** A javadoc line without its leading {@code *} and the one space after it. */
    private static String withoutStar(String line) {
        String s = line.stripLeading();
        if (s.startsWith("*")) {
            s = s.substring(1);
            return s.startsWith(" ") ? s.substring(1) : s;
        }
        return line;
    }

    private static String unescape(String line) {
        return line.replace("{@literal @}", "@")
                .replace("&#64;", "@")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    // --- Compiling them ---------------------------------------------------------------------

    /** One generated compilation unit: a snippet and where its code starts. */
    private record Unit(Snippet snippet, JavaFileObject source, int headerLines) {}

    /**
     * Compiles the snippets in one javac run and returns every error or deprecation warning, as
     * {@code file:line: message}, in the order of the snippets.
     */
    static List<String> compile(List<Snippet> snippets) {
        List<String> imports = new ArrayList<>();
        for (String module : LIBRARY_MODULES) {
            imports.addAll(packagesOf(ROOT.resolve(module).resolve("src/main/java")));
        }
        imports.addAll(IMPORTS);
        String importBlock =
                imports.stream()
                        .distinct()
                        .map(p -> "import " + p + ";\n")
                        .collect(Collectors.joining());

        List<Unit> units = new ArrayList<>();
        Map<JavaFileObject, String> companions = new IdentityHashMap<>();
        for (int n = 0; n < snippets.size(); n++) {
            Snippet s = snippets.get(n);
            String pkg = "snippets.s" + n;
            for (String with : s.compileWith()) {
                String text = read(ROOT.resolve(with));
                Matcher m = PACKAGE.matcher(text);
                if (m.find()) {
                    pkg = m.group(1);
                }
                if (!companions.containsValue(with)) {
                    companions.put(source(with, typeName(with), text), with);
                }
            }
            StringBuilder header = new StringBuilder();
            header.append("package ").append(pkg).append(";\n").append(importBlock);
            String name;
            StringBuilder footer = new StringBuilder();
            if (s.declaresTypes()) {
                name =
                        s.lines().stream()
                                .map(PUBLIC_TYPE::matcher)
                                .filter(Matcher::matches)
                                .map(m -> m.group(5))
                                .findFirst()
                                .orElse("DocSnippet");
                footer.append(s.context()).append('\n');
            } else {
                name = "DocSnippet";
                String parameters =
                        Stream.of(s.context().split(";"))
                                .map(String::strip)
                                .filter(d -> !d.isEmpty())
                                .collect(Collectors.joining(", "));
                header.append("@SuppressWarnings(\"unused\")\nclass DocSnippet {\n")
                        .append("void snippet(")
                        .append(parameters)
                        .append(") throws Exception {\n");
                footer.append("}\n}\n");
            }
            String code = header + String.join("\n", s.lines()) + "\n" + footer;
            int headerLines = (int) header.chars().filter(c -> c == '\n').count();
            units.add(new Unit(s, source(s.file() + "#" + n, n + "/" + name, code), headerLines));
        }

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK's compiler (run the tests on a JDK, not a JRE)").isNotNull();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StandardJavaFileManager files =
                javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        List<JavaFileObject> sources = new ArrayList<>();
        units.forEach(u -> sources.add(u.source()));
        sources.addAll(companions.keySet());
        List<String> options =
                List.of(
                        "-classpath",
                        System.getProperty("java.class.path"),
                        "--release",
                        "17",
                        "-proc:none",
                        "-implicit:none",
                        "-Xlint:deprecation,removal",
                        "-Xmaxerrs",
                        "100000",
                        "-Xmaxwarns",
                        "100000");
        javac.getTask(null, new InMemoryOutput(files), diagnostics, options, null, sources).call();

        Map<JavaFileObject, Unit> bySource = new IdentityHashMap<>();
        units.forEach(u -> bySource.put(u.source(), u));
        List<String[]> failures = new ArrayList<>(); // {order, message}
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            boolean error = d.getKind() == Diagnostic.Kind.ERROR;
            boolean warning =
                    d.getKind() == Diagnostic.Kind.WARNING
                            || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING;
            if (!error && !(warning && d.getSource() != null)) {
                continue;
            }
            String message = d.getMessage(Locale.ROOT);
            Unit unit = d.getSource() == null ? null : bySource.get(d.getSource());
            if (unit == null) {
                String where =
                        d.getSource() == null
                                ? "javac"
                                : companions.getOrDefault(d.getSource(), d.getSource().getName())
                                        + ":"
                                        + d.getLineNumber();
                failures.add(new String[] {"", where + ": " + message});
                continue;
            }
            Snippet s = unit.snippet();
            long line = d.getLineNumber() - unit.headerLines();
            String where;
            String shown = "";
            if (line >= 1 && line <= s.lines().size()) {
                where = s.file() + ":" + (s.firstLine() + line - 1);
                shown = "\n    " + s.lines().get((int) line - 1).strip();
            } else {
                where = s.file() + ":" + s.contextLine();
                if (!s.context().isEmpty()) {
                    shown = "\n    snippet-context: " + s.context();
                }
            }
            String order = String.format("%06d%09d", units.indexOf(unit), d.getLineNumber());
            failures.add(new String[] {order, where + ": " + message + shown});
        }
        failures.sort((a, b) -> a[0].compareTo(b[0]));
        return failures.stream().map(f -> f[1]).collect(Collectors.toList());
    }

    private static List<String> packagesOf(Path sources) {
        try (Stream<Path> tree = Files.walk(sources)) {
            return tree.filter(p -> p.toString().endsWith(".java"))
                    .map(p -> sources.relativize(p.getParent()).toString())
                    .filter(p -> !p.isEmpty())
                    .map(p -> p.replace(File.separatorChar, '.') + ".*")
                    .distinct()
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String typeName(String file) {
        String name = Path.of(file).getFileName().toString();
        return name.substring(0, name.length() - ".java".length());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A source held in memory, named {@code …/TypeName.java} so that public types compile. */
    private static JavaFileObject source(String label, String path, String code) {
        URI uri = URI.create("string:///" + path + ".java");
        return new SimpleJavaFileObject(uri, JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }

            @Override
            public String getName() {
                return label;
            }
        };
    }

    /** Keeps the class files javac writes in memory, where they are dropped. */
    private static final class InMemoryOutput extends ForwardingJavaFileManager<JavaFileManager> {

        InMemoryOutput(JavaFileManager files) {
            super(files);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(
                Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
            URI uri = URI.create("mem:///" + className.replace('.', '/') + kind.extension);
            return new SimpleJavaFileObject(uri, kind) {
                @Override
                public OutputStream openOutputStream() {
                    return new ByteArrayOutputStream();
                }
            };
        }
    }
}
