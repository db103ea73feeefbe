package io.github.keypoints.data.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.image.ImageHeader;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encodings, size and box limits, and the exact wording of imglab XML errors. */
class ImglabXmlEdgeCasesTest {

    @TempDir Path dir;

    /** One image {@code é.jpg} with a one-part box: the non-ASCII name shows the decoding. */
    private static final String DATASET =
            "<dataset><images><image file='\u00e9.jpg'>"
                    + "<box top='1' left='2' width='3' height='4'><part name='0' x='5' y='6'/></box>"
                    + "</image></images></dataset>";

    private Path write(String name, byte[]... parts) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    private Path xml(String text) throws IOException {
        return Files.writeString(dir.resolve("t.xml"), text, StandardCharsets.UTF_8);
    }

    private static void assertTheOneSample(ImglabDocument doc) {
        assertThat(doc.badFaces()).isEmpty();
        assertThat(doc.faces()).hasSize(1);
        FaceSample s = doc.faces().get(0);
        assertThat(s.id()).isEqualTo("\u00e9.jpg#0");
        assertThat(s.box()).contains(new Box(2, 1, 3, 4));
        assertThat(s.keypoints().toArray()).containsExactly(5, 6);
    }

    @Test
    void utf16WithEitherByteOrderMarkIsDecoded() throws IOException {
        // Charset UTF-16 writes a big-endian byte-order mark (FE FF) before the text.
        Path be = write("be.xml", DATASET.getBytes(StandardCharsets.UTF_16));
        assertTheOneSample(ImglabXmlFormat.parse(be));
        Path le =
                write(
                        "le.xml",
                        new byte[] {(byte) 0xFF, (byte) 0xFE},
                        DATASET.getBytes(StandardCharsets.UTF_16LE));
        assertTheOneSample(ImglabXmlFormat.parse(le));
    }

    @Test
    void utf16WithoutAByteOrderMarkIsRecognisedByItsFirstCharacter() throws IOException {
        // '<' as 3C 00 (little-endian) or 00 3C (big-endian).
        assertTheOneSample(
                ImglabXmlFormat.parse(
                        write("le.xml", DATASET.getBytes(StandardCharsets.UTF_16LE))));
        assertTheOneSample(
                ImglabXmlFormat.parse(
                        write("be.xml", DATASET.getBytes(StandardCharsets.UTF_16BE))));
    }

    @Test
    void aUtf8ByteOrderMarkIsNotContent() throws IOException {
        Path f =
                write(
                        "bom.xml",
                        new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                        DATASET.getBytes(StandardCharsets.UTF_8));
        assertTheOneSample(ImglabXmlFormat.parse(f));
    }

    @Test
    void aDeclaredLatin1FileIsNotReadAsUtf8() throws IOException {
        String text = "<?xml version='1.0' encoding='ISO-8859-1'?>" + DATASET;
        assertTheOneSample(
                ImglabXmlFormat.parse(write("l1.xml", text.getBytes(StandardCharsets.ISO_8859_1))));
    }

