package io.github.keypoints.data.preprocess;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;

/**
 * Which region of the original image becomes the network input.
 *
 * <p>Regions are boxes in the continuous pixel-centre coordinates of the original image: the whole
 * image of {@code W×H} pixels is the box from (−0.5, −0.5) to (W − 0.5, H − 0.5), because pixel
 * {@code i} covers {@code [i − 0.5, i + 0.5]}.
 *
 * <ul>
 *   <li>{@link #wholeImage()}: the whole photo, stretched to the input size (the reference did this
 *       for IMM, whose photos have the input's 4:3 aspect).
 *   <li>{@link #faceBox(double)}: the annotated face box ({@link FaceSample#box()}) or, when the
 *       annotation has none, the tight box of the ground-truth points, grown about its centre by a
 *       margin factor (the choice for 300-W and in-the-wild photos).
 *   <li>{@link #pointsBox(double)}: always the tight box of the points, grown by a factor.
 * </ul>
 *
 * <p>{@link #keepingAspect()} widens or heightens the region (never shrinks it) to the input's
 * aspect ratio so the face is not distorted; parts outside the photo are filled by the border mode.
 *
 * @param kind where the region comes from
 * @param factor the growth factor about the box centre (1 keeps the box)
 * @param keepAspect whether to expand the region to the input aspect ratio
 */
public record CropPolicy(Kind kind, double factor, boolean keepAspect) {

    /** Where a crop region comes from. */
    public enum Kind {
        /** The whole image. */
        WHOLE_IMAGE,
        /** The annotated face box, else the tight box of the points. */
        FACE_BOX,
        /** The tight box of the ground-truth points. */
        POINTS_BOX
    }

    /**
     * Validates the factor.
     *
     * @param kind where the region comes from
     * @param factor the growth factor about the box centre (1 keeps the box)
     * @param keepAspect whether to expand the region to the input aspect ratio
     */
    public CropPolicy {
        java.util.Objects.requireNonNull(kind, "kind");
        if (!(factor > 0) || !Double.isFinite(factor)) {
            throw new IllegalArgumentException(
                    "crop factor must be positive and finite, was " + factor);
        }
    }

    /**
     * Returns the policy that keeps the whole image.
     *
     * @return the whole-image policy
     */
    public static CropPolicy wholeImage() {
        return new CropPolicy(Kind.WHOLE_IMAGE, 1, false);
    }

    /**
     * Returns the policy that crops to the annotated face box, or to the tight box of the points
     * when there is none, grown by {@code margin} about its centre.
     *
     * @param margin the growth factor (1.0 keeps the box, 1.2 adds 10% on each side)
     * @return the face-box policy
     */
    public static CropPolicy faceBox(double margin) {
        return new CropPolicy(Kind.FACE_BOX, margin, false);
    }

    /**
     * Returns the policy that crops to the tight box of the ground-truth points grown by {@code
     * factor}, ignoring any annotated box.
     *
     * @param factor the growth factor
     * @return the points-box policy
     */
    public static CropPolicy pointsBox(double factor) {
        return new CropPolicy(Kind.POINTS_BOX, factor, false);
    }

    /**
     * Returns this policy with the region expanded to the input aspect ratio.
     *
     * @return the aspect-keeping policy
     */
    public CropPolicy keepingAspect() {
        return new CropPolicy(kind, factor, true);
    }

    /**
     * Returns the region of an original image that this policy crops for a sample.
     *
     * @param sample the annotated face
     * @param imageWidth the original image width in pixels
     * @param imageHeight the original image height in pixels
     * @param aspect the input aspect ratio (width / height), used when {@link #keepAspect()}
     * @return the region in original pixel-centre coordinates
     * @throws IllegalArgumentException naming the sample if the region has no area
     */
    public Box region(FaceSample sample, int imageWidth, int imageHeight, double aspect) {
        Box face =
                switch (kind) {
                    case WHOLE_IMAGE -> null;
                    case FACE_BOX -> sample.box().orElseGet(() -> sample.keypoints().boundingBox());
                    case POINTS_BOX -> sample.keypoints().boundingBox();
                };
        try {
            return region(face, imageWidth, imageHeight, aspect);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Sample " + sample.id() + " (" + sample.image() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Returns the region this policy crops around a face box found at prediction time (by a face
     * detector or given by the user): the whole image for {@link Kind#WHOLE_IMAGE}, otherwise the
     * box grown by {@link #factor()} about its centre, exactly as {@link #region(FaceSample, int,
     * int, double)} grows the training boxes.
     *
     * @param face the face box in original pixels; ignored for {@link Kind#WHOLE_IMAGE}, else
     *     required
     * @param imageWidth the original image width in pixels
     * @param imageHeight the original image height in pixels
     * @param aspect the input aspect ratio (width / height), used when {@link #keepAspect()}
     * @return the region in original pixel-centre coordinates
     * @throws IllegalArgumentException if the face box is missing or the region has no area
     */
    public Box region(Box face, int imageWidth, int imageHeight, double aspect) {
        Box box;
        if (kind == Kind.WHOLE_IMAGE) {
            box = new Box(-0.5, -0.5, imageWidth, imageHeight);
        } else {
            if (face == null) {
                throw new IllegalArgumentException(
                        "crop policy " + describe() + " needs a face box, none was given");
            }
            box = face.scaleAboutCenter(factor);
        }
        if (!(box.width() > 0 && box.height() > 0)) {
            throw new IllegalArgumentException(
                    "crop region "
                            + box.toCsv()
                            + " has no area; expected a face box with positive width and height");
        }
        return keepAspect ? box.expandToAspect(aspect) : box;
    }

    /**
     * Returns a short text that identifies this policy, for cache keys.
     *
     * @return the description
     */
    public String describe() {
        return kind + ":" + factor + (keepAspect ? ":aspect" : "");
    }
}
