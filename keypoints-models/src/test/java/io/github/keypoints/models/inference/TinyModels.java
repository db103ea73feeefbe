package io.github.keypoints.models.inference;

import ai.djl.Device;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.NoseTipNet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/** Tiny saved models and synthetic photos for detector tests. */
final class TinyModels {

    static final int INPUT_W = 32;
    static final int INPUT_H = 24;

    private TinyModels() {}

    /**
     * Saves a freshly initialised tiny nose-tip-style network with 58 outputs pairs.
     *
     * @param dir the model directory to write
     * @param engine the engine to create it on
     * @param crop the crop policy recorded in the spec
     * @return {@code dir}
     */
    static Path save(Path dir, String engine, CropPolicy crop) throws IOException {
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(
                                NoseTipNet.builder()
                                        .setOutputs(2 * LandmarkScheme.IMM_58.size())
                                        .optChannels(4, 4, 4)
                                        .optHidden(16)
                                        .build())
                        .setScheme(LandmarkScheme.IMM_58)
                        .setInputSize(INPUT_W, INPUT_H)
                        .optNormalization(
                                PixelNormalization.meanStd(new float[] {0.5f}, new float[] {0.25f}))
                        .optCrop(crop)
                        .build();
        try (KeypointModel m = KeypointModel.create(spec, engine, Device.cpu())) {
            m.save(dir);
        }
        return dir;
    }

    /**
     * Returns a smooth random 8-bit BGR image (blurred noise, so crops differ in content).
     *
     * @param width the width
     * @param height the height
     * @param seed the noise seed
     * @return a new image to release
     */
    static Mat photo(int width, int height, long seed) {
        OpenCv.load();
        SplittableRandom r = new SplittableRandom(seed);
        byte[] px = new byte[width * height * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) r.nextInt(256);
        }
        Mat m = new Mat(height, width, CvType.CV_8UC3);
        m.put(0, 0, px);
        Imgproc.GaussianBlur(m, m, new org.opencv.core.Size(0, 0), 2.0);
        return m;
    }

    /**
     * Writes a photo as PNG (lossless) and returns its path.
     *
     * @param image the image
     * @param file the PNG file
     * @return {@code file}
     */
    static Path png(Mat image, Path file) {
        ImageFiles.write(image, file);
        return file;
    }
}
