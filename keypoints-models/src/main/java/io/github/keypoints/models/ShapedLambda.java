package io.github.keypoints.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A {@link LambdaBlock} whose output shapes are computed from its input shapes, not found by
 * running the lambda: the zoo networks' ReLUs, flattening and pooling.
 *
 * <p>DJL's {@code LambdaBlock.getOutputShapes}, which {@code initialize} calls, runs the lambda on
 * zeros from {@code NDManager.newBaseManager()}, the <em>default</em> engine's, whichever engine
 * the network is on. With both engines on the class path DJL's default is MXNet: initialising a
 * network on PyTorch started MXNet's engine and ran a oneDNN operation on it. MXNet then takes its
 * OpenMP threads from the libgomp libtorch already loaded, and once a second thread pool exists
 * libgomp counts more threads than cores and lets every waiting thread spin only 100 times before
 * it sleeps: each later PyTorch operation first woke its OpenMP worker with a system call
 * (docs/performance-inference.md, "A second OpenMP pool"). These blocks never touch an engine to
 * answer a shape.
 *
 * <p>The blocks keep DJL's names ({@code ReLU}, {@code batchFlatten}), so saved parameters read and
 * write the same bytes and code that recognises the layers by name still does.
 */
class ShapedLambda extends LambdaBlock {

    private final UnaryOperator<Shape> shape;

    /**
     * A block that applies {@code lambda} to its single input.
     *
     * @param lambda the function of the block
     * @param name the block's name
     * @param shape the output shape of an input shape
     */
    ShapedLambda(Function<NDList, NDList> lambda, String name, UnaryOperator<Shape> shape) {
        super(lambda, name);
        this.shape = shape;
    }

    /**
     * A ReLU, as {@code Activation.reluBlock()}.
     *
     * @return the block
     */
    static ShapedLambda relu() {
        return new ShapedLambda(Activation::relu, "ReLU", s -> s);
    }

    /**
     * Whether {@code block} is a ReLU block: a {@link LambdaBlock} named {@code ReLU}, as {@link
     * #relu()} and {@code Activation.reluBlock()} make.
     *
     * @param block a block
     * @return whether it applies a ReLU
     */
    static boolean isRelu(Block block) {
        return block instanceof LambdaBlock lambda && "ReLU".equals(lambda.getName());
    }

    /**
     * Flattening to {@code batch × features}, as {@code Blocks.batchFlattenBlock()}.
     *
     * @return the block
     */
    static ShapedLambda batchFlatten() {
        return new ShapedLambda(
                list -> new NDList(Blocks.batchFlatten(list.singletonOrThrow())),
                "batchFlatten",
                s -> new Shape(s.get(0), s.slice(1).size()));
    }

    /**
     * {@inheritDoc} Computed from the input shape; no engine is involved. The output's data type is
     * {@code float32}, as DJL's lambda on its zeros gave.
     */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        if (inputShapes.length != 1) {
            throw new IllegalArgumentException(
                    getName() + " takes one input, got " + inputShapes.length + " shapes");
        }
        outputDataTypes = new DataType[] {DataType.FLOAT32};
        return new Shape[] {shape.apply(inputShapes[0])};
    }
}
