package io.github.keypoints.data.format;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.image.ImageHeader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads dlib imglab XML landmark files, the layout of {@code labels_ibug_300W_train.xml}: {@code
 * <dataset><images><image file='…'><box top left width height><part name='00' x y/>…}.
 *
 * <p>Each {@code <box>} with parts is one sample (an image with three boxes gives three samples),
 * keeping the box; boxes with {@code ignore='1'} are left out and counted. Image paths are resolved
 * against the XML file's folder. Parts are ordered by their numeric {@code name}, not by document
 * order. The optional {@code width} and {@code height} attributes of {@code <image>} are returned
 * in {@link ImglabDocument#declaredSizes()}. DTDs and external entities are refused.
 */
public final class ImglabXmlFormat {

    /** How far into the file the XML declaration, and so its encoding, is looked for. */
    private static final int DECLARATION_BYTES = 256;

    private static final String UTF8_BOM = "\u00ef\u00bb\u00bf";

    private static final Pattern DECLARED_ENCODING =
            Pattern.compile("<\\?xml[^>]*?\\sencoding\\s*=\\s*[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']");

    private ImglabXmlFormat() {}

    /**
     * Parses an imglab XML file. A box that is not a valid annotation does not stop the parse: it
     * is returned in {@link ImglabDocument#badFaces()} so the caller chooses strict or lenient
     * handling.
     *
     * @param file the XML file
     * @return the samples, the bad boxes and the ignored-box count
     * @throws MalformedAnnotationException naming the line if the file is not well-formed XML or
     *     not an imglab dataset
     * @throws IOException if the file cannot be read
     */
    public static ImglabDocument parse(Path file) throws IOException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        Path folder = file.toAbsolutePath().getParent();
        List<FaceSample> faces = new ArrayList<>();
        List<MalformedAnnotationException> bad = new ArrayList<>();
        java.util.Map<Path, ImageHeader> sizes = new java.util.HashMap<>();
        int ignored = 0;
        Charset charset = declaredCharset(file);
        try (BufferedInputStream bytes = new BufferedInputStream(Files.newInputStream(file));
                Reader in = strictReader(bytes, charset)) {
            XMLStreamReader r = factory.createXMLStreamReader(in);
            try {
                if (r.nextTag() != XMLStreamConstants.START_ELEMENT
                        || !r.getLocalName().equals("dataset")) {
                    throw new MalformedAnnotationException(
                            file,
                            line(r),
                            r.getLocalName(),
                            "expected root element <dataset>, found <" + r.getLocalName() + ">",
                            null);
                }
                String imageFile = null;
                int boxIndex = 0;
                while (r.hasNext()) {
                    int ev = r.next();
                    if (ev == XMLStreamConstants.START_ELEMENT) {
                        String name = r.getLocalName();
                        if (name.equals("image")) {
                            imageFile = r.getAttributeValue(null, "file");
                            boxIndex = 0;
                            if (imageFile == null || imageFile.isBlank()) {
                                throw new MalformedAnnotationException(
                                        file,
                                        line(r),
                                        "image",
                                        "expected a 'file' attribute, found none",
                                        null);
                            }
                            if (r.getAttributeValue(null, "width") != null
                                    && r.getAttributeValue(null, "height") != null) {
                                double w = attr(file, r, "image", "width");
                                double h = attr(file, r, "image", "height");
                                if (w < 1 || h < 1 || w != Math.rint(w) || h != Math.rint(h)) {
                                    throw new MalformedAnnotationException(
                                            file,
                                            line(r),
                                            "image",
                                            "expected a positive whole width and height, found "
                                                    + w
                                                    + "x"
                                                    + h,
                                            null);
                                }
                                sizes.put(
                                        folder.resolve(imageFile).normalize(),
                                        new ImageHeader((int) w, (int) h, "declared"));
                            }
                        } else if (name.equals("box")) {
                            int boxLine = line(r);
                            int index = boxIndex++;
                            if (imageFile == null) {
                                throw new MalformedAnnotationException(
                                        file,
                                        boxLine,
                                        "box",
                                        "expected <box> inside <image>, found it outside",
                                        null);
                            }
                            if ("1".equals(r.getAttributeValue(null, "ignore"))) {
                                ignored++;
                                skipElement(r);
                                continue;
                            }
                            try {
                                faces.add(readBox(file, folder, imageFile, index, r));
                            } catch (MalformedAnnotationException e) {
                                bad.add(e);
                                skipRestOfBox(r);
                            }
                        }
                    }
                }
            } catch (XMLStreamException e) {
                if (e.getNestedException() instanceof CharacterCodingException) {
                    throw notText(file, charset, e);
                }
                throw e;
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            if (e.getNestedException() instanceof CharacterCodingException) {
                throw notText(file, charset, e);
            }
            Location loc = e.getLocation();
            String msg = e.getMessage();
            // StAX prefixes its message with "ParseError at [row,col]:…"; keep the reason only.
            int cut = msg == null ? -1 : msg.indexOf("Message: ");
            String reason = cut >= 0 ? msg.substring(cut + 9) : String.valueOf(msg);
            throw new MalformedAnnotationException(
                    file,
                    loc == null ? 0 : loc.getLineNumber(),
                    null,
                    "expected well-formed imglab XML, found an error: " + reason.strip(),
                    e);
        }
        return new ImglabDocument(faces, bad, ignored, sizes);
    }

    /**
     * Returns the encoding of the file's text: the one its byte-order mark or XML declaration names
     * (dlib writes {@code ISO-8859-1}), UTF-8 when none is named.
     *
     * <p>The file is decoded here rather than by the StAX parser because the JDK's parser prints
     * "[Fatal Error] …" to stderr for a malformed byte sequence before it throws, and StAX offers
     * no error handler to stop that; a decoding error from {@link #strictReader} is thrown quietly
     * and reported by {@link #notText}.
     */
    private static Charset declaredCharset(Path file)
            throws IOException, MalformedAnnotationException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(DECLARATION_BYTES);
        }
        int b0 = head.length > 0 ? head[0] & 0xFF : -1;
        int b1 = head.length > 1 ? head[1] & 0xFF : -1;
        if (b0 == 0xFE && b1 == 0xFF || b0 == 0xFF && b1 == 0xFE) {
            return StandardCharsets.UTF_16;
        } else if (b0 == '<' && b1 == 0) {
            return StandardCharsets.UTF_16LE;
        } else if (b0 == 0 && b1 == '<') {
            return StandardCharsets.UTF_16BE;
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        Matcher m = DECLARED_ENCODING.matcher(text.startsWith(UTF8_BOM) ? text.substring(3) : text);
        if (!m.lookingAt()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new MalformedAnnotationException(
                    file,
                    1,
                    "xml",
                    "expected an encoding Java supports, found '" + m.group(1) + "'",
                    e);
        }
    }

    /** Decodes {@code in} strictly, dropping a UTF-8 byte-order mark (it is not content). */
    private static Reader strictReader(BufferedInputStream in, Charset charset) throws IOException {
        if (charset.equals(StandardCharsets.UTF_8)) {
            in.mark(3);
            byte[] bom = in.readNBytes(3);
            if (!new String(bom, StandardCharsets.ISO_8859_1).equals(UTF8_BOM)) {
                in.reset();
            }
        }
        return new InputStreamReader(
                in,
                charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    /** Reports a malformed byte sequence with the line it is on. */
    private static MalformedAnnotationException notText(Path file, Charset charset, Exception e)
            throws IOException {
        CharsetDecoder decoder =
                charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        CharBuffer chars = CharBuffer.allocate(bytes.remaining() + 1);
        decoder.decode(bytes, chars, true);
        chars.flip();
        int line = 1;
        while (chars.hasRemaining()) {
            if (chars.get() == '\n') {
                line++;
            }
        }
        return new MalformedAnnotationException(
                file,
                line,
                null,
                "expected well-formed imglab XML, found an error: bytes that are not "
                        + charset.name()
                        + " text",
                e);
    }

    /** Reads one {@code <box>}; on return the reader is at the box's end tag. */
    private static FaceSample readBox(
            Path file, Path folder, String imageFile, int index, XMLStreamReader r)
            throws XMLStreamException, MalformedAnnotationException {
        int boxLine = line(r);
        double top = attr(file, r, "box", "top");
        double left = attr(file, r, "box", "left");
        double width = attr(file, r, "box", "width");
        double height = attr(file, r, "box", "height");
        if (width < 0 || height < 0) {
            throw new MalformedAnnotationException(
                    file,
                    boxLine,
                    "box",
                    "expected a non-negative width and height, found " + width + "x" + height,
                    null);
        }
        TreeMap<Integer, float[]> parts = new TreeMap<>();
        int depth = 1;
        while (depth > 0) {
            int ev = r.next();
            if (ev == XMLStreamConstants.START_ELEMENT) {
                depth++;
                if (r.getLocalName().equals("part")) {
                    String partName = r.getAttributeValue(null, "name");
                    int idx;
                    try {
                        idx = Integer.parseInt(partName == null ? "" : partName.strip());
                    } catch (NumberFormatException e) {
                        throw new MalformedAnnotationException(
                                file,
                                line(r),
                                "part",
                                "expected a numeric 'name' such as '00', found "
                                        + (partName == null ? "none" : "'" + partName + "'"),
                                null);
                    }
                    if (idx < 0) {
                        throw new MalformedAnnotationException(
                                file, line(r), "part", "expected name >= 0, found " + idx, null);
                    }
                    float x = (float) attr(file, r, "part", "x");
                    float y = (float) attr(file, r, "part", "y");
                    if (parts.put(idx, new float[] {x, y}) != null) {
                        throw new MalformedAnnotationException(
                                file,
                                line(r),
                                "part",
                                "expected each part name once, found '" + partName + "' twice",
                                null);
                    }
                }
            } else if (ev == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
        if (parts.isEmpty()) {
            throw new MalformedAnnotationException(
                    file,
                    boxLine,
                    "box",
                    "expected <part> children (landmarks), found none in the box of " + imageFile,
                    null);
        }
        int n = parts.size();
        if (parts.lastKey() != n - 1) {
            throw new MalformedAnnotationException(
                    file,
                    boxLine,
                    "box",
                    "expected parts named 0.."
                            + (n - 1)
                            + ", found highest name "
                            + parts.lastKey(),
                    null);
        }
        float[] xy = new float[2 * n];
        parts.forEach(
                (i, p) -> {
                    xy[2 * i] = p[0];
                    xy[2 * i + 1] = p[1];
                });
        Keypoints k = Keypoints.of(PtsFormat.schemeFor(n), xy);
        return new FaceSample(
                imageFile + "#" + index,
                folder.resolve(imageFile).normalize(),
                k,
                Optional.of(new Box(left, top, width, height)));
    }

    private static double attr(Path file, XMLStreamReader r, String element, String name)
            throws MalformedAnnotationException {
        String v = r.getAttributeValue(null, name);
        if (v == null) {
            throw new MalformedAnnotationException(
                    file, line(r), element, "expected attribute '" + name + "', found none", null);
        }
        double d;
        try {
            d = Double.parseDouble(v.strip());
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!Double.isFinite(d) || !Float.isFinite((float) d)) {
            throw new MalformedAnnotationException(
                    file,
                    line(r),
                    element,
                    "expected a finite number for '" + name + "', found '" + v + "'",
                    null);
        }
        return d;
    }

    /** Skips to the end tag of the element whose start tag the reader is on. */
    private static void skipElement(XMLStreamReader r) throws XMLStreamException {
        int depth = 1;
        while (depth > 0) {
            int ev = r.next();
            if (ev == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (ev == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    /** After a bad box, skips to the end of that box (the reader may be on the box or a child). */
    private static void skipRestOfBox(XMLStreamReader r) throws XMLStreamException {
        if (r.getEventType() == XMLStreamConstants.START_ELEMENT) {
            boolean onBox = r.getLocalName().equals("box");
            skipElement(r);
            if (onBox) {
                return;
            }
        }
        while (!(r.getEventType() == XMLStreamConstants.END_ELEMENT
                && r.getLocalName().equals("box"))) {
            r.next();
        }
    }

    private static int line(XMLStreamReader r) {
        Location loc = r.getLocation();
        return loc == null ? 0 : loc.getLineNumber();
    }
}
