package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The zoo networks' ReLU, flattening and pooling blocks answer their output shapes without an
 * engine ({@link ShapedLambda}), the same shapes DJL's own blocks find by running their lambda.
 */
class ShapedLambdaTest {

    private static final String DEFAULT_ENGINE = "ai.djl.default_engine";

    /**
     * Initialising and running a zoo network on one engine must not touch DJL's default engine:
     * with both engines on the class path that is MXNet, and starting it in a PyTorch process gave
     * libgomp a second thread pool, which made every later PyTorch operation wake its OpenMP worker
     * with a system call. Here the default engine is one that does not exist, so any use of it
     * fails; DJL's {@code LambdaBlock} (the zoo's blocks before) used it in {@code initialize}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void zooNetworksInitialiseAndRunWithoutTheDefaultEngine(String engine) {
        Assumptions.assumeTrue(Engine.hasEngine(engine), engine + " is not on the class path");
        String before = System.getProperty(DEFAULT_ENGINE);
        System.setProperty(DEFAULT_ENGINE, "NoSuchEngine");
        try {
            assertThatThrownBy(Engine::getInstance).isInstanceOf(IllegalArgumentException.class);
            ZooNetworkCases.all()
                    .forEach(
                            a -> {
                                Object[] c = a.get();
                                String name = (String) c[0];
                                KeypointBlock block = ModelZoo.create(name, (Integer) c[1]);
                                try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
                                    Shape in = new Shape(1, 1, (Integer) c[2], (Integer) c[3]);
                                    block.initialize(m, DataType.FLOAT32, in);
                                    NDArray y =
                                            block.forward(
                                                            new ParameterStore(m, false),
                                                            new NDList(m.ones(in)),
                                                            false)
                                                    .head();
                                    assertThat(y.getShape())
                                            .as(name + " on " + engine)
                                            .isEqualTo(new Shape(1, (Integer) c[1]));
                                }
                            });
        } finally {
            if (before == null) {
                System.clearProperty(DEFAULT_ENGINE);
            } else {
                System.setProperty(DEFAULT_ENGINE, before);
            }
        }
    }

    static List<Shape> shapes() {
        return List.of(
                new Shape(1, 1, 60, 80),
                new Shape(2, 3, 7, 5),
                new Shape(4, 32, 3, 2),
                new Shape(3, 16, 2, 3));
    }

    /** The shapes and data types DJL's blocks give by running their lambda, computed here. */
    @ParameterizedTest
    @MethodSource("shapes")
    void shapesAreThoseOfDjlsBlocks(Shape in) {
        Block[][] pairs = {
            {ShapedLambda.relu(), Activation.reluBlock()},
            {ShapedLambda.batchFlatten(), Blocks.batchFlattenBlock()},
            {
                MaxPooling.twoByTwoBlock(),
                Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2), new Shape(0, 0))
            }
        };
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (Block[] pair : pairs) {
                pair[0].initialize(m, DataType.FLOAT32, in);
                pair[1].initialize(m, DataType.FLOAT32, in);
                Shape[] ours = pair[0].getOutputShapes(new Shape[] {in});
                Shape[] djls = pair[1].getOutputShapes(new Shape[] {in});
                assertThat(ours).as(pair[0].toString() + " of " + in).isEqualTo(djls);
                assertThat(pair[0].getOutputDataTypes()).isEqualTo(pair[1].getOutputDataTypes());
                NDArray y =
                        pair[0].forward(new ParameterStore(m, false), new NDList(m.ones(in)), false)
                                .head();
                assertThat(y.getShape()).isEqualTo(ours[0]);
            }
        }
    }
}
