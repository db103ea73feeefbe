package io.github.keypoints.models;

import io.github.keypoints.data.io.AtomicOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The values of named symbols in an ELF64 little-endian file's full symbol table ({@code
 * SHT_SYMTAB}, which also lists the functions a shared library does not export), for the native
 * adjustments that call into libtorch ({@link TorchOneDnnCaches}).
 *
 * <p>Finding a symbol means reading the table: libtorch 2.7.1's holds 521,000 symbols (12 MB, with
 * 77 MB of names), and with it the cache-size correction took 91–93 ms of every PyTorch JVM's start
 * on this project's machine, 7–11 ms without it (docs/performance.md, "Start-up without first-time
 * costs"). So where each name was found, its entry's number in the table, is remembered in a small
 * file in the library's cache folder ({@link CheckVerdicts#directory()}), and a later JVM reads
 * only those entries. A remembered number is a hint, never a value: the entry it points to is used
 * only if, in the file as it is now, it names that symbol and defines it; otherwise the table is
 * read whole again and the hint replaced. A stale or damaged hint therefore costs one full read,
 * never a wrong address, and a folder that cannot be written only means the table is read in every
 * JVM, as before.
 */
final class ElfSymbols {

    private static final Logger LOG = LoggerFactory.getLogger(ElfSymbols.class);

    /** The first line of every hint file; changes when what a hint file holds changes. */
    private static final String VERSION = "keypoints ELF symbol table positions 1";

    private static final int SHT_SYMTAB = 2;
    private static final int ENTRY = 24;

    /** Full reads of a symbol table in this JVM (for tests). */
    private static final AtomicInteger FULL_READS = new AtomicInteger();

    private ElfSymbols() {}

