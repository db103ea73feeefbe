package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which settings an environment lacks, and one list of them across launcher, builds and README. */
class NativeMemorySettingsTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void anEmptyEnvironmentLacksEverySetting() {
        assertThat(NativeMemorySettings.missing(null))
                .containsExactly(
                        "glibc.malloc.hugetlb=1",
                        "glibc.malloc.mmap_threshold=33554432",
                        "glibc.malloc.mmap_max=0",
                        "glibc.malloc.trim_threshold=4294967296",
                        "glibc.malloc.arena_max=1");
    }

    @Test
    void aValueTheUserChoseCountsAsSet() {
        assertThat(NativeMemorySettings.missing("glibc.malloc.hugetlb=0:glibc.malloc.arena_max=4"))
                .containsExactly(
                        "glibc.malloc.mmap_threshold=33554432",
                        "glibc.malloc.mmap_max=0",
                        "glibc.malloc.trim_threshold=4294967296");
        assertThat(NativeMemorySettings.missing(NativeMemorySettings.GLIBC_TUNABLES)).isEmpty();
    }

    @Test
    void onlyMxNetWithoutItsCopySettingLacksIt() {
        assertThat(NativeMemorySettings.lacksMxNetCopySetting("MXNet", null)).isTrue();
        assertThat(NativeMemorySettings.lacksMxNetCopySetting("MXNet", "200000")).isFalse();
        assertThat(NativeMemorySettings.lacksMxNetCopySetting("PyTorch", null)).isFalse();
    }

    @Test
    void launcherAndReadmeSetTheMxNetCopyValue() throws IOException {
        String name = NativeMemorySettings.MXNET_CPU_PARALLEL_SIZE;
        String value = NativeMemorySettings.MXNET_CPU_PARALLEL_SIZE_VALUE;
        assertThat(Files.readString(ROOT.resolve("keypoints")))
                .contains("export " + name + "=\"${" + name + ":-" + value + "}\"");
        assertThat(Files.readString(ROOT.resolve("README.md"))).contains(name + "=" + value);
        assertThat(Files.readString(ROOT.resolve("docs/inference.md")))
                .contains("export " + name + "=" + value);
    }

    @Test
    void launcherTestBuildsAndReadmeSetTheSameValues() throws IOException {
        String tunables = NativeMemorySettings.GLIBC_TUNABLES;
        for (String pom : new String[] {"pom.xml", "consumer/pom.xml"}) {
            assertThat(Files.readString(ROOT.resolve(pom)))
                    .as(pom)
                    .contains("<GLIBC_TUNABLES>" + tunables + "</GLIBC_TUNABLES>")
                    .doesNotContain("<" + NativeMemorySettings.THP_MEM_ALLOC_ENABLE + ">");
        }
        assertThat(Files.readString(ROOT.resolve("README.md")))
                .contains("GLIBC_TUNABLES=" + tunables);
        String launcher = Files.readString(ROOT.resolve("keypoints"));
        for (String setting : tunables.split(":")) {
            String[] nameValue = setting.split("=");
            assertThat(launcher).contains("add_tunable " + nameValue[0] + " " + nameValue[1]);
        }
        // libtorch's own huge-page switch fragmented glibc's huge-page heap: left to the user.
        assertThat(launcher).doesNotContain("export " + NativeMemorySettings.THP_MEM_ALLOC_ENABLE);
    }
}
