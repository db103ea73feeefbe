package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.format.ImmAsfFormat;
import io.github.keypoints.data.format.ImmShape;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.ResNet18;
import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The train/evaluate command-line contract, and a smoke run: one epoch on a handful of synthetic
 * IMM-format faces (the same data on every machine; no silent switch between real and synthetic).
 */
class TrainCommandTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static Map<String, Object> lastJson(String out) {
        String[] lines = out.strip().split("\n");
        return new Gson()
                .fromJson(
                        lines[lines.length - 1], new TypeToken<Map<String, Object>>() {}.getType());
    }

    /**
     * Writes six synthetic IMM-format faces (persons 1, 2 train, 33 validation; random pixels and
     * points), so the command-line contract is tested on the same data on every machine. Real-data
     * training is measured by the acceptance benchmarks, not here.
     */
    static Path smallImm(Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("imm"));
        Random r = new Random(1);
        for (String id : List.of("01-1m", "01-2m", "02-1m", "02-2m", "33-1m", "33-2m")) {
            BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 64; x++) {
                    int v = r.nextInt(256);
                    img.setRGB(x, y, v * 0x010101);
                }
            }
            ImageIO.write(img, "jpg", data.resolve(id + ".jpg").toFile());
            float[] rel = new float[116];
            for (int i = 0; i < rel.length; i++) {
                rel[i] = 0.2f + 0.6f * r.nextFloat();
            }
            ImmAsfFormat.write(
                    new ImmShape(Keypoints.of(LandmarkScheme.IMM_58, rel), id + ".jpg"),
                    data.resolve(id + ".asf"));
        }
        return data;
    }

    @Test
    void helpListsTheOptions() {
        CliRun r = run("train", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--model", "--lr-drop", "--resume", "--json");
        assertThat(run("evaluate", "--help").out()).contains("--model", "--data");
        assertThat(run("bench", "train", "--help").out()).contains("--engines");
    }

    @Test
    void badArgumentsGoToStandardErrorWithNonZeroExit(@TempDir Path dir) throws Exception {
        Path data = smallImm(dir);
        CliRun r = run("train", "--model", "nosetip", "--data", data.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--model must be one of").contains("nosetip");
        CliRun bad =
                run("train", "--model", "nose-tip", "--data", data.toString(), "--input", "80by60");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("--input").contains("80by60");
        CliRun missing =
                run(
                        "evaluate",
                        "--model",
                        dir.resolve("nope").toString(),
                        "--data",
                        data.toString());
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("nope");
        CliRun augment =
                run(
                        "train",
                        "--model",
                        "imm58",
                        "--data",
                        data.toString(),
                        "--augment",
                        "sometimes");
        assertThat(augment.code()).isNotZero();
        assertThat(augment.err()).contains("--augment must be on or off").contains("sometimes");
    }

    @Test
    void oneEpochSmokeRunAndEvaluateReproducesItsNumbers(@TempDir Path dir) throws Exception {
        Path data = smallImm(dir);
        Path out = dir.resolve("run");
        CliRun train =
                run(
                        "train",
                        "--model",
                        "nose-tip",
                        "--data",
                        data.toString(),
                        "--epochs",
                        "1",
                        "--batch",
                        "2",
                        "--input",
                        "40x30",
                        "--out",
                        out.toString(),
                        "--json");
        assertThat(train.code()).as(train.err()).isZero();
        Map<String, Object> t = lastJson(train.out());
        assertThat(t)
                .containsKeys(
                        "val_mean_px",
                        "val_mae_px",
                        "val_nme",
                        "train_loss",
                        "val_loss",
                        "epochs",
                        "seconds",
                        "params",
                        "model");
        assertThat(((Number) t.get("epochs")).intValue()).isEqualTo(1);
        assertThat(out.resolve("model/model.json")).isRegularFile();
        assertThat(out.resolve("model/model.params")).isRegularFile();
        assertThat(Path.of(t.get("model").toString())).isEqualTo(out.resolve("model"));
        assertThat(out.resolve("history.csv")).isRegularFile();
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report)
                .contains("keypoints train --model nose-tip")
                .contains("](loss-curve.png)")
                .contains("](gallery.png)")
                .contains("`model`");

        CliRun eval =
                run(
                        "evaluate",
                        "--model",
                        t.get("model").toString(),
                        "--data",
                        data.toString(),
                        "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        Map<String, Object> e = lastJson(eval.out());
        assertThat(((Number) e.get("samples")).intValue()).isEqualTo(2);
        double trained = ((Number) t.get("val_mean_px")).doubleValue();
        assertThat(((Number) e.get("val_mean_px")).doubleValue())
                .isCloseTo(trained, within(1e-6 * trained));
        assertThat(((Number) e.get("val_loss")).doubleValue())
                .isCloseTo(((Number) t.get("val_loss")).doubleValue(), within(1e-9));
    }

    @Test
    void augmentedRunWithEpochsChosenOnHeldOutTrainingPersons(@TempDir Path dir) throws Exception {
        Path data = smallImm(dir);
        Path out = dir.resolve("run");
        CliRun train =
                run(
                        "train",
                        "--model",
                        "imm58",
                        "--data",
                        data.toString(),
                        "--epochs",
                        "2",
                        "--batch",
                        "2",
                        "--input",
                        "96x72",
                        "--augment",
                        "on",
                        "--last-train-person",
                        "2",
                        "--select-persons",
                        "1",
                        "--keep-best",
                        "--normalize",
                        "dataset",
                        "--engine",
                        "MXNet",
                        "--out",
                        out.toString(),
                        "--json");
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.err()).contains("2 training / 2 selection faces");
        Map<String, Object> t = lastJson(train.out());
        assertThat(t).containsKeys("select_mean_px", "val_mean_px");
        assertThat(t.get("augment")).isEqualTo(Boolean.TRUE);
        String spec = Files.readString(out.resolve("model/model.json"));
        assertThat(spec).contains("select>1").contains("MXNet").contains("rotation(");
        // Standardised with the training faces' own statistics, recorded in the model.
        PixelNormalization norm = ModelSpec.fromJson(spec).normalization();
        assertThat(norm.mean()[0]).isBetween(0.05f, 0.95f).isNotEqualTo(0.5f);
        assertThat(norm.std()[0]).isBetween(0.02f, 0.5f);

        // The validation persons (33) were measured on the saved model, as evaluate does.
        CliRun eval =
                run(
                        "evaluate",
                        "--model",
                        out.resolve("model").toString(),
                        "--data",
                        data.toString(),
                        "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        Map<String, Object> e = lastJson(eval.out());
        assertThat(((Number) e.get("samples")).intValue()).isEqualTo(2);
        assertThat(((Number) e.get("val_mean_px")).doubleValue())
                .isEqualTo(((Number) t.get("val_mean_px")).doubleValue());
    }

    /** Writes torchvision-named ResNet-18 tensors (RGB stem, 1000 classes) as an .npz file. */
    private static Path syntheticTorchvisionWeights(Path file) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            ResNet18 rgb = ResNet18.builder().setOutputs(1000).optInputChannels(3).build();
            rgb.initialize(m, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            NDList list = new NDList();
            for (Map.Entry<String, Parameter> e : rgb.torchvisionParameters().entrySet()) {
                NDArray a = e.getValue().getArray().duplicate();
                a.setName(e.getKey());
                list.add(a);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                list.encode(out, NDList.Encoding.NPZ);
            }
        }
        return file;
    }

    @Test
    void resnet18StartsFromTorchvisionWeightsAndHeatmapTrains(@TempDir Path dir) throws Exception {
        Path data = smallImm(dir);
        Path npz = syntheticTorchvisionWeights(dir.resolve("resnet18.npz"));
        CliRun resnet =
                run(
                        "train",
                        "--model",
                        "resnet18",
                        "--pretrained",
                        npz.toString(),
                        "--data",
                        data.toString(),
                        "--epochs",
                        "1",
                        "--batch",
                        "2",
                        "--input",
                        "64x48",
                        "--out",
                        dir.resolve("resnet").toString(),
                        "--json");
        assertThat(resnet.code()).as(resnet.err()).isZero();
        assertThat(resnet.err())
                .contains("imported 100 torchvision tensors", "summed over RGB: true");
        // 11,240,008 for 68 points; the IMM scheme's 58 points make the head 512*116+116.
        assertThat(((Number) lastJson(resnet.out()).get("params")).longValue())
                .isEqualTo(11_240_008L - (512L * 136 + 136) + (512L * 116 + 116));
        CliRun wrong =
                run(
                        "train",
                        "--model",
                        "imm58",
                        "--pretrained",
                        npz.toString(),
                        "--data",
                        data.toString());
        assertThat(wrong.code()).isNotZero();
        assertThat(wrong.err()).contains("--pretrained applies to --model resnet18 only");

        CliRun heatmap =
                run(
                        "train",
                        "--model",
                        "heatmap",
                        "--data",
                        data.toString(),
                        "--epochs",
                        "1",
                        "--batch",
                        "2",
                        "--input",
                        "48x36",
                        "--out",
                        dir.resolve("heatmap").toString(),
                        "--json");
        assertThat(heatmap.code()).as(heatmap.err()).isZero();
        assertThat(Files.readString(dir.resolve("heatmap/model/model.json"))).contains("heatmap");
    }
}
