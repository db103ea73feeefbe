package io.github.keypoints.data.format;

import static io.github.keypoints.data.Fixtures.xmlBox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImglabXmlFormatTest {

    @TempDir Path dir;

    private Path xml(String images) throws IOException {
        return Files.writeString(
                dir.resolve("faces.xml"),
                "<?xml version='1.0' encoding='ISO-8859-1'?>\n<dataset>\n<name>t</name>\n<images>\n"
                        + images
                        + "</images>\n</dataset>\n");
    }

    @Test
    void threeBoxesAreThreeSamplesWithTheirBoxes() throws IOException {
        Path f =
                xml(
                        "  <image file='sub/a.jpg'>\n"
                                + xmlBox(10, 20, "")
                                + xmlBox(30, 40, "")
                                + xmlBox(50, 60, "")
                                + "  </image>\n  <image file='b.jpg' width='9' height='9'>\n"
                                + xmlBox(1, 2, "")
                                + "  </image>\n");
        ImglabDocument doc = ImglabXmlFormat.parse(f);
        assertThat(doc.badFaces()).isEmpty();
        assertThat(doc.faces()).hasSize(4);
        FaceSample s = doc.faces().get(1);
        assertThat(s.id()).isEqualTo("sub/a.jpg#1");
        assertThat(s.image()).isEqualTo(dir.toAbsolutePath().resolve("sub/a.jpg"));
        assertThat(s.box()).contains(new Box(40, 30, 40, 40));
        assertThat(s.keypoints().scheme()).isEqualTo(LandmarkScheme.IBUG_68);
        assertThat(s.keypoints().x(5)).isEqualTo(45f);
        assertThat(s.keypoints().y(5)).isEqualTo(32f);
        assertThat(doc.declaredSizes())
                .containsOnlyKeys(dir.toAbsolutePath().resolve("b.jpg"))
                .containsValue(new io.github.keypoints.data.image.ImageHeader(9, 9, "declared"));
    }

    @Test
    void ignoredBoxesAreLeftOutAndCounted() throws IOException {
        Path f =
                xml(
                        "<image file='a.jpg'>\n"
                                + xmlBox(10, 20, " ignore='1'")
                                + xmlBox(5, 5, "")
                                + "</image>\n");
        ImglabDocument doc = ImglabXmlFormat.parse(f);
        assertThat(doc.faces()).hasSize(1);
        assertThat(doc.faces().get(0).id()).isEqualTo("a.jpg#1");
        assertThat(doc.ignoredBoxes()).isEqualTo(1);
    }

    @Test
    void partsAreOrderedByName() throws IOException {
        Path f =
                xml(
                        "<image file='a.jpg'><box top='0' left='0' width='5' height='5'>"
                                + "<part name='01' x='7' y='8'/><part name='00' x='1' y='2'/></box></image>\n");
        FaceSample s = ImglabXmlFormat.parse(f).faces().get(0);
        assertThat(s.keypoints().toArray()).containsExactly(1, 2, 7, 8);
    }

    @Test
    void badBoxIsReportedWithElementAndLineAndParsingContinues() throws IOException {
        String bad = xmlBox(10, 20, "").replace("x='25'", "x='oops'");
        Path f = xml("<image file='a.jpg'>\n" + bad + xmlBox(1, 1, "") + "</image>\n");
        ImglabDocument doc = ImglabXmlFormat.parse(f);
        assertThat(doc.faces()).extracting(FaceSample::id).containsExactly("a.jpg#1");
        assertThat(doc.badFaces()).hasSize(1);
        MalformedAnnotationException e = doc.badFaces().get(0);
        assertThat(e.element()).isEqualTo("part");
        assertThat(e.line()).hasValue(12);
        assertThat(e.getMessage())
                .contains(f + ":12: <part>: expected a finite number for 'x', found 'oops'");
    }

    @Test
    void nanCoordinatesAndMissingAttributesAreBad() throws IOException {
        Path f =
                xml(
                        "<image file='a.jpg'>\n"
                                + xmlBox(10, 20, "").replace("y='10'", "y='NaN'")
                                + "<box top='1' left='1' width='3'><part name='00' x='1' y='1'/></box>\n"
                                + "<box top='1' left='1' width='3' height='3'></box>\n"
                                + "</image>\n");
        ImglabDocument doc = ImglabXmlFormat.parse(f);
        assertThat(doc.faces()).isEmpty();
        assertThat(doc.badFaces())
                .extracting(MalformedAnnotationException::detail)
                .containsExactly(
                        "expected a finite number for 'y', found 'NaN'",
                        "expected attribute 'height', found none",
                        "expected <part> children (landmarks), found none in the box of a.jpg");
    }

    @Test
    void malformedXmlNamesTheLine() throws IOException {
        Path f =
                Files.writeString(
                        dir.resolve("bad.xml"),
                        "<dataset>\n<images>\n<image file='a.jpg'>\n</images>\n");
        assertThatThrownBy(() -> ImglabXmlFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageStartingWith(f + ":4: expected well-formed imglab XML");
    }

    @Test
    void wrongRootIsReported() throws IOException {
        Path f = Files.writeString(dir.resolve("r.xml"), "<?xml version='1.0'?>\n<svg/>");
        assertThatThrownBy(() -> ImglabXmlFormat.parse(f))
                .hasMessageContaining(":2: <svg>: expected root element <dataset>, found <svg>");
    }

    @Test
    void emptyAndJunkFilesAreReported() throws IOException {
        Path empty = Files.writeString(dir.resolve("e.xml"), "");
        assertThatThrownBy(() -> ImglabXmlFormat.parse(empty))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageContaining("expected well-formed imglab XML");
        Path junk = dir.resolve("j.xml");
        Files.write(
                junk,
                new byte[] {
                    '<', 'd', 'a', 't', 'a', 's', 'e', 't', '>', (byte) 0xFF, (byte) 0xFE, '<'
                });
        assertThatThrownBy(() -> ImglabXmlFormat.parse(junk))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageContaining(junk + ":1: expected well-formed imglab XML");
    }

    @Test
    void externalEntitiesAreRefused() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
        Path f =
                Files.writeString(
                        dir.resolve("xxe.xml"),
                        "<?xml version='1.0'?>\n<!DOCTYPE dataset [<!ENTITY x SYSTEM '"
                                + secret.toUri()
                                + "'>]>\n<dataset><images><image file='&x;'>"
                                + "<box top='0' left='0' width='1' height='1'><part name='0' x='0' y='0'/></box>"
                                + "</image></images></dataset>");
        assertThatThrownBy(() -> ImglabXmlFormat.parse(f))
                .isInstanceOf(MalformedAnnotationException.class)
                .hasMessageNotContaining("TOP-SECRET");
    }
}
