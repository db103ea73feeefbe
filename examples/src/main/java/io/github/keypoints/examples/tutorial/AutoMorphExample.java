package io.github.keypoints.examples.tutorial;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.detect.CascadeFaceFinder;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.ImmSplit;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.models.Imm58Net;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.models.inference.KeypointDetector;
import io.github.keypoints.morph.Face;
import io.github.keypoints.morph.FaceFrame;
import io.github.keypoints.morph.FrameWriter;
import io.github.keypoints.morph.ImageBuffer;
import io.github.keypoints.morph.MeanFace;
import io.github.keypoints.morph.MorphChain;
import io.github.keypoints.morph.PhotoAnnotator;
import io.github.keypoints.morph.SideBySide;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.LearningRateSchedule;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.TrainedModel;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.opencv.core.Mat;

/**
 * Part 4 of the reference project: photos with no annotations → faces found → keypoints predicted →
 * a morph movie through all of them, and the mean faces of two groups side by side.
 *
 * <p>Run it on the unannotated photos of {@code faces_misc} (two groups by file name):
 *
 * <pre>
 * ./keypoints example auto-morph --data ../shared/data/imm_face_db --photos ../shared/data/faces_misc/face_recognition
 *     [--group-a 'obama*'] [--group-b 'biden*'] [--model DIR] [--epochs 6] [--out runs/example-auto-morph]
 * </pre>
 *
 * <p>With {@code --model DIR} (a model directory {@link KeypointDetector} loads) the photos are
 * landmarked with it. Without, the program first trains a 58-point network on face crops of the IMM
 * faces (a short budget: the keypoints will be rough, and the program says so) and saves it as such
 * a directory. Writes {@code morph.gif}, {@code mean-faces.png} and the model into the run folder.
 */
public final class AutoMorphExample {

    private AutoMorphExample() {}

