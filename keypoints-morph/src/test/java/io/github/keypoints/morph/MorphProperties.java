package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.image.OpenCv;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

class MorphProperties {

    static final LandmarkScheme SCHEME =
            LandmarkScheme.builder()
                    .setName("test-6")
                    .setPointNames(List.of("eye0", "eye1", "nose", "mouth0", "mouth1", "chin"))
                    .optNormalizer(0, 1)
                    .build();

    /** A plausible 6-point face in a w×h image, each coordinate moved by a share of the side. */
    static Keypoints shape(double[] jitter, int w, int h) {
        double[] base = {0.35, 0.4, 0.65, 0.4, 0.5, 0.55, 0.4, 0.7, 0.6, 0.7, 0.5, 0.85};
        double[] xy = new double[base.length];
        for (int i = 0; i < base.length; i += 2) {
            xy[i] = (base[i] + jitter[i]) * w;
            xy[i + 1] = (base[i + 1] + jitter[i + 1]) * h;
        }
        return Keypoints.of(SCHEME, xy);
    }

    /**
     * Shape jitter from jqwik (so failures shrink toward the undisturbed face): up to 6 % of the
     * side per coordinate, with jqwik's edge cases (0 and the extremes) included.
     */
    @Provide
    Arbitrary<double[]> jitter() {
        return Arbitraries.doubles()
                .between(-0.06, 0.06)
                .ofScale(4)
                .array(double[].class)
                .ofSize(12);
    }

    @Property(tries = 25)
    void morphAtFractionZeroAndOneReturnsTheAlignedEndpoints(
            @ForAll long pixelSeed,
            @ForAll("jitter") double[] ja,
            @ForAll("jitter") double[] jb,
            @ForAll @IntRange(min = 0, max = 1) int end) {
        Random r = new Random(pixelSeed);
        int w = 80, h = 60;
        Face a = new Face("a", FacePoints.randomImage(r, w, h, 3), shape(ja, w, h));
        Face b = new Face("b", FacePoints.randomImage(r, w, h, 3), shape(jb, w, h));
        FaceFrame frame = FaceFrame.fitting(List.of(a, b), w, h);
        MorphChain chain = MorphChain.of(List.of(a, b), frame);
        ImageBuffer got = chain.frame(0, 1, end, end);
        Face expectedFace = end == 0 ? a : b;
        ImageBuffer expected = similarityWarp(expectedFace, frame.alignment(expectedFace.shape()));
        assertClose(got, expected, 3, 0.995);
    }

    @Property(tries = 15)
    void morphFunctionAtZeroMatchesChainFrame(
            @ForAll long pixelSeed, @ForAll("jitter") double[] ja, @ForAll("jitter") double[] jb) {
        Random r = new Random(pixelSeed);
        int w = 64, h = 48;
        Face a = new Face("a", FacePoints.randomImage(r, w, h, 3), shape(ja, w, h));
        Face b = new Face("b", FacePoints.randomImage(r, w, h, 3), shape(jb, w, h));
        ImageBuffer f = MorphChain.morph(a.image(), a.shape(), b.image(), b.shape(), 0, 0);
        ImageBuffer expected =
                similarityWarp(a, FaceFrame.fitting(List.of(a, b), w, h).alignment(a.shape()));
        assertClose(f, expected, 3, 0.995);
    }

    @Property(tries = 10)
    void meanFaceOfCopiesOfOneFaceIsThatFace(
            @ForAll long pixelSeed,
            @ForAll("jitter") double[] j,
            @ForAll @IntRange(min = 1, max = 6) int copies) {
        int w = 60, h = 45;
        Face f =
                new Face(
                        "f",
                        FacePoints.randomImage(new Random(pixelSeed), w, h, 3),
                        shape(j, w, h));
        MeanFace.Result mean =
                MeanFace.builder()
                        .setSize(w, h)
                        .optThreads(2)
                        .build()
                        .compute(java.util.Collections.nCopies(copies, f));
        assertThat(mean.faces()).isEqualTo(copies);
        assertThat(mean.shape().maxDistance(f.shape())).isLessThan(1e-3);
        for (int i = 0; i < f.image().data().length; i++) {
            assertThat(Math.abs((mean.image().data()[i] & 0xff) - (f.image().data()[i] & 0xff)))
                    .isLessThanOrEqualTo(1);
        }
    }

