package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Points may stick out of an 80×60 image by half its size on each side (the default): exactly at
 * that limit is fine, a tenth of a pixel beyond is absurd, on each of the four sides. The {@code
 * .pts} files are one-based, so the limits -40 and 120 px read -39 and 121 in them, and a rejection
 * quotes the file's own numbers.
 */
class AbsurdPointLimitsTest {

    @TempDir Path dir;

    private void pts(Path root, String name, String point) throws IOException {
        String[] lines = Fixtures.ptsLines(68);
        lines[3] = point;
        Files.writeString(root.resolve(name + ".pts"), Fixtures.ptsText(68, lines));
        Fixtures.image(root.resolve(name + ".png"), 80, 60);
    }

    @Test
    void theLimitIsInclusiveOnAllFourSides() throws IOException {
        Path root = Files.createDirectories(dir.resolve("w"));
        pts(root, "a-left", "-39 20");
        pts(root, "a-right", "121 20");
        pts(root, "a-top", "20 -29");
        pts(root, "a-bottom", "20 91");
        pts(root, "b-left", "-39.1 20");
        pts(root, "b-right", "121.1 20");
        pts(root, "b-top", "20 -29.1");
        pts(root, "b-bottom", "20 91.1");
        LoadedDataset d = DatasetLoader.builder().setPath(root).optStrict(false).build().load();
        assertThat(d.samples())
                .extracting(FaceSample::id)
                .containsExactlyInAnyOrder("a-left", "a-right", "a-top", "a-bottom");
        assertThat(d.skipped())
                .extracting(s -> s.file().getFileName().toString())
                .containsExactlyInAnyOrder(
                        "b-left.pts", "b-right.pts", "b-top.pts", "b-bottom.pts");
        assertThat(d.skipped())
                .allSatisfy(
                        s ->
                                assertThat(s.reason())
                                        .contains(
                                                "is absurd: expected it within 50% of the 80x60 image"));
    }

    @Test
    void strictLoadingStopsAtTheFirstAbsurdPointNamingFileAndReason() throws IOException {
        Path root = Files.createDirectories(dir.resolve("s"));
        pts(root, "far", "-39.1 20");
        Path file = root.resolve("far.pts");
        BadSampleException e =
                org.assertj.core.api.Assertions.catchThrowableOfType(
                        BadSampleException.class,
                        () ->
                                DatasetLoader.builder()
                                        .setPath(root)
                                        .optScheme(io.github.keypoints.data.LandmarkScheme.IBUG_68)
                                        .build()
                                        .load());
        assertThat(e).isNotNull();
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.reason()).contains("point 3 at (-39.1, 20.0) is absurd");
    }
}
