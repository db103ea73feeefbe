package io.github.keypoints.train;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.LandmarkCnn;
import io.github.keypoints.models.ModelSpec;

/** Test-only tiny networks. */
final class TinyNets {

    private TinyNets() {}

    /** Conv(1→4, 3×3) + ReLU + max-pool 2 + Linear(outputs): a plain DJL block. */
    static Block convNet(int outputs) {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build())
                .add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(outputs).build());
    }

    /**
     * The smallest {@link LandmarkCnn} for {@link SyntheticLandmarks}' two points: one stage of
     * Conv(1→4, 3×3, no bias) + BatchNorm + ReLU + max-pool 2, then Linear(4 × 6 × 6 → 4) on a 12 ×
     * 12 input: 36 + 8 + 580 = 624 trainable values.
     */
    static LandmarkCnn keypointNet() {
        return LandmarkCnn.builder().setOutputs(4).optChannels(4).optHidden(0).build();
    }

    /** The trainable values of {@link #keypointNet()}, counted by hand. */
    static final long KEYPOINT_NET_PARAMETERS = 3 * 3 * 4 + 2 * 4 + 4 * 6 * 6 * 4 + 4;

    /** The spec of a network trained on {@link SyntheticLandmarks} of side 12. */
    static ModelSpec spec(KeypointBlock block) {
        return ModelSpec.builder()
                .setBlock(block)
                .setScheme(SyntheticLandmarks.SCHEME)
                .setInputSize(12, 12)
                .build();
    }
}
