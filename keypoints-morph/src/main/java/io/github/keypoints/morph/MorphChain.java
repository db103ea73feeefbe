package io.github.keypoints.morph;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A list of faces prepared for morphing in one {@link FaceFrame}: each face's similarity alignment
 * on its eye corners, its aligned shape plus the frame's border points, and one Delaunay
 * triangulation computed on the mean aligned shape and reused for every frame.
 *
 * <p>The source images are never resampled for alignment: the alignment is folded into each
 * triangle's affine (destination triangle in the frame → source triangle in the original image), so
 * every output pixel is interpolated exactly once.
 * <!-- snippet-context: List<Face> faces; -->
 *
 * <pre>{@code
 * MorphChain chain = MorphChain.of(faces, FaceFrame.fitting(faces, 640, 480));
 * ImageBuffer halfway = chain.frame(0, 1, 0.5, 0.5);
 * List<ImageBuffer> frames = new ArrayList<>();
 * chain.forEachFrame(10, frames::add); // 10 frames per transition through all faces
 * }</pre>
 */
public final class MorphChain {

    private final FaceFrame frame;
    private final List<Face> faces;
    private final double[][] sourcePoints;
    private final double[][] alignedPoints;
    private final PiecewiseAffineWarp warp;

    /** Per face, its pixels packed one long per pixel for the 3-channel fast path, or null. */
    private final long[][] packed;

    private MorphChain(
            FaceFrame frame,
            List<Face> faces,
            double[][] sourcePoints,
            double[][] alignedPoints,
            PiecewiseAffineWarp warp,
            long[][] packed) {
        this.frame = frame;
        this.faces = faces;
        this.sourcePoints = sourcePoints;
        this.alignedPoints = alignedPoints;
        this.warp = warp;
        this.packed = packed;
    }

    /**
     * Aligns the faces to the frame and triangulates their mean aligned shape.
     *
     * @param faces at least one face, all with the same scheme and channel count
     * @param frame the common frame
     * @return the prepared chain
     */
    public static MorphChain of(List<Face> faces, FaceFrame frame) {
        if (faces.isEmpty()) {
            throw new IllegalArgumentException("A morph needs at least one face");
        }
        Face first = faces.get(0);
        double[] border = frame.borderPoints();
        int n = first.shape().size() + border.length / 2;
        double[][] src = new double[faces.size()][];
        double[][] aligned = new double[faces.size()][];
        double[] mean = new double[2 * n];
        for (int i = 0; i < faces.size(); i++) {
            Face f = faces.get(i);
            if (!f.shape().scheme().equals(first.shape().scheme())) {
                throw new IllegalArgumentException(
                        "Face "
                                + f.id()
                                + " has scheme "
                                + f.shape().scheme()
                                + ", but "
                                + first.id()
                                + " has "
                                + first.shape().scheme());
            }
            if (f.image().channels() != first.image().channels()) {
                throw new IllegalArgumentException(
                        "Face "
                                + f.id()
                                + " has "
                                + f.image().channels()
                                + " channels, "
                                + first.id()
                                + " has "
                                + first.image().channels());
            }
            Affine align = frame.alignment(f.shape());
            double[] shape = toDoubles(f.shape());
            src[i] = concat(shape, Similarity.apply(align.inverse(), border));
            aligned[i] = concat(Similarity.apply(align, shape), border);
            for (int k = 0; k < mean.length; k++) {
                mean[k] += aligned[i][k] / faces.size();
            }
        }
        Triangulation tri = Triangulation.delaunay(mean);
        long[][] packed = null;
        if (first.image().channels() == 3) {
            packed = new long[faces.size()][];
            for (int i = 0; i < faces.size(); i++) {
                packed[i] = PiecewiseAffineWarp.packWide(faces.get(i).image());
            }
        }
        return new MorphChain(
                frame, List.copyOf(faces), src, aligned, PiecewiseAffineWarp.of(tri), packed);
    }

    /**
     * Returns this chain rendering each frame on the calling thread only (for callers that
     * parallelise over frames themselves, and for timing).
     *
     * @return the sequential chain
     */
    public MorphChain sequential() {
        return new MorphChain(frame, faces, sourcePoints, alignedPoints, warp.sequential(), packed);
    }

    /**
     * Morphs two faces in one call: both are aligned to a frame the size of {@code imageA} whose
     * eye targets are the mean of theirs.
     *
     * @param imageA the first image
     * @param shapeA its keypoints
     * @param imageB the second image
     * @param shapeB its keypoints, same scheme
     * @param warpFraction 0 gives A's aligned shape, 1 gives B's
     * @param dissolveFraction 0 gives A's colours, 1 gives B's
     * @return the frame
     */
    public static ImageBuffer morph(
            ImageBuffer imageA,
            Keypoints shapeA,
            ImageBuffer imageB,
            Keypoints shapeB,
            double warpFraction,
            double dissolveFraction) {
        List<Face> pair = List.of(new Face("A", imageA, shapeA), new Face("B", imageB, shapeB));
        return of(pair, FaceFrame.fitting(pair, imageA.width(), imageA.height()))
                .frame(0, 1, warpFraction, dissolveFraction);
    }

