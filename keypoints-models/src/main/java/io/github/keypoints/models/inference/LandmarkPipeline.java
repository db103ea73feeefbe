package io.github.keypoints.models.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.translate.TranslatorContext;
import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.dataset.TensorUpload;
import io.github.keypoints.data.detect.CascadeFaceFinder;
import io.github.keypoints.data.detect.FaceFinder;
import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.data.preprocess.Preprocessor;
import io.github.keypoints.models.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * The steps both public ways of landmarking share ({@link FaceLandmarkTranslator} and {@link
 * KeypointDetector}): choose the face regions of each image, prepare every region as the model's
 * {@link ModelSpec} says, and turn the network's input-relative output back into image pixels,
 * refining found boxes with more forward passes. One instance serves any number of threads.
 */
final class LandmarkPipeline {

    /** The context attachment holding the requests of the current call. */
    private static final String STATE = "io.github.keypoints.faces";

    private final ModelSpec spec;
    private final LandmarkScheme scheme;
    private final Preprocessor preprocessor;
    private final PixelNormalization normalization;
    private final FaceFinder givenFinder;
    private volatile FaceFinder finder;
    private final boolean wholeImage;
    private final boolean flipAverage;
    private final int refinement;
    private final Shape inputShape;

    LandmarkPipeline(
            ModelSpec spec,
            FaceFinder finder,
            Boolean wholeImage,
            boolean flipAverage,
            int refinement) {
        if (refinement < 0) {
            throw new IllegalArgumentException("refinement must be at least 0, was " + refinement);
        }
        this.spec = spec;
        this.scheme = spec.landmarkScheme();
        this.preprocessor = spec.preprocessor();
        this.normalization = spec.normalization();
        this.givenFinder = finder;
        this.finder = finder;
        this.wholeImage = wholeImage != null ? wholeImage : trainedOnWholeImages(spec);
        this.flipAverage = flipAverage;
        this.refinement = refinement;
        this.inputShape = new Shape(spec.inputChannels(), spec.inputHeight(), spec.inputWidth());
    }

    ModelSpec spec() {
        return spec;
    }

    Preprocessor preprocessor() {
        return preprocessor;
    }

    boolean wholeImage() {
        return wholeImage;
    }

    boolean flipAverage() {
        return flipAverage;
    }

    int refinement() {
        return refinement;
    }

    /**
     * One image to landmark.
     *
     * @param image 8-bit gray, BGR or BGRA; released after the call only if {@code owned}
     * @param face the caller's face box, or null to find faces (or use the whole image)
     * @param all whether every found face is landmarked, rather than the largest
     * @param owned whether the pipeline releases the image when the call ends
     * @param name how an error names the image
     */
    record Request(Mat image, Box face, boolean all, boolean owned, String name) {}

    /** One face region of one request. */
    private record Job(int request, Box box, boolean given, boolean refine) {}

    /** What a call keeps between its input and output steps. */
    private record State(List<Request> requests, List<Job> jobs, List<Affine> toInput) {}

    /**
     * Chooses the face regions of every request and stacks their prepared inputs into one batch
     * {@code [F, C, H, W]} (twice as many with flip averaging; a single blank input if no image has
     * a face, whose output is ignored).
     */
    NDList prepare(TranslatorContext ctx, List<Request> requests) {
        List<Job> jobs = new ArrayList<>();
        try {
            for (int r = 0; r < requests.size(); r++) {
                Request q = requests.get(r);
                if (q.face() != null) {
                    jobs.add(new Job(r, q.face(), true, false));
                } else if (wholeImage) {
                    jobs.add(
                            new Job(
                                    r,
                                    new Box(0, 0, q.image().cols(), q.image().rows()),
                                    false,
                                    false));
                } else {
                    List<Box> found = finder().find(q.image());
                    if (found.isEmpty() && !q.all()) {
                        throw new FaceNotFoundException(
                                q.name()
                                        + "no face found by "
                                        + finder
                                        + " in a "
                                        + q.image().cols()
                                        + "x"
                                        + q.image().rows()
                                        + " image; give a face box or use the whole image");
                    }
                    for (Box b : q.all() ? found : found.subList(0, 1)) {
                        jobs.add(new Job(r, b, false, refinement > 0));
                    }
                }
            }
            List<Affine> toInput = new ArrayList<>(jobs.size());
            NDArray batch = inputs(ctx.getNDManager(), requests, jobs, toInput);
            ctx.setAttachment(STATE, new State(requests, jobs, toInput));
            return new NDList(batch);
        } catch (RuntimeException e) {
            release(requests);
            throw e;
        }
    }

