package io.github.keypoints.data.load;

import io.github.keypoints.data.FaceSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A photo-wise hold-out split of faces: the faces of one photo (300-W names them {@code
 * <photo>_<face>}, and AFW repeats a photo once per face) all land on the same side, so the
 * held-out part measures new photos, not new crops of photos the network has seen.
 *
 * <p>Photos are ordered by name and every {@code n}-th one, starting at the {@code offset}-th, is
 * held out: deterministic, independent of file-system order, and spread over every subset.
 *
 * @param train the training faces
 * @param heldOut the held-out faces
 */
public record PhotoSplit(List<FaceSample> train, List<FaceSample> heldOut) {

    /**
     * Copies the lists.
     *
     * @param train the training faces
     * @param heldOut the held-out faces
     */
    public PhotoSplit {
        train = List.copyOf(train);
        heldOut = List.copyOf(heldOut);
    }

    /**
     * Returns the photo a face comes from: its id up to the last {@code _} when a number follows it
     * ({@code 1051618982_1} → {@code 1051618982}), else the whole id.
     *
     * @param faceId the face id (file name without extension)
     * @return the photo name
     */
    public static String photoOf(String faceId) {
        int cut = faceId.lastIndexOf('_');
        if (cut > 0 && cut < faceId.length() - 1) {
            String tail = faceId.substring(cut + 1);
            if (tail.chars().allMatch(Character::isDigit)) {
                return faceId.substring(0, cut);
            }
        }
        return faceId;
    }

    /**
     * Holds out every {@code n}-th photo (by name order), with all of its faces.
     *
     * @param faces the faces, in any order; each part keeps their order
     * @param n hold out one photo in {@code n}, at least 2
     * @param offset which photo of each {@code n} to hold out, {@code 0..n-1}
     * @return the split
     * @throws IllegalArgumentException if {@code n} or {@code offset} is out of range
     */
    public static PhotoSplit everyNthPhoto(List<FaceSample> faces, int n, int offset) {
        if (n < 2) {
            throw new IllegalArgumentException("n must be at least 2, got " + n);
        }
        if (offset < 0 || offset >= n) {
            throw new IllegalArgumentException(
                    "offset must be in 0.." + (n - 1) + ", got " + offset);
        }
        Map<String, Integer> rank = new TreeMap<>();
        for (FaceSample f : faces) {
            rank.put(photoOf(f.id()), 0);
        }
        int r = 0;
        for (Map.Entry<String, Integer> e : rank.entrySet()) {
            e.setValue(r++);
        }
        List<FaceSample> train = new ArrayList<>();
        List<FaceSample> held = new ArrayList<>();
        for (FaceSample f : faces) {
            (rank.get(photoOf(f.id())) % n == offset ? held : train).add(f);
        }
        return new PhotoSplit(train, held);
    }
}