    /**
     * Renders one frame between faces {@code i} and {@code j}.
     *
     * @param i the first face
     * @param j the second face
     * @param warpFraction where the shape lies between the two aligned shapes, 0 to 1
     * @param dissolveFraction the weight of face {@code j}'s colours, 0 to 1
     * @return a new frame of the chain's frame size
     */
    public ImageBuffer frame(int i, int j, double warpFraction, double dissolveFraction) {
        if (!(warpFraction >= 0 && warpFraction <= 1)) {
            throw new IllegalArgumentException(
                    "warpFraction must be in [0, 1], was " + warpFraction);
        }
        double[] a = alignedPoints[i];
        double[] b = alignedPoints[j];
        double[] dst = new double[a.length];
        for (int k = 0; k < a.length; k++) {
            dst[k] = (1 - warpFraction) * a[k] + warpFraction * b[k];
        }
        if (packed != null) {
            ImageBuffer ia = faces.get(i).image();
            ImageBuffer ib = faces.get(j).image();
            return warp.blendPacked(
                    packed[i],
                    ia.width(),
                    ia.height(),
                    sourcePoints[i],
                    packed[j],
                    ib.width(),
                    ib.height(),
                    sourcePoints[j],
                    dst,
                    dissolveFraction,
                    frame.width(),
                    frame.height());
        }
        return warp.blend(
                faces.get(i).image(),
                sourcePoints[i],
                faces.get(j).image(),
                sourcePoints[j],
                dst,
                dissolveFraction,
                frame.width(),
                frame.height());
    }

    /**
     * Renders {@code n} frames from face {@code i} to face {@code j}, both ends included, with warp
     * and dissolve going together from 0 to 1.
     *
     * @param i the first face
     * @param j the last face
     * @param n the number of frames, at least 2
     * @return the frames
     */
    public List<ImageBuffer> sequence(int i, int j, int n) {
        if (n < 2) {
            throw new IllegalArgumentException("A sequence needs at least 2 frames, was " + n);
        }
        List<ImageBuffer> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            double t = (double) k / (n - 1);
            out.add(frame(i, j, t, t));
        }
        return out;
    }

    /**
     * Renders the whole chain face 0 → 1 → … → last, {@code framesPerTransition} frames per
     * transition (the end face of a transition is the start of the next, so it appears once), and
     * hands each frame to {@code sink} as soon as it is made.
     *
     * @param framesPerTransition frames from one face up to (not including) the next, at least 1
     * @param sink receives the frames in order
     * @return the number of frames produced
     */
    public int forEachFrame(int framesPerTransition, Consumer<ImageBuffer> sink) {
        if (framesPerTransition < 1) {
            throw new IllegalArgumentException(
                    "framesPerTransition must be at least 1, was " + framesPerTransition);
        }
        int count = 0;
        for (int i = 0; i + 1 < faces.size(); i++) {
            for (int k = 0; k < framesPerTransition; k++) {
                double t = (double) k / framesPerTransition;
                sink.accept(frame(i, i + 1, t, t));
                count++;
            }
        }
        int last = faces.size() - 1;
        sink.accept(frame(last, last, 0, 0));
        return count + 1;
    }

    /**
     * Returns the number of faces.
     *
     * @return the face count
     */
    public int size() {
        return faces.size();
    }

    /**
     * Returns the common frame.
     *
     * @return the frame
     */
    public FaceFrame faceFrame() {
        return frame;
    }

    /**
     * Returns the shared triangulation (keypoints first, then the 8 border points).
     *
     * @return the triangulation
     */
    public Triangulation triangulation() {
        return warp.triangulation();
    }

    /**
     * Returns face {@code i}'s keypoints plus the border points, aligned to the frame.
     *
     * @param i the face
     * @return interleaved points, a copy
     */
    public double[] alignedPoints(int i) {
        return alignedPoints[i].clone();
    }

    /**
     * Returns face {@code i}'s keypoints plus the frame's border points mapped back into its image.
     *
     * @param i the face
     * @return interleaved points in the face's image pixels, a copy
     */
    public double[] sourcePoints(int i) {
        return sourcePoints[i].clone();
    }

    static double[] toDoubles(Keypoints k) {
        double[] out = new double[2 * k.size()];
        for (int i = 0; i < k.size(); i++) {
            out[2 * i] = k.x(i);
            out[2 * i + 1] = k.y(i);
        }
        return out;
    }

    static double[] concat(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
