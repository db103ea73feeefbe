package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Fixtures;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.format.ImmAsfFormat;
import io.github.keypoints.data.format.ImmShape;
import io.github.keypoints.data.format.PixelOrigin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DatasetLoaderTest {

    @TempDir Path dir;

    /** One way a sample can be bad; {@code apply} spoils sample {@code 02-1m} / {@code b}. */
    enum Bad {
        CORRUPT_IMAGE("image", "could not be decoded"),
        TRUNCATED_IMAGE("image", "is truncated"),
        MISSING_IMAGE("image", "image file does not exist"),
        WRONG_POINT_COUNT("annotation", "expected 58 points"),
        NAN_COORDINATE("annotation", "expected a finite number"),
        INFINITE_COORDINATE("annotation", "expected a finite number"),
        ABSURD_COORDINATE("annotation", "is absurd"),
        EMPTY_FILE("annotation", "found end of file"),
        NON_UTF8_JUNK("annotation", "expected UTF-8 text");

        final String culprit;
        final String reason;

        Bad(String culprit, String reason) {
            this.culprit = culprit;
            this.reason = reason;
        }
    }

    private Path immFolder(Bad bad) throws IOException {
        Path root = dir.resolve("imm");
        for (String n : new String[] {"01-1m", "02-1m", "03-1f"}) {
            Fixtures.immPair(root, n, 64, 48);
        }
        spoil(root, "02-1m", bad);
        return root;
    }

    /** Spoils the IMM pair {@code name} in {@code root} in the way {@code bad} says. */
    static void spoil(Path root, String name, Bad bad) throws IOException {
        Path asf = root.resolve(name + ".asf");
        Path jpg = root.resolve(name + ".jpg");
        String text = Files.readString(asf);
        switch (bad) {
            case CORRUPT_IMAGE:
                Files.writeString(jpg, "<html>not found</html>");
                break;
            case TRUNCATED_IMAGE:
                byte[] b = Files.readAllBytes(jpg);
                Files.write(jpg, Arrays.copyOf(b, b.length - 40));
                break;
            case MISSING_IMAGE:
                Files.delete(jpg);
                break;
            case WRONG_POINT_COUNT:
                Files.writeString(asf, text.replaceFirst("\n58\n", "\n57\n"));
                break;
            case NAN_COORDINATE:
                Files.writeString(asf, text.replaceFirst("\t0\\.[0-9]+ ", "\tNaN "));
                break;
            case INFINITE_COORDINATE:
                Files.writeString(asf, text.replaceFirst("\t0\\.[0-9]+ ", "\tInfinity "));
                break;
            case ABSURD_COORDINATE:
                Files.writeString(asf, text.replaceFirst("\t0\\.[0-9]+ ", "\t40.5 "));
                break;
            case EMPTY_FILE:
                Files.write(asf, new byte[0]);
                break;
            case NON_UTF8_JUNK:
                Files.write(asf, new byte[] {'5', '8', '\n', (byte) 0xC0, (byte) 0xAF, '\n'});
                break;
            default:
                throw new IllegalStateException();
        }
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void lenientImmLoadSkipsTheBadSampleAndSaysWhy(Bad bad) throws IOException {
        Path root = immFolder(bad);
        LoadedDataset d = DatasetLoader.builder().setPath(root).optStrict(false).build().load();
        assertThat(d.samples()).extracting(FaceSample::id).containsExactly("01-1m", "03-1f");
        assertThat(d.skipped()).hasSize(1);
        SkippedSample s = d.skipped().get(0);
        assertThat(s.file().getFileName().toString())
                .isEqualTo(bad.culprit.equals("image") ? "02-1m.jpg" : "02-1m.asf");
        assertThat(s.reason()).contains(bad.reason);
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void strictImmLoadFailsNamingTheFile(Bad bad) throws IOException {
        Path root = immFolder(bad);
        assertThatThrownBy(() -> DatasetLoader.builder().setPath(root).build().load())
                .isInstanceOf(BadSampleException.class)
                .hasMessageContaining(bad.culprit.equals("image") ? "02-1m.jpg" : "02-1m.asf")
                .hasMessageContaining(bad.reason);
    }

    @Test
    void immPixelsUseTheRealImageSize() throws IOException {
        Path root = dir.resolve("imm");
        Fixtures.immPair(root, "05-2m", 200, 100);
        FaceSample s = DatasetLoader.builder().setPath(root).build().load().samples().get(0);
        ImmShape shape = ImmAsfFormat.parse(root.resolve("05-2m.asf"));
        // IMM stores coordinates relative to the image (0..1 across it): pixels = relative × size,
        // computed here from the parsed file, not by the code under test.
        assertThat(s.keypoints().size()).isEqualTo(58);
        for (int i = 0; i < 58; i++) {
            assertThat((double) s.keypoints().x(i))
                    .isCloseTo(shape.relative().x(i) * 200.0, within(1e-4));
            assertThat((double) s.keypoints().y(i))
                    .isCloseTo(shape.relative().y(i) * 100.0, within(1e-4));
        }
        assertThat(s.image()).isEqualTo(root.toAbsolutePath().resolve("05-2m.jpg"));
        assertThat(s.keypoints().scheme()).isEqualTo(LandmarkScheme.IMM_58);
    }

    @Test
    void ptsTreeLoadsRecursivelyWithIdsRelativeToTheRoot() throws IOException {
        Path root = dir.resolve("w");
        Fixtures.ptsPair(root.resolve("afw"), "a", 80, 60);
        Fixtures.ptsPair(root.resolve("helen/trainset"), "b", 80, 60);
        Fixtures.ptsPair(root, "c", 80, 60);
        LoadedDataset d = DatasetLoader.builder().setPath(root).build().load();
        assertThat(d.samples())
                .extracting(FaceSample::id)
                .containsExactly("afw/a", "c", "helen/trainset/b");
        assertThat(d.samples().get(0).keypoints().scheme()).isEqualTo(LandmarkScheme.IBUG_68);
    }

    @Test
    void ptsCoordinatesAreOneBasedUnlessToldOtherwise() throws IOException {
        Path root = dir.resolve("o");
        Fixtures.ptsPair(root, "a", 80, 60);
        // point 2 written as "12.5 22.25"
        Files.writeString(root.resolve("a.pts"), Fixtures.ptsText(68, Fixtures.ptsLines(68)));
        FaceSample one = DatasetLoader.builder().setPath(root).build().load().samples().get(0);
        FaceSample zero =
                DatasetLoader.builder()
                        .setPath(root)
                        .optPtsOrigin(PixelOrigin.ZERO_BASED)
                        .build()
                        .load()
                        .samples()
                        .get(0);
        assertThat(one.keypoints().x(2)).isEqualTo(11.5f);
        assertThat(one.keypoints().y(2)).isEqualTo(21.25f);
        assertThat(zero.keypoints().x(2)).isEqualTo(12.5f);
        assertThat(zero.keypoints().y(2)).isEqualTo(22.25f);
    }

    @Test
    void ptsProblemsAreReportedPerFile() throws IOException {
        Path root = dir.resolve("w");
        Fixtures.ptsPair(root, "good", 80, 60);
        Path noImage = Fixtures.ptsPair(root, "noimage", 80, 60);
        Files.delete(root.resolve("noimage.png"));
        Path short67 = root.resolve("short.pts");
        Files.writeString(short67, Fixtures.ptsText(67, Fixtures.ptsLines(67)));
        Fixtures.image(root.resolve("short.png"), 80, 60);
        Path far = root.resolve("far.pts");
        String[] lines = Fixtures.ptsLines(68);
        lines[3] = "1000 20";
        Files.writeString(far, Fixtures.ptsText(68, lines));
        Fixtures.image(root.resolve("far.jpg"), 80, 60);
        Path empty = Files.write(root.resolve("empty.pts"), new byte[0]);
        Fixtures.image(root.resolve("empty.png"), 80, 60);
        Path corrupt = Fixtures.ptsPair(root, "corrupt", 80, 60);
        Files.write(root.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0});

        LoadedDataset d = DatasetLoader.builder().setPath(root).optStrict(false).build().load();
        assertThat(d.samples()).extracting(FaceSample::id).containsExactly("good");
        assertThat(d.skipped())
                .extracting(s -> s.file().getFileName().toString())
                .containsExactly("corrupt.png", "empty.pts", "far.pts", "noimage.pts", "short.pts");
        assertThat(reasonOf(d, "corrupt.png")).contains("image of corrupt.pts");
        assertThat(reasonOf(d, "empty.pts")).contains("expected 'version: 1', found end of file");
        assertThat(reasonOf(d, "far.pts"))
                .contains(
                        "point 3 at (1000.0, 20.0) is absurd: expected it within 50% of the 80x60 image far.jpg");
        assertThat(reasonOf(d, "noimage.pts")).contains("expected an image beside it");
        assertThat(reasonOf(d, "short.pts")).isEqualTo("expected 68 points (ibug-68), found 67");
        assertThat(noImage).exists();
        assertThat(empty).exists();
        assertThat(corrupt).exists();
    }

    private static String reasonOf(LoadedDataset d, String file) {
        return d.skipped().stream()
                .filter(s -> s.file().getFileName().toString().equals(file))
                .findFirst()
                .orElseThrow()
                .reason();
    }

    @Test
    void singleFilesLoadWithTheirBaseNameAsId() throws IOException {
        Path pts = Fixtures.ptsPair(dir.resolve("one"), "face", 80, 60);
        Path relative = Path.of("").toAbsolutePath().relativize(pts.toAbsolutePath());
        assertThat(DatasetLoader.builder().setPath(relative).build().load().samples())
                .extracting(FaceSample::id)
                .containsExactly("face");
        Path asf = Fixtures.immPair(dir.resolve("imm"), "09-2m", 64, 48);
        assertThat(DatasetLoader.builder().setPath(asf).build().load().samples())
                .extracting(FaceSample::id)
                .containsExactly("09-2m");
    }

    @Test
    void aFolderWithoutFilesOfTheFormatIsAnErrorNotAnEmptyDataset() throws IOException {
        Path imm = dir.resolve("imm");
        Fixtures.immPair(imm, "01-1m", 64, 48);
        assertThatThrownBy(
                        () ->
                                DatasetLoader.builder()
                                        .setPath(imm)
                                        .optFormat(DatasetFormat.PTS)
                                        .optStrict(false)
                                        .build()
                                        .load())
                .isInstanceOf(java.nio.file.NoSuchFileException.class)
                .hasMessageContaining(imm + ": expected .pts files under this folder, found none");
    }

    @Test
    void checkImagesOffOnlyChecksThatImagesExist() throws IOException {
        Path root = dir.resolve("w");
        Fixtures.ptsPair(root, "a", 80, 60);
        Files.writeString(root.resolve("a.png"), "junk");
        LoadedDataset d =
                DatasetLoader.builder().setPath(root).optCheckImages(false).build().load();
        assertThat(d.samples()).hasSize(1);
    }

    private Path xml(String body) throws IOException {
        return Files.writeString(
                dir.resolve("faces.xml"),
                "<?xml version='1.0'?>\n<dataset><images>\n" + body + "</images></dataset>\n");
    }

    @Test
    void xmlImageWithThreeBoxesGivesThreeSamplesKeepingBoxes() throws IOException {
        Fixtures.image(dir.resolve("img/a.jpg"), 100, 80);
        Path f =
                xml(
                        "<image file='img/a.jpg'>\n"
                                + Fixtures.xmlBox(1, 2, "")
                                + Fixtures.xmlBox(3, 4, "")
                                + Fixtures.xmlBox(5, 6, " ignore='1'")
                                + Fixtures.xmlBox(7, 8, "")
                                + "</image>\n");
        LoadedDataset d = DatasetLoader.builder().setPath(f).build().load();
        assertThat(d.samples())
                .extracting(FaceSample::id)
                .containsExactly("img/a.jpg#0", "img/a.jpg#1", "img/a.jpg#3");
        assertThat(d.samples().get(2).box()).contains(new Box(8, 7, 40, 40));
        assertThat(d.ignoredBoxes()).isEqualTo(1);
        assertThat(d.skipped()).isEmpty();
    }

    @Test
    void xmlProblemsAreReportedWithTheElementOrImage() throws IOException {
        Fixtures.image(dir.resolve("a.jpg"), 100, 80);
        Fixtures.image(dir.resolve("small.jpg"), 10, 10);
        Path f =
                xml(
                        "<image file='a.jpg'>\n"
                                + Fixtures.xmlBox(1, 2, "").replace("y='1'", "y='NaN'")
                                + Fixtures.xmlBox(3, 4, "")
                                + "</image>\n<image file='gone.jpg'>\n"
                                + Fixtures.xmlBox(1, 1, "")
                                + "</image>\n<image file='small.jpg'>\n"
                                + Fixtures.xmlBox(1, 1, "")
                                + "</image>\n");
        LoadedDataset d = DatasetLoader.builder().setPath(f).optStrict(false).build().load();
        assertThat(d.samples()).extracting(FaceSample::id).containsExactly("a.jpg#1");
        assertThat(d.skipped()).hasSize(3);
        assertThat(d.skipped().get(0).file()).isEqualTo(f);
        assertThat(d.skipped().get(0).reason())
                .isEqualTo("line 5: <part>: expected a finite number for 'y', found 'NaN'");
        assertThat(d.skipped().get(1).file().getFileName().toString()).isEqualTo("gone.jpg");
        assertThat(d.skipped().get(1).reason()).contains("does not exist");
        assertThat(d.skipped().get(2).reason())
                .contains("box small.jpg#0: point")
                .contains("is absurd");
        assertThatThrownBy(() -> DatasetLoader.builder().setPath(f).build().load())
                .isInstanceOf(BadSampleException.class)
                .hasMessageContaining(f + ": line 5: <part>");
    }

    @Test
    void xmlDeclaredImageSizeMustMatchTheImage() throws IOException {
        Fixtures.image(dir.resolve("a.jpg"), 100, 80);
        Fixtures.image(dir.resolve("b.jpg"), 100, 80);
        Path f =
                xml(
                        "<image file='a.jpg' width='100' height='80'>\n"
                                + Fixtures.xmlBox(1, 2, "")
                                + "</image>\n<image file='b.jpg' width='80' height='100'>\n"
                                + Fixtures.xmlBox(1, 2, "")
                                + "</image>\n");
        LoadedDataset d = DatasetLoader.builder().setPath(f).optStrict(false).build().load();
        assertThat(d.samples()).extracting(FaceSample::id).containsExactly("a.jpg#0");
        assertThat(d.skipped())
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.file().getFileName().toString()).isEqualTo("b.jpg");
                            assertThat(s.reason())
                                    .isEqualTo(
                                            "image of box b.jpg#0: expected the 80x100 size faces.xml declares, found 100x80");
                        });
    }

    @Test
    void unreadableXmlIsOneSkippedFileOrAStrictFailure() throws IOException {
        Path f = Files.write(dir.resolve("junk.xml"), new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 1});
        LoadedDataset d = DatasetLoader.builder().setPath(f).optStrict(false).build().load();
        assertThat(d.samples()).isEmpty();
        assertThat(d.skipped()).extracting(SkippedSample::file).containsExactly(f);
        assertThatThrownBy(() -> DatasetLoader.builder().setPath(f).build().load())
                .isInstanceOf(BadSampleException.class)
                .hasMessageContaining(f.toString());
    }

    @Test
    void builderNamesMissingValues() {
        assertThatThrownBy(() -> DatasetLoader.builder().build()).hasMessageContaining("setPath");
        assertThatThrownBy(() -> DatasetLoader.builder().setPath(dir).optMaxOutside(-1).build())
                .hasMessageContaining("maxOutside");
    }
}
