package io.github.keypoints.data.format;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The lines of a small UTF-8 text file, decoded strictly so junk bytes name their line. */
final class TextLines {

    /** Annotation files are a few kilobytes; anything this big is not one. */
    static final long MAX_BYTES = 16L << 20;

    private final Path file;
    private final List<String> lines;
    private int next;

    private TextLines(Path file, List<String> lines) {
        this.file = file;
        this.lines = lines;
    }

    static TextLines read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new MalformedAnnotationException(
                    file,
                    0,
                    "expected an annotation file under "
                            + (MAX_BYTES >> 20)
                            + " MiB, found "
                            + size
                            + " bytes");
        }
        byte[] bytes = Files.readAllBytes(file);
        List<String> out = new ArrayList<>();
        // Editors on Windows often start UTF-8 files with a byte-order mark; it is not content.
        boolean bom =
                bytes.length >= 3
                        && (bytes[0] & 0xFF) == 0xEF
                        && (bytes[1] & 0xFF) == 0xBB
                        && (bytes[2] & 0xFF) == 0xBF;
        int start = bom ? 3 : 0;
        for (int i = start; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (i == bytes.length && start == i) {
                    break;
                }
                int end = i;
                if (end > start && bytes[end - 1] == '\r') {
                    end--;
                }
                out.add(decode(file, out.size() + 1, bytes, start, end));
                start = i + 1;
            }
        }
        return new TextLines(file, out);
    }

    private static String decode(Path file, int lineNo, byte[] bytes, int from, int to)
            throws MalformedAnnotationException {
        CharsetDecoder dec =
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            String s = dec.decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 && c != '\t') {
                    throw new MalformedAnnotationException(
                            file,
                            lineNo,
                            String.format(
                                    "expected text, found control character 0x%02X at column %d",
                                    (int) c, i + 1));
                }
            }
            return s;
        } catch (CharacterCodingException e) {
            int bad = from;
            while (bad < to && bytes[bad] >= 0) {
                bad++;
            }
            throw new MalformedAnnotationException(
                    file,
                    lineNo,
                    null,
                    String.format(
                            "expected UTF-8 text, found byte 0x%02X at column %d",
                            bad < to ? bytes[bad] & 0xFF : 0, bad - from + 1),
                    e);
        }
    }

    Path file() {
        return file;
    }

    /** Returns the next line that is neither blank nor a {@code #} comment, or null at the end. */
    String nextContent() {
        while (next < lines.size()) {
            String s = lines.get(next++).strip();
            if (!s.isEmpty() && !s.startsWith("#")) {
                return s;
            }
        }
        return null;
    }

    /** Returns the next non-blank line, or null at the end. */
    String nextNonBlank() {
        while (next < lines.size()) {
            String s = lines.get(next++).strip();
            if (!s.isEmpty()) {
                return s;
            }
        }
        return null;
    }

    /** Returns the 1-based number of the line returned last. */
    int lineNumber() {
        return next;
    }

    /** Returns the 1-based number the next line would have (for end-of-file errors). */
    int endLine() {
        return lines.size();
    }

    MalformedAnnotationException error(String detail) {
        return new MalformedAnnotationException(file, next, detail);
    }

    static String quote(String s) {
        return s == null
                ? "end of file"
                : "'" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "'";
    }

    /** Parses a finite number or throws naming the field. */
    double number(String field, String what) throws MalformedAnnotationException {
        double v;
        try {
            v = Double.parseDouble(field);
        } catch (NumberFormatException e) {
            throw error("expected a number for " + what + ", found " + quote(field));
        }
        if (!Double.isFinite(v)) {
            throw error("expected a finite number for " + what + ", found " + quote(field));
        }
        return v;
    }

    /** Formats a float so that parsing it back gives the same float, without an exponent. */
    static String plain(float v) {
        return new java.math.BigDecimal(Float.toString(v)).toPlainString();
    }
}
