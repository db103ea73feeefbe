package io.github.keypoints.models;

import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every network of the zoo at a small input, for the tests that run each one: name, outputs, input
 * height and width (the heatmap network's 68 outputs give a head with 34 filters; ResNet-18 and
 * landmark-cnn at 64×64 keep the tests quick).
 */
final class ZooNetworkCases {
    private ZooNetworkCases() {}

    static Stream<Arguments> all() {
        return Stream.of(
                Arguments.of("nose-tip", 2, 60, 80),
                Arguments.of("imm58", 116, 90, 120),
                Arguments.of("landmark-cnn", 136, 64, 64),
                Arguments.of("heatmap", 68, 64, 64),
                Arguments.of("resnet18", 136, 64, 64));
    }
}
