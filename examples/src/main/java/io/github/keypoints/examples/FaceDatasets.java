package io.github.keypoints.examples;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.ImageSample;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.models.ModelSpec;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/**
 * Builds the training and evaluation datasets of the command line, so that {@code train} and {@code
 * evaluate} prepare a face in exactly the same way (and evaluation reproduces training's numbers).
 */
final class FaceDatasets {

    private FaceDatasets() {}

    /**
     * A grayscale dataset.
     *
     * @param cache the prepared-image cache; datasets of one run share one, so a photo is decoded
     *     once however many datasets read it
     * @param normalization how pixels become network inputs (the model's normalisation)
     * @param augmentation the augmentation, or {@code null} for none (evaluation)
     */
    static FaceLandmarkDataset of(
            List<FaceSample> samples,
            LandmarkScheme scheme,
            int width,
            int height,
            CropPolicy crop,
            ModelSpec.Normalization normalization,
            AugmentationPipeline augmentation,
            ImageCache cache,
            long seed,
            int batch) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to train or evaluate on");
        }
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(samples)
                        .setInputSize(width, height)
                        .optCrop(crop)
                        .optScheme(scheme)
                        .optNormalization(normalization.toPixelNormalization())
                        .optSeed(seed)
                        .optCache(cache)
                        .setSampling(batch, augmentation != null);
        if (augmentation != null) {
            b.optAugmentation(augmentation);
        }
        return b.build();
    }

    /**
     * Measures the mean and standard deviation of the (un-augmented, preprocessed) input pixels of
     * a dataset on the 0..1 scale, for a model whose inputs are standardised with the training
     * set's own statistics.
     */
    static ModelSpec.Normalization standardization(FaceLandmarkDataset data) {
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        for (int i = 0; i < data.size(); i++) {
            ImageSample s = data.inputSample(i, false);
            try {
                Mat f = new Mat();
                s.image().convertTo(f, CvType.CV_64F, 1 / 255.0);
                Scalar total = Core.sumElems(f);
                Mat sq = new Mat();
                Core.multiply(f, f, sq);
                sum += total.val[0];
                sumSq += Core.sumElems(sq).val[0];
                n += (long) f.rows() * f.cols();
                f.release();
                sq.release();
            } finally {
                s.release();
            }
        }
        double mean = sum / n;
        double std = Math.sqrt(Math.max(sumSq / n - mean * mean, 1e-12));
        return new ModelSpec.Normalization(List.of(mean), List.of(std));
    }

    /** The evaluation dataset of a saved model: its input size, crop, scheme and normalisation. */
    static FaceLandmarkDataset forModel(ModelSpec spec, List<FaceSample> samples, int batch) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to evaluate on");
        }
        return FaceLandmarkDataset.builder()
                .setSamples(samples)
                .setInputSize(spec.inputWidth(), spec.inputHeight())
                .optCrop(spec.crop().toCropPolicy())
                .optScheme(spec.landmarkScheme())
                .optNormalization(spec.normalization().toPixelNormalization())
                .setSampling(batch, false)
                .build();
    }
}