    /**
     * Turns the network's output for {@link #prepare}'s batch into one {@link FaceLandmarks} per
     * request, after the refinement passes of found faces (run on the context's block).
     */
    List<FaceLandmarks> finish(TranslatorContext ctx, NDList output) {
        State state = (State) ctx.getAttachment(STATE);
        try {
            List<Job> jobs = state.jobs();
            List<Keypoints> points =
                    decode(output.singletonOrThrow().toFloatArray(), state.toInput());
            List<Integer> again = new ArrayList<>();
            for (int j = 0; j < jobs.size(); j++) {
                if (jobs.get(j).refine()) {
                    again.add(j);
                }
            }
            for (int pass = 0; pass < refinement && !again.isEmpty(); pass++) {
                List<Job> tight = new ArrayList<>(again.size());
                for (int j : again) {
                    tight.add(
                            new Job(
                                    jobs.get(j).request(),
                                    points.get(j).boundingBox(),
                                    false,
                                    true));
                }
                List<Affine> toInput = new ArrayList<>(tight.size());
                NDManager m = ctx.getNDManager();
                NDArray x = inputs(m, state.requests(), tight, toInput);
                Block block = ctx.getBlock();
                float[] out =
                        block.forward(new ParameterStore(m, false), new NDList(x), false)
                                .singletonOrThrow()
                                .toFloatArray();
                List<Keypoints> refined = decode(out, toInput);
                for (int k = 0; k < again.size(); k++) {
                    points.set(again.get(k), refined.get(k));
                }
            }
            List<List<Detection>> perRequest = new ArrayList<>(state.requests().size());
            for (int r = 0; r < state.requests().size(); r++) {
                perRequest.add(new ArrayList<>());
            }
            for (int j = 0; j < jobs.size(); j++) {
                Job job = jobs.get(j);
                perRequest.get(job.request()).add(new Detection(job.box(), points.get(j)));
            }
            List<FaceLandmarks> result = new ArrayList<>(perRequest.size());
            for (int r = 0; r < perRequest.size(); r++) {
                Mat image = state.requests().get(r).image();
                result.add(new FaceLandmarks(image.cols(), image.rows(), perRequest.get(r)));
            }
            return result;
        } finally {
            release(state.requests());
        }
    }

    /** Releases the images the pipeline owns. */
    static void release(List<Request> requests) {
        for (Request q : requests) {
            if (q.owned()) {
                q.image().release();
            }
        }
    }

    private NDArray inputs(
            NDManager manager, List<Request> requests, List<Job> jobs, List<Affine> toInput) {
        int per = (int) inputShape.size();
        int copies = flipAverage ? 2 : 1;
        int count = Math.max(1, jobs.size() * copies);
        float[] data = new float[count * per];
        int at = 0;
        for (Job job : jobs) {
            Mat original = requests.get(job.request()).image();
            Affine t = preprocessor.toInput(region(job.box(), job.given(), original));
            toInput.add(t);
            Mat converted = toModelChannels(original);
            Mat input = preprocessor.warp(converted, t);
            try {
                System.arraycopy(normalization.toChw(input), 0, data, at, per);
                at += per;
                if (flipAverage) {
                    Core.flip(input, input, 1);
                    System.arraycopy(normalization.toChw(input), 0, data, at, per);
                    at += per;
                }
            } finally {
                input.release();
                if (converted != original) {
                    converted.release();
                }
            }
        }
        return TensorUpload.floats(manager, data, new Shape(count).addAll(inputShape));
    }

