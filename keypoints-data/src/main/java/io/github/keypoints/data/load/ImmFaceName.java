package io.github.keypoints.data.load;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of an IMM file name {@code NN-Kg}: person {@code NN} (1–40), image type {@code K} (1–6:
 * frontal neutral, happy, turned right, turned left, spot light, free expression) and gender {@code
 * g} ({@code m} or {@code f}).
 *
 * @param person the person number
 * @param imageType the image type
 * @param gender {@code 'm'} or {@code 'f'}
 */
public record ImmFaceName(int person, int imageType, char gender) {

    private static final Pattern NAME = Pattern.compile("(\\d{1,2})-(\\d)([mfMF])");

    /**
     * Parses a name such as {@code 01-1m}, {@code 01-1m.asf} or a path ending in one.
     *
     * @param name the name
     * @return its parts
     * @throws IllegalArgumentException naming the value if it is not {@code NN-Kg}
     */
    public static ImmFaceName parse(String name) {
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1);
        int dot = base.indexOf('.');
        if (dot >= 0) {
            base = base.substring(0, dot);
        }
        Matcher m = NAME.matcher(base);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "Expected an IMM name NN-Kg (such as 01-1m), found '" + name + "'");
        }
        return new ImmFaceName(
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Character.toLowerCase(m.group(3).charAt(0)));
    }
}
