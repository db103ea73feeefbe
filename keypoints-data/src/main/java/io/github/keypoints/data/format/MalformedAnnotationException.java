package io.github.keypoints.data.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Thrown when an annotation file does not follow its format; the message names the file, the line
 * (or XML element) and what was expected versus found, as in {@code 01-1m.asf:17: expected 7 or
 * more fields, found 5}.
 */
public class MalformedAnnotationException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The annotation file (not serialised: {@code Path} is not serialisable). */
    private final transient Path file;

    /** The 1-based line, or 0 when unknown. */
    private final int line;

    /** The XML element at fault, or null. */
    private final String element;

    /** What was expected and found. */
    private final String detail;

    /**
     * Creates an exception for a line of a text file.
     *
     * @param file the annotation file
     * @param line the 1-based line number, or 0 if the problem is not on one line
     * @param detail what was expected and what was found
     */
    public MalformedAnnotationException(Path file, int line, String detail) {
        this(file, line, null, detail, null);
    }

    /**
     * Creates an exception with every detail.
     *
     * @param file the annotation file
     * @param line the 1-based line number, or 0 if unknown
     * @param element the XML element at fault, or {@code null}
     * @param detail what was expected and what was found
     * @param cause the underlying error, or {@code null}
     */
    public MalformedAnnotationException(
            Path file, int line, String element, String detail, Throwable cause) {
        super(format(file, line, element, detail), cause);
        this.file = Objects.requireNonNull(file, "file");
        this.line = Math.max(0, line);
        this.element = element;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    private static String format(Path file, int line, String element, String detail) {
        StringBuilder sb = new StringBuilder().append(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (element != null) {
            sb.append('<').append(element).append(">: ");
        }
        return sb.append(detail).toString();
    }

    /**
     * Returns the annotation file.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    /**
     * Returns the 1-based line number, when the problem is on one line.
     *
     * @return the line, or empty
     */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }

    /**
     * Returns the XML element at fault, or {@code null} for text formats.
     *
     * @return the element name
     */
    public String element() {
        return element;
    }

    /**
     * Returns what was expected and what was found, without the file and line.
     *
     * @return the detail
     */
    public String detail() {
        return detail;
    }
}
