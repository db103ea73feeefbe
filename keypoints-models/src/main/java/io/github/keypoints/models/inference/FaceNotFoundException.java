package io.github.keypoints.models.inference;

/** Thrown when a detector needs a face box, none was given, and its face finder found no face. */
public final class FaceNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was searched and how
     */
    public FaceNotFoundException(String message) {
        super(message);
    }
}
