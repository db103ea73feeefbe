package io.github.keypoints.data.augment;

import java.util.random.RandomGenerator;
import org.opencv.core.Core;
import org.opencv.core.Scalar;

/** Random brightness and contrast: a per-pixel affine intensity map that moves no point. */
final class ColorJitter implements Augmentation {

    private final double brightness;
    private final double contrast;

    ColorJitter(double brightness, double contrast) {
        if (!(brightness >= 0 && brightness <= 1 && contrast >= 0 && contrast <= 1)) {
            throw new IllegalArgumentException(
                    "brightness and contrast must be in 0..1, were "
                            + brightness
                            + " and "
                            + contrast);
        }
        this.brightness = brightness;
        this.contrast = contrast;
    }

    @Override
    public void plan(AugmentationPlan plan, RandomGenerator random) {
        double c = contrast == 0 ? 1 : random.nextDouble(1 - contrast, 1 + contrast);
        double offset = brightness == 0 ? 0 : random.nextDouble(-brightness, brightness) * 255;
        plan.addPhotometric(
                image -> {
                    Scalar means = Core.mean(image);
                    double mean = 0;
                    for (int ch = 0; ch < image.channels(); ch++) {
                        mean += means.val[ch];
                    }
                    mean /= image.channels();
                    // (p - mean)·c + mean + offset, saturated to 8 bits by convertTo.
                    image.convertTo(image, -1, c, mean * (1 - c) + offset);
                });
    }

    @Override
    public String toString() {
        return "colorJitter(brightness ±" + brightness + ", contrast ±" + contrast + ")";
    }
}
