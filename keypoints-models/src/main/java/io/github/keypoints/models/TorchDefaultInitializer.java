package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.convolutional.Deconvolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * PyTorch's default initialisation of convolution and linear layers: weights and biases drawn from
 * {@code U(-1/sqrt(fan_in), +1/sqrt(fan_in))}, which is what {@code
 * torch.nn.init.kaiming_uniform_(w, a=sqrt(5))} and the bias rule in {@code
 * torch.nn.Conv2d/Linear.reset_parameters} amount to. BatchNorm starts at gamma 1, beta 0.
 *
 * <p>DJL's own default (Xavier, Gaussian, magnitude 2, bias 0) has a spread about 2.5 times larger;
 * the reference networks were tuned with PyTorch's, so every builder in this package installs this
 * initialiser unless told otherwise. The values come from a {@link SplittableRandom} seeded here,
 * not from the engine's generator, so a given seed gives the same initial weights on PyTorch and
 * MXNet.
 *
 * <p>{@code fan_in} is {@code shape.size() / shape.get(0)}: input features for a linear weight
 * {@code [out, in]}, {@code in/groups × kh × kw} for a convolution weight. A transposed convolution
 * takes PyTorch's {@code ConvTranspose2d} fan-in, its output channels times the kernel: DJL lays
 * its weight out {@code [filters, in, kh, kw]}, so {@link #install(Block)} bounds it by {@code
 * shape.size() / shape.get(1)} (groups of 1; PyTorch's weight is {@code [in, out, kh, kw]}, and its
 * fan-in is its second dimension times the kernel). A bias has no fan-in of its own, so {@link
 * #install(Block)} gives each bias an initialiser bound to its layer's weight.
 */
public final class TorchDefaultInitializer implements Initializer {

    /** The seed the builders use when none is given. */
    public static final long DEFAULT_SEED = 42L;

    private final SplittableRandom random;

    /**
     * Creates the initialiser.
     *
     * @param seed the seed of the random stream; the same seed and the same block give the same
     *     initial weights
     */
    public TorchDefaultInitializer(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /**
     * Returns the PyTorch-default bound {@code 1/sqrt(fan_in)} for a weight of the given shape.
     *
     * @param weightShape a weight shape with at least 2 dimensions
     * @return the bound
     * @throws IllegalArgumentException if the shape has fewer than 2 dimensions
     */
    public static double bound(Shape weightShape) {
        if (weightShape.dimension() < 2) {
            throw new IllegalArgumentException(
                    "A weight needs at least 2 dimensions to have a fan-in, got " + weightShape);
        }
        long fanIn = weightShape.size() / weightShape.get(0);
        return 1.0 / Math.sqrt(fanIn);
    }

    /**
     * Initialises a weight of at least 2 dimensions from {@code U(-b, b)} with {@code b =
     * 1/sqrt(fan_in)}.
     *
     * @param manager the manager of the new array
     * @param shape the weight shape
     * @param dataType the data type
     * @return the new array
     */
    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        return uniform(manager, shape, dataType, bound(shape));
    }

    /**
     * Sets this initialiser on every convolution and linear weight of {@code block} and its
     * children, a bias initialiser bound to the same layer's fan-in on each bias, and ones and
     * zeros on BatchNorm gamma and beta (running mean 0, running variance 1). Other weights (of
     * layers this class does not know) get this initialiser too.
     *
     * @param block the block whose parameters to set; not yet initialised
     * @return the block
     */
    public Block install(Block block) {
        boolean knownLayer =
                block instanceof Convolution
                        || block instanceof Deconvolution
                        || block instanceof Linear;
        boolean transposed = block instanceof Deconvolution;
        ToDoubleFunction<Shape> rule =
                transposed
                        ? TorchDefaultInitializer::transposedBound
                        : TorchDefaultInitializer::bound;
        Parameter weight = null;
        for (Parameter p : block.getDirectParameters().values()) {
            if (p.getType() == Parameter.Type.WEIGHT) {
                p.setInitializer(
                        transposed
                                ? (m, shape, type) ->
                                        uniform(m, shape, type, rule.applyAsDouble(shape))
                                : this);
                weight = p;
            }
        }
        for (Parameter p : block.getDirectParameters().values()) {
            if (p.getType() == Parameter.Type.BIAS && knownLayer && weight != null) {
                p.setInitializer(new BiasInitializer(weight, rule));
            } else if (p.getType() == Parameter.Type.GAMMA && block instanceof BatchNorm) {
                p.setInitializer(Initializer.ONES);
            } else if (p.getType() == Parameter.Type.BETA && block instanceof BatchNorm) {
                p.setInitializer(Initializer.ZEROS);
            } else if (p.getType() == Parameter.Type.RUNNING_MEAN) {
                p.setInitializer(Initializer.ZEROS);
            } else if (p.getType() == Parameter.Type.RUNNING_VAR) {
                p.setInitializer(Initializer.ONES);
            }
        }
        for (Block child : block.getChildren().values()) {
            install(child);
        }
        return block;
    }

    private NDArray uniform(NDManager manager, Shape shape, DataType dataType, double bound) {
        float[] values;
        try {
            values = new float[Math.toIntExact(shape.size())];
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("Parameter too large to initialise: " + shape, e);
        }
        synchronized (random) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
            }
        }
        // manager.create(float[]) may hand PyTorch a tensor over a direct ByteBuffer (zero copy);
        // the keypoints-train developers saw non-deterministic NaN weights when training such
        // parameters, so the parameter is a copy in memory the engine allocated itself.
        try (NDArray wrapped = manager.create(values, shape)) {
            return dataType == DataType.FLOAT32
                    ? wrapped.duplicate()
                    : wrapped.toType(dataType, true);
        }
    }

    /**
     * The bound of a transposed convolution's weight in DJL's layout {@code [filters, in, kh, kw]}:
     * {@code 1/sqrt(filters × kh × kw)}, PyTorch's {@code ConvTranspose2d} fan-in.
     */
    private static double transposedBound(Shape weightShape) {
        bound(weightShape); // the same refusal of shapes without a fan-in
        return 1.0 / Math.sqrt(weightShape.size() / weightShape.get(1));
    }

    /** A bias initialiser that takes its bound from its layer's weight, by the layer's rule. */
    private final class BiasInitializer implements Initializer {
        private final Parameter weight;
        private final ToDoubleFunction<Shape> rule;

        private BiasInitializer(Parameter weight, ToDoubleFunction<Shape> rule) {
            this.weight = weight;
            this.rule = rule;
        }

        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            Shape w = weight.getShape();
            if (w == null) {
                throw new IllegalStateException(
                        "Bias initialised before its weight '"
                                + weight.getName()
                                + "' has a shape");
            }
            return uniform(manager, shape, dataType, rule.applyAsDouble(w));
        }
    }
}
