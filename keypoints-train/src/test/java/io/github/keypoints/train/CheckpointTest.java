package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import io.github.keypoints.models.LandmarkCnn;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint directory as a run writes it, read back, and what a damaged one reports. */
class CheckpointTest {

    @TempDir static Path run;
    private static List<EpochRecord> history;

    @BeforeAll
    static void trainTwoEpochs() throws Exception {
        LandmarkCnn net = TinyNets.keypointNet();
        try (TrainedModel trained =
                KeypointTrainer.builder()
                        .setBlock(net)
                        .optModelSpec(TinyNets.spec(net))
                        .setTrainingData(new SyntheticLandmarks(6, 12, 1, null))
                        .setValidationData(new SyntheticLandmarks(4, 12, 2, null))
                        .setEpochs(2)
                        .setBatchSize(3)
                        .optEngine("PyTorch")
                        .optDevices(new Device[] {Device.cpu()})
                        .optRunDirectory(run)
                        .optLog(new PrintStream(new ByteArrayOutputStream()))
                        .build()
                        .fit()) {
            history = trained.history();
        }
    }

    private static Path copyOfLast(Path tmp) throws Exception {
        Path src = KeypointTrainer.checkpointDirectory(run).resolve(CheckpointSaver.LAST);
        Path dst = Files.createDirectories(tmp.resolve("ck"));
        try (var files = Files.list(src)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, dst.resolve(f.getFileName()));
            }
        }
        return dst;
    }

    @Test
    void lastCheckpointHoldsTheModelTheOptimiserAndTheHistory() throws Exception {
        Checkpoint ck =
                Checkpoint.load(
                        KeypointTrainer.checkpointDirectory(run).resolve(CheckpointSaver.LAST));
        assertThat(ck.epochsDone()).isEqualTo(2);
        assertThat(ck.history()).isEqualTo(history);
        assertThat(ck.spec().architecture()).isEqualTo(LandmarkCnn.NAME);
        assertThat(ck.spec().provenance()).containsEntry("epoch", "2");
        assertThat(ck.parameters()).isNotEmpty();
        assertThat(ck.optimizerState()).isNotEmpty();
    }

    @Test
    void aMissingOptimiserFileIsNamed(@TempDir Path tmp) throws Exception {
        Path ck = copyOfLast(tmp);
        Files.delete(ck.resolve(Checkpoint.OPTIMIZER_FILE));
        assertThatThrownBy(() -> Checkpoint.load(ck))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(ck.resolve(Checkpoint.OPTIMIZER_FILE).toString());
    }

    @Test
    void aBadHistoryLineIsNamedWithItsFileAndLine(@TempDir Path tmp) throws Exception {
        Path ck = copyOfLast(tmp);
        Path h = ck.resolve(Checkpoint.HISTORY_FILE);
        List<String> lines = Files.readAllLines(h);
        Files.write(h, List.of(lines.get(0), lines.get(1), "1,not-a-number"));
        assertThatThrownBy(() -> Checkpoint.load(ck))
                .hasMessageContaining(h.toString())
                .hasMessageContaining("line 3");
        Files.write(h, List.of("epoch"));
        assertThatThrownBy(() -> Checkpoint.load(ck))
                .hasMessageContaining(h.toString())
                .hasMessageContaining("line 1");
    }
}