    @Property(tries = 30)
    void procrustesRecoversAShapeMovedBySimilarities(
            @ForAll("jitter") double[] j,
            @ForAll @DoubleRange(min = -180, max = 180) double degrees,
            @ForAll @DoubleRange(min = 0.2, max = 5) double scale,
            @ForAll @DoubleRange(min = -90, max = 90) double tx,
            @ForAll @DoubleRange(min = -90, max = 90) double ty) {
        double[] s = MorphChain.toDoubles(shape(j, 100, 100));
        Affine move =
                Affine.rotation(degrees, 50, 50)
                        .then(Affine.scaling(scale, scale))
                        .then(Affine.translation(tx, ty));
        double[] moved = Similarity.apply(move, s);
        Procrustes p = Procrustes.align(List.of(s, moved));
        double[] a = Similarity.apply(p.alignments().get(0), s);
        double[] b = Similarity.apply(p.alignments().get(1), moved);
        for (int k = 0; k < a.length; k++) {
            assertThat(a[k]).isCloseTo(b[k], org.assertj.core.data.Offset.offset(1e-9));
            assertThat(a[k]).isCloseTo(p.mean()[k], org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Property(tries = 15)
    void caricatureWithFactorOneKeepsTheFace(
            @ForAll long pixelSeed, @ForAll("jitter") double[] jf, @ForAll("jitter") double[] jm) {
        int w = 60, h = 45;
        Face f =
                new Face(
                        "f",
                        FacePoints.randomImage(new Random(pixelSeed), w, h, 3),
                        shape(jf, w, h));
        Keypoints mean = shape(jm, w, h);
        assertThat(Caricature.exaggerate(f.shape(), mean, 1).maxDistance(f.shape()))
                .isLessThan(1e-3);
        ImageBuffer out = Caricature.render(f, mean, 1);
        for (int i = 0; i < out.data().length; i++) {
            assertThat(Math.abs((out.data()[i] & 0xff) - (f.image().data()[i] & 0xff)))
                    .isLessThanOrEqualTo(1);
        }
    }

    @Property(tries = 20)
    void caricatureMovesPointsAwayFromTheMeanByTheFactor(
            @ForAll("jitter") double[] js,
            @ForAll("jitter") double[] jm,
            @ForAll @DoubleRange(min = 0, max = 3) double factor) {
        Keypoints shape = shape(js, 100, 100);
        Keypoints mean = shape(jm, 100, 100);
        Keypoints at0 = Caricature.exaggerate(shape, mean, 0);
        Keypoints out = Caricature.exaggerate(shape, mean, factor);
        for (int i = 0; i < shape.size(); i++) {
            double d0 = Math.hypot(shape.x(i) - at0.x(i), shape.y(i) - at0.y(i));
            double d = Math.hypot(out.x(i) - at0.x(i), out.y(i) - at0.y(i));
            assertThat(d).isCloseTo(factor * d0, org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    /** The whole-image similarity warp done independently with OpenCV (bilinear, edges repeat). */
    static ImageBuffer similarityWarp(Face f, Affine align) {
        OpenCv.load();
        Mat src = f.image().toMat();
        Mat m = new Mat(2, 3, CvType.CV_64F);
        Mat dst = new Mat();
        try {
            m.put(0, 0, align.toArray());
            Imgproc.warpAffine(
                    src,
                    dst,
                    m,
                    new Size(f.image().width(), f.image().height()),
                    Imgproc.INTER_LINEAR,
                    Core.BORDER_REPLICATE);
            return ImageBuffer.fromMat(dst);
        } finally {
            src.release();
            m.release();
            dst.release();
        }
    }

    /** Every value within {@code tol} on at least {@code share} of the values, none off by > 12. */
    static void assertClose(ImageBuffer got, ImageBuffer expected, int tol, double share) {
        assertThat(got.width()).isEqualTo(expected.width());
        assertThat(got.height()).isEqualTo(expected.height());
        int within = 0;
        byte[] g = got.data(), e = expected.data();
        for (int i = 0; i < g.length; i++) {
            int d = Math.abs((g[i] & 0xff) - (e[i] & 0xff));
            assertThat(d).as("value %d", i).isLessThanOrEqualTo(12);
            if (d <= tol) {
                within++;
            }
        }
        assertThat((double) within / g.length).isGreaterThanOrEqualTo(share);
    }
}
