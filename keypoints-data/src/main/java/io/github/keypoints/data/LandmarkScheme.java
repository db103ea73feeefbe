package io.github.keypoints.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * A landmark markup: how many points, their names and groups, which point each one becomes under a
 * horizontal mirror, and the two points whose distance normalises the NME metric.
 *
 * <p>Three schemes are built in: {@link #IMM_58}, {@link #IBUG_68} and {@link #NOSE_TIP} (IMM point
 * 52 alone). A scheme may be a subset of a parent scheme ({@link #parent()}, {@link
 * #parentIndices()}), so IMM annotations can be reduced to the nose tip with {@link
 * Keypoints#toScheme(LandmarkScheme)}.
 */
public final class LandmarkScheme {

    /**
     * The IMM Face Database markup: 58 points in 7 paths (jaw 0–12, the eye on the image's right
     * 13–20, the eye on the image's left 21–28, brows 29–33 and 34–38, mouth 39–46, nose 47–57).
     * NME is normalised by the outer eye corners 21 and 13, the IMM points that sit where iBUG's 36
     * and 45 do.
     */
    public static final LandmarkScheme IMM_58 = imm58();

    /**
     * The iBUG / Multi-PIE 68-point markup of 300-W (jaw 0–16, brows 17–26, nose 27–35, eyes 36–47,
     * mouth 48–67), with the standard mirror map; NME is normalised by the outer eye corners 36 and
     * 45.
     */
    public static final LandmarkScheme IBUG_68 = ibug68();

    /**
     * The nose tip alone: IMM point 52, as the reference project's Part 1 used. Its NME normaliser
     * is the parent's outer-eye distance, so NME is not defined for it from the one point; {@link
     * #normalizerIndices()} is empty.
     */
    public static final LandmarkScheme NOSE_TIP =
            new LandmarkScheme(
                    "nose-tip",
                    List.of("nose_tip"),
                    Map.of("nose", new int[] {0}),
                    new int[] {0},
                    new int[0],
                    "imm-58",
                    new int[] {52});

    private static final List<LandmarkScheme> BUILT_IN = List.of(IMM_58, IBUG_68, NOSE_TIP);

    private final String name;
    private final List<String> pointNames;
    private final Map<String, int[]> groups;
    private final int[] flipPermutation;
    private final int[] normalizer;
    private final String parentName;
    private final int[] parentIndices;

    private LandmarkScheme(
            String name,
            List<String> pointNames,
            Map<String, int[]> groups,
            int[] flipPermutation,
            int[] normalizer,
            String parentName,
            int[] parentIndices) {
        this.name = Objects.requireNonNull(name, "name");
        this.pointNames = List.copyOf(pointNames);
        int n = pointNames.size();
        Map<String, int[]> g = new LinkedHashMap<>();
        groups.forEach((k, v) -> g.put(k, v.clone()));
        this.groups = Collections.unmodifiableMap(g);
        if (flipPermutation.length != n) {
            throw new IllegalArgumentException(
                    "flip permutation has " + flipPermutation.length + " entries, expected " + n);
        }
        boolean[] seen = new boolean[n];
        for (int i = 0; i < n; i++) {
            int j = flipPermutation[i];
            if (j < 0 || j >= n || seen[j] || flipPermutation[j] != i) {
                throw new IllegalArgumentException(
                        "flip permutation must be an involution on 0.."
                                + (n - 1)
                                + ", bad at "
                                + i);
            }
            seen[j] = true;
        }
        this.flipPermutation = flipPermutation.clone();
        if (normalizer.length != 0 && normalizer.length != 2) {
            throw new IllegalArgumentException("normaliser needs 0 or 2 indices");
        }
        this.normalizer = normalizer.clone();
        this.parentName = parentName;
        this.parentIndices = parentIndices == null ? null : parentIndices.clone();
    }

    /**
     * Returns a builder for a custom scheme.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Looks a scheme up by name: a built-in one ({@code imm-58}, {@code ibug-68}, {@code nose-tip})
     * or one a {@link LandmarkSchemeProvider} on the class path defines.
     *
     * @param name the scheme name
     * @return the scheme
     * @throws IllegalArgumentException naming the known schemes if there is none of that name
     */
    public static LandmarkScheme named(String name) {
        for (LandmarkScheme s : BUILT_IN) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        for (LandmarkSchemeProvider p : ServiceLoader.load(LandmarkSchemeProvider.class)) {
            for (LandmarkScheme s : p.schemes()) {
                if (s.name.equals(name)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException(
                "Unknown landmark scheme '"
                        + name
                        + "'; known: "
                        + String.join(", ", names())
                        + " (add your own with a "
                        + LandmarkSchemeProvider.class.getName()
                        + " service)");
    }

    /**
     * Returns the names {@link #named(String)} knows: the built-in schemes, then those of every
     * {@link LandmarkSchemeProvider} on the class path.
     *
     * @return the names, without duplicates
     */
    public static List<String> names() {
        Set<String> out = new LinkedHashSet<>();
        for (LandmarkScheme s : BUILT_IN) {
            out.add(s.name);
        }
        for (LandmarkSchemeProvider p : ServiceLoader.load(LandmarkSchemeProvider.class)) {
            for (LandmarkScheme s : p.schemes()) {
                out.add(s.name);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Returns the scheme name, such as {@code imm-58}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the number of points.
     *
     * @return the point count
     */
    public int size() {
        return pointNames.size();
    }

    /**
     * Returns the point names, by index.
     *
     * @return an unmodifiable list
     */
    public List<String> pointNames() {
        return pointNames;
    }

    /**
     * Returns the point groups (jaw, eyes, brows, mouth, nose), each a list of indices.
     *
     * @return an unmodifiable map in markup order; the arrays are copies
     */
    public Map<String, int[]> groups() {
        Map<String, int[]> copy = new LinkedHashMap<>();
        groups.forEach((k, v) -> copy.put(k, v.clone()));
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Returns the group name of a point.
     *
     * @param index the point index
     * @return its group
     */
    public String groupOf(int index) {
        for (Map.Entry<String, int[]> e : groups.entrySet()) {
            for (int i : e.getValue()) {
                if (i == index) {
                    return e.getKey();
                }
            }
        }
        throw new IllegalArgumentException("point " + index + " is in no group of " + name);
    }

    /**
     * Returns, for each point, the index of the point it becomes in a horizontally mirrored face
     * (the left eye's outer corner becomes the right eye's). The permutation is an involution.
     *
     * @return a copy of the permutation
     */
    public int[] flipPermutation() {
        return flipPermutation.clone();
    }

    /**
     * Returns the two point indices whose distance normalises NME (the outer eye corners), or an
     * empty array when the scheme has none.
     *
     * @return a copy of the indices
     */
    public int[] normalizerIndices() {
        return normalizer.clone();
    }

    /**
     * Returns the name of the scheme this one selects its points from, or {@code null}.
     *
     * @return the parent scheme name
     */
    public String parent() {
        return parentName;
    }

    /**
     * Returns, for each point, its index in the parent scheme, or {@code null} if there is no
     * parent.
     *
     * @return a copy of the indices
     */
    public int[] parentIndices() {
        return parentIndices == null ? null : parentIndices.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LandmarkScheme)) {
            return false;
        }
        LandmarkScheme s = (LandmarkScheme) o;
        return name.equals(s.name)
                && pointNames.equals(s.pointNames)
                && Arrays.equals(flipPermutation, s.flipPermutation)
                && Arrays.equals(normalizer, s.normalizer)
                && Objects.equals(parentName, s.parentName)
                && Arrays.equals(parentIndices, s.parentIndices);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, pointNames, Arrays.hashCode(flipPermutation));
    }

    @Override
    public String toString() {
        return name + " (" + size() + " points)";
    }

    private static LandmarkScheme imm58() {
        Map<String, int[]> groups = new LinkedHashMap<>();
        groups.put("jaw", range(0, 13));
        groups.put("eye_image_right", range(13, 21));
        groups.put("eye_image_left", range(21, 29));
        groups.put("brow_image_right", range(29, 34));
        groups.put("brow_image_left", range(34, 39));
        groups.put("mouth", range(39, 47));
        groups.put("nose", range(47, 58));
        int[] flip = new int[58];
        // Open paths that run across the face reverse; paired paths run in parallel.
        mirrorWithin(flip, 0, 12); // jaw
        pair(flip, 13, 21, 8); // eyes: both start at their outer corner
        pair(flip, 29, 34, 5); // brows: both start at their inner end
        mirrorPairs(flip, new int[][] {{39, 43}, {40, 42}, {41, 41}, {44, 46}, {45, 45}}); // mouth
        mirrorWithin(flip, 47, 57); // nose outline, traced from one eye round to the other
        return new LandmarkScheme(
                "imm-58", names("imm", 58, groups), groups, flip, new int[] {21, 13}, null, null);
    }

    private static LandmarkScheme ibug68() {
        Map<String, int[]> groups = new LinkedHashMap<>();
        groups.put("jaw", range(0, 17));
        groups.put("brow_right", range(17, 22));
        groups.put("brow_left", range(22, 27));
        groups.put("nose", range(27, 36));
        groups.put("eye_right", range(36, 42));
        groups.put("eye_left", range(42, 48));
        groups.put("mouth", range(48, 68));
        int[] flip = new int[68];
        mirrorWithin(flip, 0, 16);
        mirrorWithin(flip, 17, 26);
        mirrorPairs(flip, new int[][] {{27, 27}, {28, 28}, {29, 29}, {30, 30}});
        mirrorWithin(flip, 31, 35);
        mirrorPairs(flip, new int[][] {{36, 45}, {37, 44}, {38, 43}, {39, 42}, {40, 47}, {41, 46}});
        mirrorPairs(
                flip,
                new int[][] {
                    {48, 54}, {49, 53}, {50, 52}, {51, 51}, {55, 59}, {56, 58}, {57, 57}, {60, 64},
                    {61, 63}, {62, 62}, {65, 67}, {66, 66}
                });
        return new LandmarkScheme(
                "ibug-68", names("ibug", 68, groups), groups, flip, new int[] {36, 45}, null, null);
    }

    private static List<String> names(String prefix, int n, Map<String, int[]> groups) {
        String[] out = new String[n];
        groups.forEach(
                (g, idx) -> {
                    for (int k = 0; k < idx.length; k++) {
                        out[idx[k]] = g + "_" + k;
                    }
                });
        List<String> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(out[i] == null ? prefix + "_" + i : out[i]);
        }
        return list;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static void mirrorWithin(int[] flip, int first, int last) {
        for (int i = first; i <= last; i++) {
            flip[i] = first + last - i;
        }
    }

    private static void pair(int[] flip, int a, int b, int count) {
        for (int k = 0; k < count; k++) {
            flip[a + k] = b + k;
            flip[b + k] = a + k;
        }
    }

    private static void mirrorPairs(int[] flip, int[][] pairs) {
        for (int[] p : pairs) {
            flip[p[0]] = p[1];
            flip[p[1]] = p[0];
        }
    }

    /** Builds a custom {@link LandmarkScheme}; the flip permutation defaults to the identity. */
    public static final class Builder {
        private String name;
        private List<String> pointNames;
        private final Map<String, int[]> groups = new LinkedHashMap<>();
        private int[] flip;
        private int[] normalizer = new int[0];

        private Builder() {}

        /**
         * Sets the scheme name (required).
         *
         * @param name the name
         * @return this builder
         */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets the point names, which also fix the point count (required).
         *
         * @param pointNames one name per point
         * @return this builder
         */
        public Builder setPointNames(List<String> pointNames) {
            this.pointNames = List.copyOf(pointNames);
            return this;
        }

        /**
         * Adds a named group of points.
         *
         * @param group the group name
         * @param indices its point indices
         * @return this builder
         */
        public Builder addGroup(String group, int... indices) {
            groups.put(group, indices.clone());
            return this;
        }

        /**
         * Sets the horizontal-flip permutation; it must be an involution.
         *
         * @param permutation the point each point becomes when mirrored
         * @return this builder
         */
        public Builder optFlipPermutation(int... permutation) {
            this.flip = permutation.clone();
            return this;
        }

        /**
         * Sets the two points whose distance normalises NME.
         *
         * @param first one outer eye corner
         * @param second the other outer eye corner
         * @return this builder
         */
        public Builder optNormalizer(int first, int second) {
            this.normalizer = new int[] {first, second};
            return this;
        }

        /**
         * Builds the scheme.
         *
         * @return the scheme
         * @throws IllegalArgumentException if the name or point names are missing or the
         *     permutation is not an involution
         */
        public LandmarkScheme build() {
            if (name == null) {
                throw new IllegalArgumentException("Missing name: call setName()");
            }
            if (pointNames == null || pointNames.isEmpty()) {
                throw new IllegalArgumentException("Missing point names: call setPointNames()");
            }
            int[] f = flip == null ? range(0, pointNames.size()) : flip;
            Map<String, int[]> g =
                    groups.isEmpty() ? Map.of("all", range(0, pointNames.size())) : groups;
            return new LandmarkScheme(name, pointNames, g, f, normalizer, null, null);
        }
    }
}