    private List<Keypoints> decode(float[] out, List<Affine> toInput) {
        int n = toInput.size();
        int width = 2 * scheme.size();
        int step = flipAverage ? 2 : 1;
        List<Keypoints> result = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Keypoints inInput = relative(out, step * i * width, width);
            if (flipAverage) {
                Keypoints mirrored =
                        relative(out, (step * i + 1) * width, width)
                                .flipHorizontally(spec.inputWidth());
                inInput = average(inInput, mirrored);
                if (spec.flipOffsetX() != 0) {
                    inInput = inInput.transform(Affine.translation(spec.flipOffsetX(), 0));
                }
            }
            result.add(inInput.transform(toInput.get(i).inverse()));
        }
        return result;
    }

    private Keypoints relative(float[] out, int from, int width) {
        float[] xy = new float[width];
        System.arraycopy(out, from, xy, 0, width);
        return Keypoints.fromRelative(scheme, xy, spec.inputWidth(), spec.inputHeight());
    }

    /** The finder given to the builder, else the bundled cascade, loaded on first use. */
    FaceFinder finder() {
        FaceFinder f = finder;
        if (f == null) {
            synchronized (this) {
                f = finder;
                if (f == null) {
                    f = CascadeFaceFinder.builder().build();
                    finder = f;
                }
            }
        }
        return f;
    }

    /** The crop region: the policy's region around a face, or the whole image. */
    /**
     * The original-to-input transform of one face, exactly as the prediction prepares it: {@code
     * face} is a given box, or {@code null} when the pipeline uses the whole image.
     */
    Affine toInput(Box face, Mat image) {
        return preprocessor.toInput(region(face, face != null, image));
    }

    private Box region(Box face, boolean given, Mat image) {
        double aspect = (double) spec.inputWidth() / spec.inputHeight();
        CropPolicy crop = preprocessor.crop();
        if (crop.kind() == CropPolicy.Kind.WHOLE_IMAGE) {
            // A whole-image model given a box treats the box as its image.
            return given
                    ? new Box(face.x() - 0.5, face.y() - 0.5, face.width(), face.height())
                    : crop.region(face, image.cols(), image.rows(), aspect);
        }
        if (!given && wholeImage) {
            Box whole = new Box(-0.5, -0.5, image.cols(), image.rows());
            return crop.keepAspect() ? whole.expandToAspect(aspect) : whole;
        }
        return crop.region(face, image.cols(), image.rows(), aspect);
    }

    private Mat toModelChannels(Mat image) {
        OpenCv.load();
        int c = image.channels();
        boolean gray = preprocessor.grayscale();
        if ((gray && c == 1) || (!gray && c == 3)) {
            return image;
        }
        int code;
        if (gray) {
            code = c == 4 ? Imgproc.COLOR_BGRA2GRAY : Imgproc.COLOR_BGR2GRAY;
        } else {
            code = c == 4 ? Imgproc.COLOR_BGRA2BGR : Imgproc.COLOR_GRAY2BGR;
        }
        Mat out = new Mat();
        Imgproc.cvtColor(image, out, code);
        return out;
    }

    private static Keypoints average(Keypoints a, Keypoints b) {
        float[] xa = a.toArray();
        float[] xb = b.toArray();
        float[] m = new float[xa.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (xa[i] + xb[i]) / 2;
        }
        return Keypoints.of(a.scheme(), m);
    }

    private static boolean trainedOnWholeImages(ModelSpec spec) {
        return spec.crop().kind() == CropPolicy.Kind.WHOLE_IMAGE;
    }

    @Override
    public String toString() {
        return "LandmarkPipeline["
                + spec.architecture()
                + ", finder "
                + (givenFinder != null ? givenFinder : "default cascade")
                + (wholeImage ? ", whole image" : "")
                + (flipAverage
                        ? ", flip averaging"
                                + (spec.flipOffsetX() != 0
                                        ? " (offset " + spec.flipOffsetX() + " input px)"
                                        : "")
                        : "")
                + ", refinement "
                + refinement
                + "]";
    }
}
