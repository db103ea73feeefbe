package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbols read from libtorch's full ELF symbol table ({@link ElfSymbols}): the positions found by
 * one full read are remembered and a later read takes the values from those entries only; a hint
 * that no longer names its symbol, a damaged hint file, a missing name or an unwritable folder each
 * lead to a full read and the right values, never to a value from the wrong entry. Linux only.
 */
class ElfSymbolsTest {

    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final List<String> NAMES =
            List.of(TorchOneDnnCaches.ANCHOR, TorchOneDnnCaches.CPU_FUNCTION);

    @TempDir Path dir;

    private String folderBefore;

    @BeforeEach
    void rememberHere() {
        folderBefore = System.getProperty(CheckVerdicts.DIR_PROPERTY);
        System.setProperty(CheckVerdicts.DIR_PROPERTY, dir.toString());
    }

    @AfterEach
    void asBefore() {
        if (folderBefore == null) {
            System.clearProperty(CheckVerdicts.DIR_PROPERTY);
        } else {
            System.setProperty(CheckVerdicts.DIR_PROPERTY, folderBefore);
        }
    }

    private static Path libtorch() throws IOException {
        assumeTrue(Files.isReadable(MAPS), "needs /proc/self/maps (Linux)");
        TorchOneDnnCaches.fields(); // loads libtorch
        return MappedLibraries.find(Files.readAllLines(MAPS), "/libtorch_cpu.so").orElseThrow();
    }

    @Test
    void theSecondReadTakesTheRememberedEntriesAndGivesTheSameValues() throws IOException {
        Path lib = libtorch();
        Map<String, Long> whole = ElfSymbols.readWhole(lib, NAMES);
        assertThat(whole).containsOnlyKeys(NAMES);
        // loading libtorch above may have remembered them already
        Files.deleteIfExists(ElfSymbols.hintFile(lib));
        int reads = ElfSymbols.fullReads();
        assertThat(ElfSymbols.values(lib, NAMES)).isEqualTo(whole);
        assertThat(ElfSymbols.fullReads()).isEqualTo(reads + 1);
        Path hints = ElfSymbols.hintFile(lib);
        assertThat(hints).isRegularFile().hasParent(dir);
        assertThat(Files.readString(hints)).contains(lib.toString(), NAMES.get(0), NAMES.get(1));
        assertThat(ElfSymbols.values(lib, NAMES)).isEqualTo(whole);
        assertThat(ElfSymbols.fullReads()).as("no full read the second time").isEqualTo(reads + 1);
    }

    @Test
    void aHintThatNamesAnotherEntryIsNotBelievedAndIsReplaced() throws IOException {
        Path lib = libtorch();
        Map<String, Long> whole = ElfSymbols.values(lib, NAMES);
        Path hints = ElfSymbols.hintFile(lib);
        String right = Files.readString(hints);
        // every remembered entry one further on: a defined symbol of another name
        StringBuilder shifted = new StringBuilder();
        for (String line : right.split("\n")) {
            String[] parts = line.split(" ");
            boolean hint = parts.length == 2 && NAMES.contains(parts[0]);
            shifted.append(hint ? parts[0] + ' ' + (Long.parseLong(parts[1]) + 1) : line)
                    .append('\n');
        }
        assertThat(shifted.toString()).isNotEqualTo(right);
        Files.writeString(hints, shifted.toString());
        int reads = ElfSymbols.fullReads();
        assertThat(ElfSymbols.values(lib, NAMES)).isEqualTo(whole);
        assertThat(ElfSymbols.fullReads()).isEqualTo(reads + 1);
        assertThat(Files.readString(hints)).isEqualTo(right);
    }

    @Test
    void aDamagedHintFileOnlyMeansAFullRead() throws IOException {
        Path lib = libtorch();
        Map<String, Long> whole = ElfSymbols.values(lib, NAMES);
        for (String damaged : List.of("", "not a hint file", "a\nb\n_Z 1 2 x\n")) {
            Files.writeString(ElfSymbols.hintFile(lib), damaged);
            int reads = ElfSymbols.fullReads();
            assertThat(ElfSymbols.values(lib, NAMES)).as(damaged).isEqualTo(whole);
            assertThat(ElfSymbols.fullReads()).isEqualTo(reads + 1);
        }
    }

    @Test
    void aNameNotInTheTableIsAbsentAndEveryReadIsFull() throws IOException {
        Path lib = libtorch();
        List<String> names = List.of(TorchOneDnnCaches.ANCHOR, "no_such_symbol_here");
        int reads = ElfSymbols.fullReads();
        assertThat(ElfSymbols.values(lib, names)).containsOnlyKeys(TorchOneDnnCaches.ANCHOR);
        assertThat(ElfSymbols.values(lib, names)).containsOnlyKeys(TorchOneDnnCaches.ANCHOR);
        assertThat(ElfSymbols.fullReads()).isEqualTo(reads + 2);
    }

    @Test
    void aFolderThatCannotBeWrittenStillGivesTheValues() throws IOException {
        Path lib = libtorch();
        Path notAFolder = Files.writeString(dir.resolve("a-file"), "x");
        System.setProperty(CheckVerdicts.DIR_PROPERTY, notAFolder.resolve("cache").toString());
        Map<String, Long> whole = ElfSymbols.readWhole(lib, NAMES);
        assertThat(ElfSymbols.values(lib, NAMES)).isEqualTo(whole);
        assertThat(ElfSymbols.values(lib, NAMES)).isEqualTo(whole);
    }

    @Test
    void aFileThatIsNotElfIsAnErrorNamingIt() throws IOException {
        Path text = Files.writeString(dir.resolve("not-elf.so"), "just some text, not an ELF file");
        assertThatThrownBy(() -> ElfSymbols.values(text, NAMES))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(text.toString())
                .hasMessageContaining("ELF64");
    }
}