    /**
     * The values (for a shared library's functions: their offsets from its load address) of the
     * defined symbols {@code names}: from the entries remembered for this file where they still
     * name them, else from a full read of the table, whose positions are then remembered.
     *
     * @param elf the file
     * @param names the symbols' (mangled) names
     * @return each name found, with its value; names not found are absent
     * @throws IOException if the file cannot be read or is not an ELF64 little-endian file
     */
    static Map<String, Long> values(Path elf, List<String> names) throws IOException {
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ)) {
            Table table = Table.of(ch, elf);
            Path hints = hintFile(elf);
            Map<String, Long> hinted = fromHints(ch, table, readHints(hints), names);
            if (hinted != null) {
                return hinted;
            }
            Map<String, long[]> found = readWhole(ch, table, names);
            keepHints(hints, elf, found);
            Map<String, Long> values = new HashMap<>();
            found.forEach((name, at) -> values.put(name, at[1]));
            return values;
        }
    }

    /**
     * The same values from a full read of the table, nothing remembered or used.
     *
     * @param elf the file
     * @param names the symbols' names
     * @return each name found, with its value
     * @throws IOException if the file cannot be read or is not an ELF64 little-endian file
     */
    static Map<String, Long> readWhole(Path elf, List<String> names) throws IOException {
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ)) {
            Map<String, Long> values = new HashMap<>();
            readWhole(ch, Table.of(ch, elf), names).forEach((name, at) -> values.put(name, at[1]));
            return values;
        }
    }

    /**
     * How many full reads of a symbol table this JVM has made (for tests).
     *
     * @return the count
     */
    static int fullReads() {
        return FULL_READS.get();
    }

    /**
     * The hint file for {@code elf}: named by a digest of the file's path, size and modification
     * time, in {@link CheckVerdicts#directory()}.
     *
     * @param elf the file
     * @return the hint file's path
     * @throws IOException if the file's size or time cannot be read
     */
    static Path hintFile(Path elf) throws IOException {
        return CheckVerdicts.directory()
                .resolve(
                        "elf-symbols-"
                                + CheckVerdicts.digest(
                                        fileKey(elf).getBytes(StandardCharsets.UTF_8)));
    }

    private static String fileKey(Path elf) throws IOException {
        Path real = elf.toRealPath();
        return VERSION
                + '\n'
                + real
                + ' '
                + Files.size(real)
                + ' '
                + Files.getLastModifiedTime(real).toMillis()
                + '\n';
    }

    /** The section that holds the symbols and the one that holds their names. */
    private record Table(long symbols, long count, long strings, long stringsSize) {

        static Table of(FileChannel ch, Path elf) throws IOException {
            if (ch.size() < 64) {
                throw new IOException(
                        elf + " is not an ELF64 little-endian file (" + ch.size() + " bytes)");
            }
            ByteBuffer head = read(ch, 0, 64);
            if (head.getInt(0) != 0x464c457f || head.get(4) != 2 || head.get(5) != 1) {
                throw new IOException(elf + " is not an ELF64 little-endian file");
            }
            long shoff = head.getLong(0x28);
            int shentsize = Short.toUnsignedInt(head.getShort(0x3A));
            int shnum = Short.toUnsignedInt(head.getShort(0x3C));
            if (shoff < 0 || shoff + (long) shentsize * shnum > ch.size() || shentsize < 64) {
                throw new IOException(
                        elf + ": its section headers lie outside the file (ELF64 header damaged)");
            }
            ByteBuffer sections = read(ch, shoff, shentsize * shnum);
            for (int i = 0; i < shnum; i++) {
                int at = i * shentsize;
                if (sections.getInt(at + 4) != SHT_SYMTAB) {
                    continue;
                }
                int link = sections.getInt(at + 40);
                if (link < 0 || link >= shnum) {
                    break;
                }
                int strAt = link * shentsize;
                return new Table(
                        sections.getLong(at + 24),
                        sections.getLong(at + 32) / ENTRY,
                        sections.getLong(strAt + 24),
                        sections.getLong(strAt + 32));
            }
            return new Table(0, 0, 0, 0);
        }
    }

    /**
     * The values at the remembered entries, or null unless every name has a hint whose entry, as
     * the file is now, names it and defines it.
     */
    private static Map<String, Long> fromHints(
            FileChannel ch, Table table, Map<String, Long> hints, List<String> names)
            throws IOException {
        Map<String, Long> values = new HashMap<>();
        for (String name : names) {
            Long index = hints.get(name);
            if (index == null || index < 0 || index >= table.count()) {
                return null;
            }
            ByteBuffer entry = read(ch, table.symbols() + index * ENTRY, ENTRY);
            long nameAt = Integer.toUnsignedLong(entry.getInt(0));
            byte[] wanted = name.getBytes(StandardCharsets.US_ASCII);
            if (entry.getShort(6) == 0 || nameAt + wanted.length >= table.stringsSize()) {
                return null;
            }
            ByteBuffer written = read(ch, table.strings() + nameAt, wanted.length + 1);
            for (int i = 0; i < wanted.length; i++) {
                if (written.get(i) != wanted[i]) {
                    return null;
                }
            }
            if (written.get(wanted.length) != 0) {
                return null;
            }
            values.put(name, entry.getLong(8));
        }
        return values;
    }

    /**
     * Every name's first defined entry in the table: its number and value, in one pass over the
     * whole table.
     */
    private static Map<String, long[]> readWhole(FileChannel ch, Table table, List<String> names)
            throws IOException {
        FULL_READS.incrementAndGet();
        Map<String, long[]> found = new LinkedHashMap<>();
        if (table.count() == 0) {
            return found;
        }
        List<byte[]> wanted = new ArrayList<>();
        for (String n : names) {
            wanted.add(n.getBytes(StandardCharsets.US_ASCII));
        }
        MappedByteBuffer symbols = map(ch, table.symbols(), table.count() * ENTRY);
        MappedByteBuffer strings = map(ch, table.strings(), table.stringsSize());
        for (int s = 0; s + ENTRY <= symbols.limit() && found.size() < names.size(); s += ENTRY) {
            if (symbols.getShort(s + 6) == 0) { // undefined here
                continue;
            }
            int n = symbols.getInt(s);
            for (int w = 0; w < wanted.size(); w++) {
                if (!found.containsKey(names.get(w)) && matches(strings, n, wanted.get(w))) {
                    found.put(names.get(w), new long[] {s / ENTRY, symbols.getLong(s + 8)});
                }
            }
        }
        return found;
    }

    private static Map<String, Long> readHints(Path hints) {
        Map<String, Long> read = new HashMap<>();
        try {
            if (!Files.isRegularFile(hints)) {
                return read;
            }
            List<String> lines = Files.readAllLines(hints, StandardCharsets.UTF_8);
            for (int i = 2; i < lines.size(); i++) {
                String line = lines.get(i);
                int space = line.lastIndexOf(' ');
                if (space > 0) {
                    read.put(line.substring(0, space), Long.parseLong(line.substring(space + 1)));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not read the symbol positions in {}: {}", hints, e.toString());
            read.clear();
        }
        return read;
    }

    private static void keepHints(Path hints, Path elf, Map<String, long[]> found) {
        if (found.isEmpty()) {
            return;
        }
        try {
            StringBuilder text = new StringBuilder(fileKey(elf));
            found.forEach((name, at) -> text.append(name).append(' ').append(at[0]).append('\n'));
            AtomicOutput.writeString(hints, text.toString());
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not keep the symbol positions in {}: {}", hints, e.toString());
        }
    }

    private static boolean matches(MappedByteBuffer names, int at, byte[] wanted) {
        if (at < 0 || at + wanted.length >= names.limit()) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (names.get(at + i) != wanted[i]) {
                return false;
            }
        }
        return names.get(at + wanted.length) == 0;
    }

    private static ByteBuffer read(FileChannel ch, long position, int size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new EOFException("the file ends before byte " + (position + size));
            }
        }
        return b.flip();
    }

    private static MappedByteBuffer map(FileChannel ch, long position, long size)
            throws IOException {
        MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, position, size);
        b.order(ByteOrder.LITTLE_ENDIAN);
        return b;
    }
}
