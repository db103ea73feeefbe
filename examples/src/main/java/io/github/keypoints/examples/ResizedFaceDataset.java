package io.github.keypoints.examples;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import io.github.keypoints.data.Affine;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkDataset;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import java.util.List;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The reference project's whole-image preprocessing as a DJL dataset: each photo is read in
 * grayscale, shrunk to the network input with area interpolation, and scaled to {@code [-0.5,
 * 0.5]}; labels are the keypoints relative to the input size. No augmentation: the command line
 * uses it until the augmenting dataset of {@code keypoints-data} is available, and for evaluation.
 *
 * <p>Images are decoded once and cached as floats (240 IMM faces at 120×90 take 10 MB).
 */
final class ResizedFaceDataset extends RandomAccessDataset implements LandmarkDataset {

    private final List<FaceSample> samples;
    private final LandmarkScheme scheme;
    private final int width;
    private final int height;
    private final float[][] pixels;
    private final Affine[] back;

    ResizedFaceDataset(List<FaceSample> samples, LandmarkScheme scheme, int width, int height) {
        super(new Builder().setSampling(1, false));
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to train or evaluate on");
        }
        OpenCv.load();
        this.samples = List.copyOf(samples);
        this.scheme = scheme;
        this.width = width;
        this.height = height;
        this.pixels = new float[samples.size()][];
        this.back = new Affine[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            Mat img = ImageFiles.read(samples.get(i).image(), true);
            Mat small = new Mat();
            try {
                double sx = img.cols() / (double) width;
                double sy = img.rows() / (double) height;
                // Pixel centres at integers: input x maps to (x + 0.5)·s − 0.5 in the original.
                back[i] =
                        Affine.translation(0.5, 0.5)
                                .then(Affine.scaling(sx, sy))
                                .then(Affine.translation(-0.5, -0.5));
                Imgproc.resize(img, small, new Size(width, height), 0, 0, Imgproc.INTER_AREA);
                byte[] raw = new byte[width * height];
                small.get(0, 0, raw);
                float[] f = new float[raw.length];
                for (int k = 0; k < raw.length; k++) {
                    f[k] = (raw[k] & 0xff) / 255f - 0.5f;
                }
                pixels[i] = f;
            } finally {
                img.release();
                small.release();
            }
        }
    }

    @Override
    public Record get(NDManager manager, long index) {
        int i = Math.toIntExact(index);
        float[] rel =
                samples.get(i)
                        .keypoints()
                        .toScheme(scheme)
                        .transform(back[i].inverse())
                        .toRelative(width, height);
        return new Record(
                new NDList(manager.create(pixels[i], new Shape(1, height, width))),
                new NDList(manager.create(rel)));
    }

    @Override
    protected long availableSize() {
        return samples.size();
    }

    @Override
    public void prepare(Progress progress) {}

    @Override
    public LandmarkScheme scheme() {
        return scheme;
    }

    @Override
    public int inputWidth() {
        return width;
    }

    @Override
    public int inputHeight() {
        return height;
    }

    @Override
    public long size() {
        return samples.size();
    }

    @Override
    public FaceSample sample(int index) {
        return samples.get(index);
    }

    @Override
    public Affine toOriginal(int index) {
        return back[index];
    }

    private static final class Builder extends BaseBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