    /**
     * Landmarks the photos, morphs through them and averages the two groups.
     *
     * @param args {@code --photos DIR}; optionally {@code --model DIR} or {@code --data DIR} with
     *     {@code --epochs N}; {@code --group-a GLOB}, {@code --group-b GLOB}, {@code --out DIR}
     * @throws Exception when data cannot be read, training fails or no face is found
     */
    public static void main(String[] args) throws Exception {
        TutorialOptions options =
                TutorialOptions.parse(
                        args,
                        Set.of("data", "photos", "model", "epochs", "group-a", "group-b", "out"));
        Path photos = options.path("photos", "../shared/data/faces_misc/face_recognition");
        Path out = options.path("out", "runs/example-auto-morph");
        String groupA = options.string("group-a", "obama*");
        String groupB = options.string("group-b", "biden*");

        // Step 1: a landmark model. Either the user's, or a quick one trained here.
        Path model = options.path("model", null);
        if (model == null) {
            System.err.println(
                    "no --model given: training a 58-point model on IMM face crops first (short"
                            + " budget, rough keypoints)");
            model =
                    trainOnImmFaceCrops(
                            options.path("data", "../shared/data/imm_face_db"),
                            options.integer("epochs", 6),
                            out);
        }

        // Step 2: find one face per photo and predict its keypoints. The cascade face finder
        // (OpenCV's LBP cascade, bundled in keypoints-data) gives the box, the detector
        // crops the box as in training and maps its prediction back to photo pixels. Photos with
        // no face or several are reported, never used silently.
        List<Path> files;
        try (Stream<Path> s = Files.list(photos)) {
            files = s.filter(p -> p.toString().matches("(?i).*\\.(jpe?g|png)$")).sorted().toList();
        }
        PhotoAnnotator.Report found;
        try (KeypointDetector detector = KeypointDetector.builder().setModel(model).build()) {
            PhotoAnnotator annotator =
                    new PhotoAnnotator(
                            CascadeFaceFinder.builder().build(),
                            (Mat image, io.github.keypoints.data.Box box) ->
                                    detector.predict(image, box));
            found = annotator.annotate(files);
        }
        for (PhotoAnnotator.Rejection r : found.rejected()) {
            System.err.println("skipped " + r.photo() + ": " + r.reason());
        }
        if (found.faces().size() < 2) {
            throw new IllegalStateException(
                    "found " + found.faces().size() + " usable face(s) in " + photos + "; need 2");
        }

        // Step 3: the morph movie. Every face is aligned to a common frame by a similarity
        // transform on its eyes, the mean shape is triangulated once, and each transition
        // warps both faces triangle by triangle toward an intermediate shape and cross-dissolves.
        MorphChain chain = MorphChain.of(found.faces(), FaceFrame.fitting(found.faces(), 480, 480));
        Path movie = out.resolve("morph.gif");
        int frames;
        try (FrameWriter writer = FrameWriter.open(movie, 10)) {
            frames =
                    chain.forEachFrame(
                            12,
                            frame -> {
                                try {
                                    writer.write(frame);
                                } catch (IOException e) {
                                    throw new java.io.UncheckedIOException(e);
                                }
                            });
        }

        // Step 4: mean faces of the two groups, side by side.
        MeanFace mean = MeanFace.builder().setSize(400, 400).build();
        List<ImageBuffer> means = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (String glob : List.of(groupA, groupB)) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            List<Face> group =
                    found.faces().stream()
                            .filter(f -> m.matches(Path.of(f.id()).getFileName()))
                            .toList();
            if (group.isEmpty()) {
                System.err.println("group '" + glob + "' has no usable face; left out");
                continue;
            }
            means.add(mean.compute(group).image());
            labels.add(glob + " (" + group.size() + ")");
        }
        Path meanFaces = out.resolve("mean-faces.png");
        if (!means.isEmpty()) {
            Mat picture = SideBySide.labelled(labels, means).toMat();
            try {
                ImageFiles.write(picture, meanFaces);
            } finally {
                picture.release();
            }
        }
        System.out.printf(
                "%d faces landmarked (%d photos skipped); %s (%d frames), %s%n",
                found.faces().size(), found.rejected().size(), movie, frames, meanFaces);
    }

    /**
     * Trains the 58-point network on face crops of the IMM faces and saves it as a model directory
     * for {@link KeypointDetector}.
     */
    private static Path trainOnImmFaceCrops(Path data, int epochs, Path out) throws Exception {
        List<FaceSample> faces =
                DatasetLoader.builder()
                        .setPath(data)
                        .optFormat(DatasetFormat.IMM)
                        .build()
                        .load()
                        .samples();
        ImmSplit split = ImmSplit.byPerson(faces, ImmSplit.REFERENCE_LAST_TRAIN_PERSON);
        // Crops of the points' box grown by 40%: at prediction time the box comes from the face
        // finder instead, so the network sees the face at about the same scale.
        CropPolicy crop = CropPolicy.faceBox(1.4);
        FaceLandmarkDataset train =
                FaceLandmarkDataset.builder()
                        .setSamples(split.train())
                        .setInputSize(96, 96)
                        .optCrop(crop)
                        .optCache(ImageCache.inMemory())
                        .setSampling(32, true)
                        .build();
        FaceLandmarkDataset validation =
                FaceLandmarkDataset.builder()
                        .setSamples(split.validation())
                        .setInputSize(96, 96)
                        .optCrop(crop)
                        .optCache(ImageCache.inMemory())
                        .setSampling(32, false)
                        .build();
        Imm58Net net =
                Imm58Net.builder()
                        .setOutputs(116)
                        .optInitializer(new TorchDefaultInitializer(0))
                        .build();
        Path run = out.resolve("imm58-crops");
        // The spec describes the input (size, crop, normalisation, scheme), so the trainer saves
        // a model directory a detector loads with no other arguments.
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(net)
                        .setScheme(LandmarkScheme.IMM_58)
                        .setInputSize(96, 96)
                        .optCrop(crop)
                        .build();
        try (TrainedModel report =
                KeypointTrainer.builder()
                        .setBlock(net)
                        .setTrainingData(train)
                        .setValidationData(validation)
                        .setEpochs(epochs)
                        .setBatchSize(32)
                        .optLoss(new MseLoss(MseLoss.Reduction.MEAN))
                        .optSchedule(LearningRateSchedule.fixed(1e-3f))
                        .optSeed(0)
                        .optEngine("PyTorch")
                        .optRunDirectory(run)
                        .optModelSpec(spec)
                        .optProgress(System.err)
                        .build()
                        .fit()) {
            return report.directory().orElseThrow();
        }
    }
}
