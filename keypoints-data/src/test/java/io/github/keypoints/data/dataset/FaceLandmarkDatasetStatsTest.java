package io.github.keypoints.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.ImageSample;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Dataset statistics, descriptions, cache keys and context edge cases, on tiny photos whose pixels
 * the test writes and so knows.
 */
class FaceLandmarkDatasetStatsTest {

    @TempDir Path dir;

    /** Writes a width×height photo of seeded random bytes and returns the bytes. */
    private byte[] randomPhoto(Path file, int width, int height, int channels, long seed) {
        OpenCv.load();
        byte[] px = new byte[width * height * channels];
        new Random(seed).nextBytes(px);
        Mat m = new Mat(height, width, channels == 1 ? CvType.CV_8UC1 : CvType.CV_8UC3);
        m.put(0, 0, px);
        ImageFiles.write(m, file);
        m.release();
        return px;
    }

    private static FaceSample nose(String id, Path file, double x, double y) {
        return FaceSample.of(id, file, Keypoints.of(LandmarkScheme.NOSE_TIP, new double[] {x, y}));
    }

    @Test
    void inputMeanStdIsThatOfEveryPixelOfEverySampleAndChannel() {
        // Input size = photo size with the whole-image crop: the inputs are the photos' pixels.
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        byte[] pa = randomPhoto(a, 8, 6, 3, 1);
        byte[] pb = randomPhoto(b, 8, 6, 3, 2);
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(nose("a", a, 3, 3), nose("b", b, 4, 2)))
                        .setInputSize(8, 6)
                        .optGrayscale(false)
                        .setSampling(1, false)
                        .build();
        double sum = 0;
        double sumSq = 0;
        int n = 0;
        for (byte[] px : List.of(pa, pb)) {
            for (byte v : px) {
                double x = (v & 0xFF) / 255.0;
                sum += x;
                sumSq += x * x;
                n++;
            }
        }
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        double[] ms = ds.inputMeanStd();
        assertThat(ms[0]).isCloseTo(mean, within(1e-9));
        assertThat(ms[1]).isCloseTo(std, within(1e-9));
    }

    @Test
    void aConstantDatasetHasAPositiveStdAndAnEmptyOneCannotBeMeasured() {
        Path f = dir.resolve("c.png");
        OpenCv.load();
        Mat m = new Mat(4, 4, CvType.CV_8UC1, new org.opencv.core.Scalar(51));
        ImageFiles.write(m, f);
        m.release();
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(nose("c", f, 1, 1)))
                        .setInputSize(4, 4)
                        .setSampling(1, false)
                        .build();
        double[] ms = ds.inputMeanStd();
        assertThat(ms[0]).isCloseTo(0.2, within(1e-12));
        // Zero variance is floored so that dividing by the std stays finite.
        assertThat(ms[1]).isCloseTo(1e-6, within(1e-9));
        FaceLandmarkDataset empty =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of())
                        .optScheme(LandmarkScheme.NOSE_TIP)
                        .setInputSize(4, 4)
                        .setSampling(1, false)
                        .build();
        assertThatThrownBy(empty::inputMeanStd)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no samples to measure");
    }

    @Test
    void accessorsAndTheDescriptionShowTheSettings() {
        Path f = dir.resolve("d.png");
        randomPhoto(f, 8, 8, 1, 3);
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(nose("d", f, 4, 4), nose("e", f, 5, 5)))
                        .setInputSize(8, 8)
                        .optNormalization(PixelNormalization.centered())
                        .setSampling(1, false);
        FaceLandmarkDataset plain = b.build();
        assertThat(plain.scheme()).isEqualTo(LandmarkScheme.NOSE_TIP);
        assertThat(plain.preprocessor().inputWidth()).isEqualTo(8);
        assertThat(plain.toString())
                .isEqualTo(
                        "FaceLandmarkDataset[2 samples, nose-tip, "
                                + plain.preprocessor().describe()
                                + ", no augmentation]");
        AugmentationPipeline flip =
                AugmentationPipeline.builder()
                        .setAugmentation(Augmentation.horizontalFlip())
                        .build();
        FaceLandmarkDataset augmented = b.optAugmentation(flip).build();
        assertThat(augmented.toString()).endsWith(", " + flip + "]");
    }

    @Test
    void contextMustBeAFiniteFractionOfAtLeastZero() {
        assertThat(
                        FaceLandmarkDataset.builder()
                                .setSamples(List.of())
                                .optScheme(LandmarkScheme.NOSE_TIP)
                                .setInputSize(8, 8)
                                .optContext(0)
                                .setSampling(1, false)
                                .build()
                                .contextPixels())
                .containsExactly(0, 0);
        for (double bad : new double[] {-0.01, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> FaceLandmarkDataset.builder().optContext(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("context must be a finite fraction of at least 0, was " + bad);
        }
    }

    @Test
    void contextOnOneAxisOnlyStillGivesInputSizedImages() {
        // 0.01 of 64×48 rounds to one pixel across and none down.
        Path f = dir.resolve("g.png");
        randomPhoto(f, 80, 60, 1, 4);
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(nose("g", f, 40, 30)))
                        .setInputSize(64, 48)
                        .optAugmentation(
                                AugmentationPipeline.builder()
                                        .setAugmentation(Augmentation.shift(3))
                                        .build())
                        .setSampling(1, false);
        FaceLandmarkDataset plain = b.build();
        FaceLandmarkDataset oneSided = b.optContext(0.01).build();
        assertThat(oneSided.contextPixels()).containsExactly(1, 0);
        ImageSample p = plain.inputSample(0, false);
        ImageSample o = oneSided.inputSample(0, false);
        ImageSample aug = oneSided.inputSample(0, true);
        try {
            assertThat(o.image().cols()).isEqualTo(64);
            assertThat(o.image().rows()).isEqualTo(48);
            assertThat(aug.image().cols()).isEqualTo(64);
            assertThat(aug.image().rows()).isEqualTo(48);
            assertThat(o.keypoints().maxDistance(p.keypoints())).isLessThan(1e-4);
        } finally {
            p.release();
            o.release();
            aug.release();
        }
    }

    private static byte[] bytes(ImageSample s) {
        byte[] out = new byte[(int) (s.image().total() * s.image().channels())];
        s.image().get(0, 0, out);
        return out;
    }

    @Test
    void datasetsThatCropDifferentlyCanShareOneCache() {
        // A shared cache must key images by crop and context, or one dataset would be served
        // the other's cached input.
        Path f = dir.resolve("h.png");
        randomPhoto(f, 120, 90, 1, 5);
        FaceSample s =
                FaceSample.of(
                        "h",
                        f,
                        Keypoints.of(
                                io.github.keypoints.data.SyntheticImages.SIX,
                                new double[] {50, 40, 70, 40, 60, 50, 52, 60, 68, 60, 60, 66}));
        ImageCache shared = ImageCache.inMemory();
        for (CropPolicy[] pair :
                new CropPolicy[][] {
                    {CropPolicy.pointsBox(1.2), CropPolicy.pointsBox(2.0)},
                    {CropPolicy.wholeImage(), CropPolicy.pointsBox(1.5)}
                }) {
            for (double context : new double[] {0, 0.25}) {
                byte[][] viaShared = new byte[2][];
                byte[][] viaOwn = new byte[2][];
                for (int k = 0; k < 2; k++) {
                    FaceLandmarkDataset.Builder b =
                            FaceLandmarkDataset.builder()
                                    .setSamples(List.of(s))
                                    .setInputSize(32, 24)
                                    .optCrop(pair[k])
                                    .optContext(context)
                                    .setSampling(1, false);
                    ImageSample a = b.optCache(shared).build().inputSample(0, false);
                    ImageSample own =
                            b.optCache(ImageCache.inMemory()).build().inputSample(0, false);
                    viaShared[k] = bytes(a);
                    viaOwn[k] = bytes(own);
                    a.release();
                    own.release();
                }
                assertThat(viaShared[0]).isEqualTo(viaOwn[0]);
                assertThat(viaShared[1]).isEqualTo(viaOwn[1]);
                assertThat(viaOwn[1]).isNotEqualTo(viaOwn[0]);
            }
        }
        // And with and without context on the same crop.
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(s))
                        .setInputSize(32, 24)
                        .optCrop(CropPolicy.pointsBox(1.3))
                        .optCache(shared)
                        .setSampling(1, false);
        FaceLandmarkDataset without = b.build();
        FaceLandmarkDataset with = b.optContext(0.5).build();
        without.inputSample(0, false).release();
        assertThat(with.toOriginal(0).toArray())
                .containsExactly(without.toOriginal(0).toArray(), within(1e-9));
        ImageSample w = with.inputSample(0, false);
        assertThat(w.image().cols()).isEqualTo(32);
        w.release();
    }

    @Test
    void twoFacesInOnePhotoEachGetTheirOwnCrop() {
        // 300-W style: two boxes in one photo share the file, so the cache key must tell them
        // apart by their crop region, or the second face would be served the first's input.
        Path f = dir.resolve("two.png");
        randomPhoto(f, 120, 60, 1, 6);
        Keypoints l = Keypoints.of(LandmarkScheme.NOSE_TIP, new double[] {30, 30});
        Keypoints r = Keypoints.of(LandmarkScheme.NOSE_TIP, new double[] {90, 30});
        FaceSample left =
                new FaceSample(
                        "two.png#0",
                        f,
                        l,
                        java.util.Optional.of(new io.github.keypoints.data.Box(20, 20, 20, 20)));
        FaceSample right =
                new FaceSample(
                        "two.png#1",
                        f,
                        r,
                        java.util.Optional.of(new io.github.keypoints.data.Box(80, 20, 20, 20)));
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(left, right))
                        .setInputSize(16, 16)
                        .optCrop(CropPolicy.faceBox(1.0))
                        .setSampling(1, false)
                        .build();
        // Each nose sits at the centre of its own box, so at the same input position.
        ImageSample a = ds.inputSample(0, false);
        ImageSample b = ds.inputSample(1, false);
        try {
            assertThat(a.keypoints().maxDistance(b.keypoints())).isLessThan(1e-4);
            assertThat(ds.toOriginal(1).applyX(a.keypoints().x(0), a.keypoints().y(0)))
                    .isCloseTo(90, within(1e-3));
            assertThat(ds.toOriginal(0).applyX(a.keypoints().x(0), a.keypoints().y(0)))
                    .isCloseTo(30, within(1e-3));
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void oneSidedContextOnEitherAxisKeepsInputsApartInASharedCache() {
        Path f = dir.resolve("k.png");
        randomPhoto(f, 80, 80, 1, 7);
        ImageCache shared = ImageCache.inMemory();
        // 0.01 of 64×48 pads one column only; of 48×64 one row only.
        for (int[] size : new int[][] {{64, 48}, {48, 64}}) {
            FaceLandmarkDataset.Builder b =
                    FaceLandmarkDataset.builder()
                            .setSamples(List.of(nose("k", f, 40, 40)))
                            .setInputSize(size[0], size[1])
                            .optCache(shared)
                            .setSampling(1, false);
            FaceLandmarkDataset plain = b.build();
            ImageSample p = plain.inputSample(0, false);
            p.release();
            FaceLandmarkDataset oneSided = b.optContext(0.01).build();
            int[] pad = oneSided.contextPixels();
            assertThat(pad[0] + pad[1]).isEqualTo(1);
            ImageSample o = oneSided.inputSample(0, false);
            try {
                assertThat(o.image().cols()).isEqualTo(size[0]);
                assertThat(o.image().rows()).isEqualTo(size[1]);
                assertThat(oneSided.toOriginal(0).toArray())
                        .containsExactly(plain.toOriginal(0).toArray(), within(1e-9));
            } finally {
                o.release();
            }
        }
    }

    @Test
    void differentContextWidthsDoNotShareCacheEntries() {
        // On a 200×20 input, 0.005 and 0.01 pad 1 and 2 columns and no rows.
        Path f = dir.resolve("w.png");
        randomPhoto(f, 240, 40, 1, 8);
        ImageCache shared = ImageCache.inMemory();
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(nose("w", f, 120, 20)))
                        .setInputSize(200, 20)
                        .optCache(shared)
                        .setSampling(1, false);
        FaceLandmarkDataset one = b.optContext(0.005).build();
        FaceLandmarkDataset two = b.optContext(0.01).build();
        assertThat(one.contextPixels()).containsExactly(1, 0);
        assertThat(two.contextPixels()).containsExactly(2, 0);
        ImageSample a = one.inputSample(0, false);
        ImageSample c = two.inputSample(0, false);
        try {
            // Same input either way: only the kept context differs.
            assertThat(bytes(c)).isEqualTo(bytes(a));
            assertThat(two.toOriginal(0).toArray())
                    .containsExactly(one.toOriginal(0).toArray(), within(1e-9));
        } finally {
            a.release();
            c.release();
        }
    }

    /** SplitMix64's finaliser, taken from the JDK: SplittableRandom(s).nextLong() = mix(s + γ). */
    private static long jdkMix(long z) {
        return new SplittableRandom(z - 0x9E3779B97F4A7C15L).nextLong();
    }

    @Test
    void sampleSeedsAreSplitMix64OfSeedEpochAndIndexAsDocumented() {
        // Pinning the derivation keeps a seed's augmentations (and published runs) reproducible
        // across versions: h = mix(seed); h = mix(h + γ·(epoch + 1)); mix(h + c·(index + 1)).
        long[][] cases = {{0, 0, 0}, {7, 1, 2}, {-5, 30, 123456789L}, {Long.MAX_VALUE, 3, 0}};
        for (long[] c : cases) {
            long h = jdkMix(c[0]);
            h = jdkMix(h + 0x9E3779B97F4A7C15L * (c[1] + 1));
            long want = jdkMix(h + 0xC2B2AE3D27D4EB4FL * (c[2] + 1));
            assertThat(FaceLandmarkDataset.sampleSeed(c[0], (int) c[1], c[2]))
                    .as("seed %d epoch %d index %d", c[0], c[1], c[2])
                    .isEqualTo(want);
        }
    }
}
