package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it from Maven" section shows the quick-start project's code, which {@code
 * .ci/run} compiles and runs outside the reactor: the two must not drift apart.
 */
class QuickStartReadmeTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void theReadmeShowsTheQuickStartSourceVerbatim() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        String source =
                Files.readString(
                        ROOT.resolve("consumer/src/main/java/example/QuickStart.java"),
                        StandardCharsets.UTF_8);
        int section = readme.indexOf("## Use it from Maven");
        assertThat(section).as("README section").isNotNegative();
        Matcher java =
                Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL)
                        .matcher(readme.substring(section));
        assertThat(java.find()).as("a java block in the section").isTrue();
        String shown = java.group(1);
        String withoutImports = source.substring(source.indexOf("/** The three shortest paths"));
        assertThat(shown).isEqualTo(withoutImports);
    }

    @Test
    void ciRunsTheReadmesTestCommand() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        String ci = Files.readString(ROOT.resolve(".ci/run"), StandardCharsets.UTF_8);
        Matcher command = Pattern.compile("\\n(\\./mvnw -B install && (.*))\\n").matcher(readme);
        assertThat(command.find()).as("README test command").isTrue();
        for (String part : command.group(1).split(" && ")) {
            assertThat(ci).contains("\n" + part + "\n");
        }
    }
}
