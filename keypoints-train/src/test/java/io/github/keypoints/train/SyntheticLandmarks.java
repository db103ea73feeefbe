package io.github.keypoints.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import io.github.keypoints.data.Affine;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkDataset;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.dataset.EpochAware;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A tiny synthetic landmark dataset for tests: each sample is a dark {@code size×size} image with
 * two bright blobs, the two keypoints; the "original" image is twice the input size, so {@link
 * #toOriginal(int)} is a scaling by 2. With an epoch seed it adds seeded noise (an augmentation
 * stream that depends on the epoch and sample only).
 */
final class SyntheticLandmarks extends RandomAccessDataset implements LandmarkDataset, EpochAware {

    static final LandmarkScheme SCHEME =
            LandmarkScheme.builder()
                    .setName("two-blobs")
                    .setPointNames(List.of("a", "b"))
                    .addGroup("first", 0)
                    .addGroup("second", 1)
                    .optNormalizer(0, 1)
                    .build();

    private final int count;
    private final int size;
    private final long dataSeed;
    private final Path imageDir;
    private Long epochSeed;
    private long getDelayMillis;

    SyntheticLandmarks(int count, int size, long dataSeed, Path imageDir) {
        super(new Builder().setSampling(1, false));
        this.count = count;
        this.size = size;
        this.dataSeed = dataSeed;
        this.imageDir = imageDir;
    }

    private float[] points(int index) {
        Random r = new Random(dataSeed * 1000 + index);
        float m = size * 0.2f;
        float[] p = new float[4];
        for (int i = 0; i < 4; i++) {
            p[i] = m + r.nextFloat() * (size - 1 - 2 * m);
        }
        return p;
    }

    float[] pixels(int index) {
        float[] p = points(index);
        float[] img = new float[size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double v = 0;
                for (int k = 0; k < 2; k++) {
                    double dx = x - p[2 * k];
                    double dy = y - p[2 * k + 1];
                    v += Math.exp(-(dx * dx + dy * dy) / 4.0);
                }
                img[y * size + x] = (float) v;
            }
        }
        if (epochSeed != null) {
            Random noise = new Random(epochSeed * 31 + index);
            for (int i = 0; i < img.length; i++) {
                img[i] += (float) (noise.nextGaussian() * 0.05);
            }
        }
        return img;
    }

    /**
     * Makes every {@link #get} sleep first, like a slow data pipeline.
     *
     * @param millis the sleep per sample
     * @return this dataset
     */
    SyntheticLandmarks withGetDelay(long millis) {
        this.getDelayMillis = millis;
        return this;
    }

    @Override
    public void setEpoch(int epoch) {
        // The noise of an epoch depends on the epoch alone, as EpochAware asks.
        this.epochSeed = 1_000_003L * (epoch + 1);
    }

    @Override
    public Record get(NDManager manager, long index) {
        if (getDelayMillis > 0) {
            try {
                Thread.sleep(getDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted in a slow get", e);
            }
        }
        int i = (int) index;
        float[] p = points(i);
        float[] rel = {p[0] / size, p[1] / size, p[2] / size, p[3] / size};
        return new Record(
                new NDList(
                        manager.create(pixels(i), new ai.djl.ndarray.types.Shape(1, size, size))),
                new NDList(manager.create(rel)));
    }

    @Override
    protected long availableSize() {
        return count;
    }

    @Override
    public void prepare(Progress progress) {}

    @Override
    public LandmarkScheme scheme() {
        return SCHEME;
    }

    @Override
    public int inputWidth() {
        return size;
    }

    @Override
    public int inputHeight() {
        return size;
    }

    @Override
    public long size() {
        return count;
    }

    @Override
    public FaceSample sample(int index) {
        Path image =
                imageDir == null
                        ? Path.of("synthetic-" + index + ".png")
                        : imageDir.resolve("s" + index + ".png");
        return FaceSample.of(
                "s" + index,
                image,
                Keypoints.of(SCHEME, points(index)).transform(toOriginal(index)));
    }

    @Override
    public Affine toOriginal(int index) {
        return Affine.scaling(2, 2);
    }

    /** Writes every sample as a PNG at original size into the image folder, for the gallery. */
    void writeImages() throws IOException {
        for (int i = 0; i < count; i++) {
            float[] px = pixels(i);
            BufferedImage img = new BufferedImage(2 * size, 2 * size, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 2 * size; y++) {
                for (int x = 0; x < 2 * size; x++) {
                    int v = (int) Math.max(0, Math.min(255, px[(y / 2) * size + x / 2] * 255));
                    img.getRaster().setSample(x, y, 0, v);
                }
            }
            ImageIO.write(img, "png", imageDir.resolve("s" + i + ".png").toFile());
        }
    }

    private static final class Builder extends BaseBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
