package io.github.keypoints.data.augment;

/** The point a rotation or scaling turns about, in the current output coordinates. */
public enum Center {
    /** The image centre, ((W − 1) / 2, (H − 1) / 2) in the pixel-centre convention. */
    IMAGE,
    /**
     * The centre of the face box (the annotated box, else the bounding box of the points), moved by
     * the operations planned so far.
     */
    FACE_BOX,
    /** The mean of the keypoints, moved by the operations planned so far. */
    KEYPOINT_CENTROID
}