    @Test
    void anUnknownEncodingIsNamedOnLineOne() throws IOException {
        Path f = xml("<?xml version='1.0' encoding='x-no-such-enc'?>\n" + DATASET);
        assertThatThrownBy(() -> ImglabXmlFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessage(
                        f + ":1: <xml>: expected an encoding Java supports, found 'x-no-such-enc'");
        assertThat(Charset.isSupported("x-no-such-enc")).isFalse();
    }

    @Test
    void aOneByteFileIsMalformedNotACrash() throws IOException {
        Path f = write("one.xml", new byte[] {'<'});
        assertThatThrownBy(() -> ImglabXmlFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageStartingWith(f.toString())
                .hasMessageContaining("expected well-formed imglab XML, found an error: ");
    }

    @Test
    void parserErrorsKeepTheReasonWithoutStaxsPrefix() throws IOException {
        Path f = xml("<dataset>\n<images>\n<image file='a.jpg'>\n</images>\n");
        assertThatThrownBy(() -> ImglabXmlFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageStartingWith(f + ":4: expected well-formed imglab XML, found an error: ")
                .hasMessageNotContaining("ParseError")
                .hasMessageNotContaining("Message:")
                // The reason itself follows the colon directly: no leading blank or fragment.
                .satisfies(
                        e -> {
                            String m = e.getMessage();
                            String reason = m.substring(m.indexOf("found an error: ") + 16);
                            assertThat(reason).isNotBlank().doesNotStartWith(" ");
                            assertThat(Character.isLetter(reason.charAt(0))).isTrue();
                        });
    }

    @Test
    void aDocumentTypeDeclarationIsRefused() throws IOException {
        // Even an internal entity: DTD processing is off, so the reference cannot be expanded.
        Path f =
                xml(
                        "<?xml version='1.0'?>\n<!DOCTYPE dataset [<!ENTITY x 'e.jpg'>]>\n"
                                + DATASET.replace("\u00e9.jpg", "&x;"));
        assertThatThrownBy(() -> ImglabXmlFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageStartingWith(f.toString());
    }

    @Test
    void declaredImageSizesMustBePositiveWholeNumbers() throws IOException {
        Path one =
                xml(DATASET.replace("file='\u00e9.jpg'", "file='\u00e9.jpg' width='1' height='1'"));
        assertThat(ImglabXmlFormat.parse(one).declaredSizes())
                .containsValue(new ImageHeader(1, 1, "declared"));
        for (String size : new String[] {"width='0' height='5'", "width='5' height='0'"}) {
            Path f = xml(DATASET.replace("file='\u00e9.jpg'", "file='\u00e9.jpg' " + size));
            assertThatThrownBy(() -> ImglabXmlFormat.parse(f))
                    .isInstanceOf(MalformedAnnotationException.class)
                    .hasMessageContaining(
                            ":1: <image>: expected a positive whole width and height");
        }
        Path half =
                xml(
                        DATASET.replace(
                                "file='\u00e9.jpg'", "file='\u00e9.jpg' width='9.5' height='9'"));
        assertThatThrownBy(() -> ImglabXmlFormat.parse(half))
                .hasMessageEndingWith("expected a positive whole width and height, found 9.5x9.0");
    }

    @Test
    void anEmptyBoxIsAFaceAndANegativeOneIsBad() throws IOException {
        Path zero = xml(DATASET.replace("width='3' height='4'", "width='0' height='0'"));
        assertThat(ImglabXmlFormat.parse(zero).faces().get(0).box()).contains(new Box(2, 1, 0, 0));
        for (String size : new String[] {"width='-1' height='4'", "width='3' height='-2'"}) {
            Path f = xml(DATASET.replace("width='3' height='4'", size));
            ImglabDocument doc = ImglabXmlFormat.parse(f);
            assertThat(doc.faces()).isEmpty();
            assertThat(doc.badFaces())
                    .singleElement()
                    .extracting(MalformedAnnotationException::detail)
                    .asString()
                    .startsWith("expected a non-negative width and height, found ");
        }
    }

    @Test
    void partsWithoutANameOrWithAGapAreBadBoxesSayingWhatWasExpected() throws IOException {
        Path unnamed = xml(DATASET.replace("<part name='0'", "<part"));
        assertThat(ImglabXmlFormat.parse(unnamed).badFaces())
                .singleElement()
                .extracting(MalformedAnnotationException::detail)
                .isEqualTo("expected a numeric 'name' such as '00', found none");
        Path gap =
                xml(
                        DATASET.replace(
                                "<part name='0' x='5' y='6'/>",
                                "<part name='0' x='5' y='6'/><part name='2' x='7' y='8'/>"));
        assertThat(ImglabXmlFormat.parse(gap).badFaces())
                .singleElement()
                .extracting(MalformedAnnotationException::detail)
                .isEqualTo("expected parts named 0..1, found highest name 2");
        Path negative = xml(DATASET.replace("name='0'", "name='-1'"));
        assertThat(ImglabXmlFormat.parse(negative).badFaces())
                .singleElement()
                .extracting(MalformedAnnotationException::detail)
                .isEqualTo("expected name >= 0, found -1");
        Path twice =
                xml(
                        DATASET.replace(
                                "<part name='0' x='5' y='6'/>",
                                "<part name='0' x='5' y='6'/><part name='00' x='7' y='8'/>"));
        assertThat(ImglabXmlFormat.parse(twice).badFaces())
                .singleElement()
                .extracting(MalformedAnnotationException::detail)
                .isEqualTo("expected each part name once, found '00' twice");
    }

    @Test
    void aBoxOutsideAnImageAndAnImageWithoutAFileAreReported() throws IOException {
        Path outside = xml("<dataset>\n<box top='1' left='2' width='3' height='4'/></dataset>");
        assertThatThrownBy(() -> ImglabXmlFormat.parse(outside))
                .hasMessage(outside + ":2: <box>: expected <box> inside <image>, found it outside");
        Path noFile = xml("<dataset>\n<images>\n<image file=' '/></images></dataset>");
        assertThatThrownBy(() -> ImglabXmlFormat.parse(noFile))
                .hasMessage(noFile + ":3: <image>: expected a 'file' attribute, found none");
    }
}
