package example;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.NoseTipNet;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.models.inference.FaceLandmarkTranslatorFactory;
import io.github.keypoints.models.inference.FaceLandmarks;
import io.github.keypoints.morph.Face;
import io.github.keypoints.morph.ImageBuffer;
import io.github.keypoints.morph.MeanFace;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.TrainedModel;

import org.opencv.core.Mat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The three shortest paths through keypoints: train a model, landmark a photo, average faces. */
public final class QuickStart {

    private QuickStart() {}

    /**
     * Trains a small nose-tip model; the run directory gets the model directory {@code model/}.
     *
     * @param train annotated training faces
     * @param validation annotated validation faces
     * @param run the run directory
     * @return the trained model's directory
     * @throws Exception if an image cannot be read or training fails
     */
    public static Path train(List<FaceSample> train, List<FaceSample> validation, Path run)
            throws Exception {
        NoseTipNet net =
                NoseTipNet.builder()
                        .setOutputs(2)
                        .optInitializer(new TorchDefaultInitializer(0))
                        .build();
        // The spec says how a photo becomes the network's input; the datasets follow it, and
        // their sampling (batches of 8) is the trainer's.
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(net)
                        .setScheme(LandmarkScheme.NOSE_TIP)
                        .setInputSize(80, 60)
                        .build();
        FaceLandmarkDataset trainData =
                spec.datasetBuilder().setSamples(train).setSampling(8, true).build();
        FaceLandmarkDataset validationData =
                spec.datasetBuilder().setSamples(validation).setSampling(8, false).build();
        try (TrainedModel trained =
                KeypointTrainer.builder()
                        .setBlock(net)
                        .setTrainingData(trainData)
                        .setValidationData(validationData)
                        .setEpochs(20) // the batch size comes from the data's sampling
                        .optEngine("PyTorch")
                        .optSeed(0)
                        .optModelSpec(spec)
                        .optRunDirectory(run)
                        .build()
                        .fit()) {
            System.out.printf("validation error %.1f px%n", trained.validation().meanPx());
            return trained.directory().orElseThrow(); // run/model, a KeypointModel directory
        }
    }

    /**
     * Landmarks every face of a photo through DJL's {@code Criteria}.
     *
     * @param model a saved model directory
     * @param photo an image file
     * @return the faces in the photo, each with its box and keypoints in the photo's pixels
     * @throws Exception if the model or the photo cannot be read
     */
    public static FaceLandmarks landmark(Path model, Path photo) throws Exception {
        Criteria<Path, FaceLandmarks> criteria =
                Criteria.builder()
                        .setTypes(Path.class, FaceLandmarks.class)
                        .optModelPath(model)
                        .optEngine("PyTorch")
                        .optTranslatorFactory(new FaceLandmarkTranslatorFactory())
                        .build();
        try (ZooModel<Path, FaceLandmarks> loaded = criteria.loadModel();
                Predictor<Path, FaceLandmarks> predictor = loaded.newPredictor()) {
            return predictor.predict(photo);
        }
    }

    /**
     * Writes the mean face of annotated faces.
     *
     * @param faces the faces, all annotated with the same scheme
     * @param png the picture to write
     * @return how many faces were averaged
     */
    public static int meanFace(List<FaceSample> faces, Path png) {
        List<Face> loaded = new ArrayList<>();
        for (FaceSample s : faces) {
            Mat bgr = ImageFiles.read(s.image(), false);
            loaded.add(new Face(s.id(), ImageBuffer.fromMat(bgr), s.keypoints()));
            bgr.release();
        }
        MeanFace.Result mean = MeanFace.builder().setSize(200, 160).build().compute(loaded);
        ImageFiles.write(mean.image().toMat(), png);
        return mean.faces();
    }

    /**
     * Makes a small synthetic data set, trains on it, landmarks a new face and averages three.
     *
     * @param args optionally a working directory (default: a new temporary directory)
     * @throws Exception if any step fails
     */
    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("quickstart");
        List<FaceSample> faces = SyntheticFaces.write(dir.resolve("faces"), 73, 1);
        Path model = train(faces.subList(0, 56), faces.subList(56, 72), dir.resolve("run"));
        FaceSample unseen = faces.get(72);
        FaceLandmarks found = landmark(model, unseen.image());
        System.out.println("nose tip " + found.faces().get(0).keypoints());
        System.out.println("true     " + unseen.keypoints().toScheme(LandmarkScheme.NOSE_TIP));
        int n = meanFace(faces.subList(0, 3), dir.resolve("mean-face.png"));
        System.out.println("mean face of " + n + " faces: " + dir.resolve("mean-face.png"));
    }
}
