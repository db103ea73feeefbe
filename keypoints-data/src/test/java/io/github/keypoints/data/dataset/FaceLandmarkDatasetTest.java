package io.github.keypoints.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import io.github.keypoints.data.Affine;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.SyntheticImages;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

class FaceLandmarkDatasetTest {

    private static NDManager manager;

    @TempDir Path dir;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private List<FaceSample> sixPointSamples(int count) {
        Random r = new Random(3);
        List<FaceSample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[] xy = new double[12];
            for (int k = 0; k < 6; k++) {
                xy[2 * k] = 8 + 10 * k + r.nextDouble() * 3;
                xy[2 * k + 1] = 10 + 5 * k + r.nextDouble() * 3;
            }
            samples.add(
                    SyntheticImages.writeDotSample(
                            dir, "face" + i, 64, 48, Keypoints.of(SyntheticImages.SIX, xy), 1.5));
        }
        return samples;
    }

    private static AugmentationPipeline augmentation() {
        return AugmentationPipeline.builder()
                .setAugmentation(
                        Augmentation.sequence(
                                Augmentation.oneOf(
                                        Augmentation.rotation(15, Center.FACE_BOX),
                                        Augmentation.shift(4)),
                                Augmentation.withProbability(0.5, Augmentation.horizontalFlip()),
                                Augmentation.colorJitter(0.1, 0.1)))
                .build();
    }

    @Test
    void recordsHoldAChwImageAndLabelsRelativeToTheInputThatMapBackToTheOriginal()
            throws IOException {
        List<FaceSample> samples = sixPointSamples(3);
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(samples)
                        .setInputSize(32, 24)
                        .setSampling(2, false)
                        .build();
        assertThat(ds.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            try (NDManager m = manager.newSubManager()) {
                Record rec = ds.get(m, i);
                assertThat(rec.getData().singletonOrThrow().getShape())
                        .isEqualTo(new Shape(1, 24, 32));
                float[] label = rec.getLabels().singletonOrThrow().toFloatArray();
                assertThat(label).hasSize(12);
                float[] pixels = rec.getData().singletonOrThrow().toFloatArray();
                for (float p : pixels) {
                    assertThat(p).isBetween(-0.5f, 0.5f);
                }
                Affine back = ds.toOriginal(i);
                Keypoints truth = samples.get(i).keypoints();
                for (int k = 0; k < 6; k++) {
                    double x = label[2 * k] * 32.0;
                    double y = label[2 * k + 1] * 24.0;
                    assertThat(back.applyX(x, y)).isCloseTo(truth.x(k), within(1e-3));
                    assertThat(back.applyY(x, y)).isCloseTo(truth.y(k), within(1e-3));
                }
            }
        }
    }

    @Test
    void colourInputIsThreeChannelsInRgbOrder() throws IOException {
        OpenCv.load();
        Mat red = new Mat(20, 20, CvType.CV_8UC3, new Scalar(0, 0, 255)); // BGR
        Path file = dir.resolve("red.png");
        ImageFiles.write(red, file);
        red.release();
        FaceSample s =
                FaceSample.of(
                        "red", file, Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {5, 5}));
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(s))
                        .setInputSize(10, 10)
                        .optGrayscale(false)
                        .setSampling(1, false)
                        .build();
        try (NDManager m = manager.newSubManager()) {
            float[] chw = ds.get(m, 0).getData().singletonOrThrow().toFloatArray();
            assertThat(chw).hasSize(300);
            assertThat(chw[0]).isEqualTo(0.5f); // R plane first
            assertThat(chw[100]).isEqualTo(-0.5f);
            assertThat(chw[200]).isEqualTo(-0.5f);
        }
    }

    @Test
    void immSamplesConvertToTheNoseTipScheme() throws IOException {
        Random r = new Random(5);
        float[] xy = new float[116];
        for (int i = 0; i < xy.length; i++) {
            xy[i] = 10 + r.nextFloat() * 40;
        }
        Keypoints imm = Keypoints.of(LandmarkScheme.IMM_58, xy);
        Mat m0 = SyntheticImages.dots(64, 48, imm.toScheme(LandmarkScheme.NOSE_TIP), 2);
        Path file = dir.resolve("imm.png");
        ImageFiles.write(m0, file);
        m0.release();
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(FaceSample.of("imm", file, imm)))
                        .setInputSize(32, 24)
                        .optScheme(LandmarkScheme.NOSE_TIP)
                        .optCrop(CropPolicy.faceBox(1.2))
                        .setSampling(1, false)
                        .build();
        try (NDManager m = manager.newSubManager()) {
            float[] label = ds.get(m, 0).getLabels().singletonOrThrow().toFloatArray();
            assertThat(label).hasSize(2);
            Affine back = ds.toOriginal(0);
            assertThat(back.applyX(label[0] * 32.0, label[1] * 24.0))
                    .isCloseTo(imm.x(52), within(1e-3));
            assertThat(back.applyY(label[0] * 32.0, label[1] * 24.0))
                    .isCloseTo(imm.y(52), within(1e-3));
        }
    }

    @Test
    void augmentationRepeatsWithinAnEpochAndSeedAndDiffersBetweenEpochs() throws IOException {
        List<FaceSample> samples = sixPointSamples(4);
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(samples)
                        .setInputSize(32, 24)
                        .optAugmentation(augmentation())
                        .optSeed(99)
                        .setSampling(2, true);
        FaceLandmarkDataset ds = b.build();
        FaceLandmarkDataset twin = b.build();
        List<float[]> epoch0 = labels(ds);
        assertThat(labels(ds)).containsExactlyElementsOf(epoch0);
        assertThat(labels(twin)).containsExactlyElementsOf(epoch0);
        ds.setEpoch(1);
        List<float[]> epoch1 = labels(ds);
        // float[] elements: compare contents, not identities.
        assertThat(java.util.Arrays.deepEquals(epoch1.toArray(), epoch0.toArray())).isFalse();
        assertThat(java.util.Arrays.deepEquals(labels(ds).toArray(), epoch1.toArray())).isTrue();
        twin.setEpoch(1);
        assertThat(labels(twin)).containsExactlyElementsOf(epoch1);
    }

    /** A photo whose every pixel says where it is: value = (3x + 2y) mod 256, in 8 bits. */
    private FaceSample gradientSample(String id) {
        OpenCv.load();
        Mat m = new Mat(120, 160, CvType.CV_8UC1);
        byte[] row = new byte[160];
        for (int y = 0; y < 120; y++) {
            for (int x = 0; x < 160; x++) {
                row[x] = (byte) ((x + y / 2) & 0xFF);
            }
            m.put(y, 0, row);
        }
        Path file = dir.resolve(id + ".png");
        ImageFiles.write(m, file);
        m.release();
        double[] xy = {60, 50, 100, 50, 80, 65, 65, 80, 95, 80, 80, 85};
        return FaceSample.of(id, file, Keypoints.of(SyntheticImages.SIX, xy));
    }

    @Test
    void withContextAnUnaugmentedInputIsTheSameCropAndPointsStayPut() throws IOException {
        FaceSample sample = gradientSample("g");
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(sample))
                        .setInputSize(64, 48)
                        .optCrop(CropPolicy.pointsBox(1.2).keepingAspect())
                        .setSampling(1, false);
        FaceLandmarkDataset plain = b.build();
        FaceLandmarkDataset padded = b.optContext(0.25).build();
        assertThat(padded.contextPixels()).containsExactly(16, 12);
        var a = plain.inputSample(0, false);
        var c = padded.inputSample(0, false);
        try {
            // The region is enlarged (no INTER_AREA pass), so both are the same bilinear samples.
            byte[] pa = new byte[64 * 48];
            byte[] pc = new byte[64 * 48];
            a.image().get(0, 0, pa);
            c.image().get(0, 0, pc);
            assertThat(pc).isEqualTo(pa);
            assertThat(c.keypoints().maxDistance(a.keypoints())).isLessThan(1e-9);
            assertThat(padded.toOriginal(0).toArray())
                    .containsExactly(plain.toOriginal(0).toArray(), within(1e-9));
        } finally {
            a.release();
            c.release();
        }
    }

    @Test
    void withContextAugmentationShowsThePhotoAroundTheCropNotTheBorder() throws IOException {
        FaceSample sample = gradientSample("g");
        AugmentationPipeline shift =
                AugmentationPipeline.builder().setAugmentation(Augmentation.shift(10)).build();
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(sample))
                        .setInputSize(64, 48)
                        .optCrop(CropPolicy.pointsBox(1.2).keepingAspect())
                        .optAugmentation(shift)
                        .optSeed(5)
                        .setSampling(1, false);
        FaceLandmarkDataset plain = b.build();
        FaceLandmarkDataset padded = b.optContext(0.25).build();
        var p = plain.inputSample(0, false);
        // The plan the dataset draws for (seed 5, epoch 0, sample 0), made again here.
        var plan =
                shift.plan(
                        64,
                        48,
                        p,
                        new java.util.SplittableRandom(FaceLandmarkDataset.sampleSeed(5, 0, 0)));
        p.release();
        Affine photoToOutput = plain.toOriginal(0).inverse().then(plan.affine());
        Mat photo = ImageFiles.read(sample.image(), true);
        Mat expected =
                io.github.keypoints.data.preprocess.AffineWarp.warp(
                        photo,
                        photoToOutput,
                        64,
                        48,
                        io.github.keypoints.data.preprocess.Border.replicate(),
                        false);
        var withContext = padded.inputSample(0, true);
        var without = plain.inputSample(0, true);
        try {
            assertThat(withContext.keypoints().maxDistance(plan.keypoints())).isLessThan(1e-9);
            int worstWith = 0;
            int worstWithout = 0;
            byte[] e = new byte[64 * 48];
            byte[] w = new byte[64 * 48];
            byte[] o = new byte[64 * 48];
            expected.get(0, 0, e);
            withContext.image().get(0, 0, w);
            without.image().get(0, 0, o);
            for (int i = 0; i < e.length; i++) {
                worstWith = Math.max(worstWith, Math.abs((e[i] & 0xFF) - (w[i] & 0xFF)));
                worstWithout = Math.max(worstWithout, Math.abs((e[i] & 0xFF) - (o[i] & 0xFF)));
            }
            // Two bilinear passes against one: a level or two apart, everywhere.
            assertThat(worstWith).isLessThanOrEqualTo(2);
            // Without context the pixels shifted in are the replicated border, not the photo.
            assertThat(worstWithout).isGreaterThan(2);
        } finally {
            photo.release();
            expected.release();
            withContext.release();
            without.release();
        }
    }

    private static List<float[]> labels(FaceLandmarkDataset ds) throws IOException {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < ds.size(); i++) {
            try (NDManager m = manager.newSubManager()) {
                Record rec = ds.get(m, i);
                out.add(rec.getLabels().singletonOrThrow().toFloatArray());
                out.add(rec.getData().singletonOrThrow().toFloatArray());
            }
        }
        return out;
    }

    @Test
    void cachedEpochsNeverDecodeTheImageFilesAgain() throws IOException {
        for (ImageCache cache :
                List.of(ImageCache.inMemory(), ImageCache.onDisk(dir.resolve("cache")))) {
            Path sub = Files.createDirectories(dir.resolve("run" + cache.hashCode()));
            List<FaceSample> samples = new ArrayList<>();
            for (FaceSample s : sixPointSamples(3)) {
                Path moved = sub.resolve(s.image().getFileName());
                Files.move(s.image(), moved);
                samples.add(FaceSample.of(s.id(), moved, s.keypoints()));
            }
            FaceLandmarkDataset ds =
                    FaceLandmarkDataset.builder()
                            .setSamples(samples)
                            .setInputSize(32, 24)
                            .optCache(cache)
                            .setSampling(1, false)
                            .build();
            List<float[]> first = labels(ds);
            // Same size, same modification time, undecodable content: only a cache hit works.
            for (FaceSample s : samples) {
                FileTime mtime = Files.getLastModifiedTime(s.image());
                Files.write(s.image(), new byte[(int) Files.size(s.image())]);
                Files.setLastModifiedTime(s.image(), mtime);
            }
            assertThat(labels(ds)).containsExactlyElementsOf(first);
            // A changed file (new modification time) is not served from a stale entry.
            Files.setLastModifiedTime(
                    samples.get(0).image(), FileTime.fromMillis(System.currentTimeMillis() + 5000));
            assertThatThrownBy(() -> ds.get(manager, 0))
                    .hasMessageContaining(samples.get(0).image().toString());
        }
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .hasSize(3)
                    .allMatch(n -> n.endsWith(".kpc"));
        }
    }

    @Test
    void aNewDatasetReadsTheDiskCacheOfAnEarlierRunAndSurvivesACorruptEntry() throws IOException {
        List<FaceSample> samples = sixPointSamples(2);
        Path cacheDir = dir.resolve("cache");
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(samples)
                        .setInputSize(32, 24)
                        .setSampling(1, false);
        List<float[]> first = labels(b.optCache(ImageCache.onDisk(cacheDir)).build());
        try (Stream<Path> files = Files.list(cacheDir)) {
            Path entry = files.findFirst().orElseThrow();
            Files.write(entry, new byte[] {1, 2, 3}); // truncated: treated as a miss
        }
        assertThat(labels(b.optCache(ImageCache.onDisk(cacheDir)).build()))
                .containsExactlyElementsOf(first);
        assertThat(labels(b.optCache(ImageCache.none()).build())).containsExactlyElementsOf(first);
    }

    @Test
    void parallelGetsGiveTheSameRecordsAsSequentialOnes() throws Exception {
        List<FaceSample> samples = sixPointSamples(6);
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(samples)
                        .setInputSize(32, 24)
                        .optAugmentation(augmentation())
                        .setSampling(3, true)
                        .build();
        List<float[]> sequential = labels(ds);
        FaceLandmarkDataset fresh =
                FaceLandmarkDataset.builder()
                        .setSamples(samples)
                        .setInputSize(32, 24)
                        .optAugmentation(augmentation())
                        .setSampling(3, true)
                        .build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int rep = 0; rep < 4; rep++) {
                for (int i = 0; i < 6; i++) {
                    int index = i;
                    futures.add(
                            pool.submit(
                                    () -> {
                                        try (NDManager m = manager.newSubManager()) {
                                            return fresh.get(m, index)
                                                    .getLabels()
                                                    .singletonOrThrow()
                                                    .toFloatArray();
                                        }
                                    }));
                }
            }
            for (int k = 0; k < futures.size(); k++) {
                assertThat(futures.get(k).get()).containsExactly(sequential.get(2 * (k % 6)));
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void djlBatchesStackRecords() throws Exception {
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(sixPointSamples(5))
                        .setInputSize(32, 24)
                        .optAugmentation(augmentation())
                        .setSampling(2, true)
                        .optLimit(4)
                        .build();
        int seen = 0;
        for (Batch batch : ds.getData(manager)) {
            try (batch) {
                NDList data = batch.getData();
                assertThat(data.singletonOrThrow().getShape()).isEqualTo(new Shape(2, 1, 24, 32));
                assertThat(batch.getLabels().singletonOrThrow().getShape())
                        .isEqualTo(new Shape(2, 12));
                seen += 2;
            }
        }
        assertThat(seen).isEqualTo(4);
    }

    @Test
    void djlPrefetchingOnAnExecutorGivesTheSameBatchesAsSequentialIteration() throws Exception {
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(sixPointSamples(6))
                        .setInputSize(32, 24)
                        .optAugmentation(augmentation())
                        .setSampling(2, false)
                        .optPrefetchNumber(3)
                        .build();
        List<float[]> sequential = new ArrayList<>();
        for (Batch batch : ds.getData(manager)) {
            try (batch) {
                sequential.add(batch.getLabels().singletonOrThrow().toFloatArray());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<float[]> parallel = new ArrayList<>();
            for (Batch batch : ds.getData(manager, pool)) {
                try (batch) {
                    parallel.add(batch.getLabels().singletonOrThrow().toFloatArray());
                }
            }
            assertThat(parallel).hasSize(3);
            assertThat(parallel).containsExactlyElementsOf(sequential);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void preparedBatchesHoldExactlyWhatGetGivesSampleBySample() throws IOException {
        List<FaceSample> samples = sixPointSamples(4);
        PixelNormalization rgb =
                PixelNormalization.meanStd(
                        new float[] {0.3f, 0.4f, 0.5f}, new float[] {0.2f, 0.25f, 0.3f});
        for (boolean gray : new boolean[] {true, false}) {
            FaceLandmarkDataset ds =
                    FaceLandmarkDataset.builder()
                            .setSamples(samples)
                            .setInputSize(32, 24)
                            .optGrayscale(gray)
                            .optNormalization(gray ? PixelNormalization.centered() : rgb)
                            .optAugmentation(augmentation())
                            .optSeed(5)
                            .setSampling(3, false)
                            .build();
            assertThat(ds.batchSize()).isEqualTo(3);
            assertThat(ds.shuffles()).isFalse();
            assertThat(ds.normalization()).isEqualTo(gray ? PixelNormalization.centered() : rgb);
            ds.setEpoch(2);
            List<Long> order = List.of(3L, 0L, 2L);
            PreparedBatch batch = ds.prepareBatch(order);
            int c = gray ? 1 : 3;
            int per = c * 24 * 32;
            assertThat(batch.size()).isEqualTo(3);
            assertThat(new int[] {batch.channels(), batch.height(), batch.width()})
                    .containsExactly(c, 24, 32);
            assertThat(batch.labelWidth()).isEqualTo(12);
            assertThat(batch.inputs()).hasSize(3 * per);
            try (NDManager m = manager.newSubManager()) {
                NDList[] lists = batch.toNDLists(m);
                assertThat(lists[0].singletonOrThrow().getShape())
                        .isEqualTo(new Shape(3, c, 24, 32));
                assertThat(lists[1].singletonOrThrow().getShape()).isEqualTo(new Shape(3, 12));
                assertThat(lists[0].singletonOrThrow().toFloatArray())
                        .containsExactly(batch.inputs());
                assertThat(lists[1].singletonOrThrow().toFloatArray())
                        .containsExactly(batch.labels());
                for (int i = 0; i < order.size(); i++) {
                    Record r = ds.get(m, order.get(i));
                    assertThat(java.util.Arrays.copyOfRange(batch.inputs(), i * per, (i + 1) * per))
                            .as("sample %d (gray %s)", order.get(i), gray)
                            .containsExactly(r.getData().singletonOrThrow().toFloatArray());
                    assertThat(java.util.Arrays.copyOfRange(batch.labels(), i * 12, (i + 1) * 12))
                            .containsExactly(r.getLabels().singletonOrThrow().toFloatArray());
                }
            }
            // The augmentation is the epoch's: another epoch prepares other inputs.
            ds.setEpoch(3);
            assertThat(ds.prepareBatch(order).labels()).isNotEqualTo(batch.labels());
        }
        assertThat(
                        FaceLandmarkDataset.builder()
                                .setSamples(samples)
                                .setInputSize(32, 24)
                                .setSampling(2, true)
                                .build()
                                .shuffles())
                .isTrue();
    }

    @Test
    void aPreparedBatchRefusesArraysOfTheWrongLength() {
        assertThatThrownBy(() -> new PreparedBatch(2, 1, 3, 4, new float[23], new float[4], 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("arrays of 23 inputs and 4 labels")
                .hasMessageContaining("2 samples of 1x3x4 with 2 label values");
        assertThatThrownBy(() -> new PreparedBatch(2, 1, 3, 4, new float[24], new float[5], 2))
                .hasMessageContaining("5 labels");
        PreparedBatch ok = new PreparedBatch(2, 1, 3, 4, new float[24], new float[4], 2);
        assertThat(ok.inputs()).hasSize(24);
    }

    @Test
    void builderNamesWhatIsMissing() {
        assertThatThrownBy(() -> FaceLandmarkDataset.builder().setSampling(1, false).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("samples");
        assertThatThrownBy(
                        () ->
                                FaceLandmarkDataset.builder()
                                        .setSamples(List.of())
                                        .setSampling(1, false)
                                        .build())
                .hasMessageContaining("inputSize");
        assertThatThrownBy(
                        () ->
                                FaceLandmarkDataset.builder()
                                        .setSamples(List.of())
                                        .setInputSize(4, 4)
                                        .build())
                .hasMessageContaining("sampling");
        List<FaceSample> six = sixPointSamples(1);
        assertThatThrownBy(
                        () ->
                                FaceLandmarkDataset.builder()
                                        .setSamples(six)
                                        .setInputSize(4, 4)
                                        .optScheme(LandmarkScheme.NOSE_TIP)
                                        .setSampling(1, false)
                                        .build())
                .hasMessageContaining("six")
                .hasMessageContaining("nose-tip");
    }

    @Test
    void theEpochListenerAdvancesTheEpochAfterEachTrainingEpoch() {
        FaceLandmarkDataset ds =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of())
                        .optScheme(LandmarkScheme.NOSE_TIP)
                        .setInputSize(4, 4)
                        .setSampling(1, false)
                        .build();
        ai.djl.training.listener.TrainingListener listener = ds.epochListener();
        assertThat(ds.epoch()).isZero();
        listener.onEpoch(null);
        listener.onEpoch(null);
        assertThat(ds.epoch()).isEqualTo(2);
    }

    @Test
    void perSampleSeedsDifferAcrossEpochsAndIndices() {
        java.util.Set<Long> seeds = new java.util.HashSet<>();
        for (int e = 0; e < 20; e++) {
            for (int i = 0; i < 500; i++) {
                seeds.add(FaceLandmarkDataset.sampleSeed(7, e, i));
            }
        }
        assertThat(seeds).hasSize(20 * 500);
        assertThat(FaceLandmarkDataset.sampleSeed(7, 1, 2))
                .isEqualTo(FaceLandmarkDataset.sampleSeed(7, 1, 2))
                .isNotEqualTo(FaceLandmarkDataset.sampleSeed(8, 1, 2));
    }
}
