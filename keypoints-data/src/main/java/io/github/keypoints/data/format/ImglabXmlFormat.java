package io.github.keypoints.data.format;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.image.ImageHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
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
        try (InputStream in = Files.newInputStream(file)) {
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
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
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
