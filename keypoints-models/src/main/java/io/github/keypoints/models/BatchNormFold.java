package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A bias-free convolution followed by batch norm, run in inference as one convolution whose weights
 * and bias absorb the batch norm: per filter {@code W' = W·γ/√(var + ε)} and {@code b' = β −
 * mean·γ/√(var + ε)}, with the running mean and variance. The folded arrays are computed once and
 * reused while the parameters are frozen ({@link Parameter#requiresGradient()} false, as the
 * library's inference paths leave them) and are the same arrays; a training pass, unfrozen
 * parameters or new arrays (loading, {@link Parameter#setArray}) make it compute them again.
 * Changing a frozen parameter's values in place is not seen: set a new array instead.
 *
 * <p>Both blocks stay children of their network, so parameter names and saved models do not change;
 * training and unfrozen inference run the two blocks as before.
 */
final class BatchNormFold {

    /** DJL's batch norm epsilon unless a builder sets another ({@code BatchNorm.builder()}). */
    static final float DEFAULT_EPSILON = 1e-5f;

    private final Conv2d conv;
    private final BatchNorm norm;
    private final float epsilon;
    private final Parameter weight;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter mean;
    private final Parameter variance;
    private volatile Folded folded;

    /**
     * The folded arrays and the parameter arrays they were computed from.
     *
     * @param weight the folded weight
     * @param bias the folded bias
     * @param from the convolution weight, gamma, beta, running mean and variance used
     */
    private record Folded(NDArray weight, NDArray bias, NDArray[] from) {

        boolean isFrom(NDArray[] arrays) {
            for (int i = 0; i < from.length; i++) {
                if (from[i] != arrays[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Pairs a convolution with the batch norm that follows it.
     *
     * @param conv a convolution without bias
     * @param norm the batch norm on its output, with gamma and beta
     * @param epsilon the batch norm's epsilon
     */
    BatchNormFold(Conv2d conv, BatchNorm norm, float epsilon) {
        if (conv.isIncludeBias()) {
            throw new IllegalArgumentException("BatchNormFold takes a convolution without bias");
        }
        this.conv = conv;
        this.norm = norm;
        this.epsilon = epsilon;
        this.weight = conv.getParameters().get("weight");
        this.gamma = norm.getParameters().get("gamma");
        this.beta = norm.getParameters().get("beta");
        this.mean = norm.getParameters().get("runningMean");
        this.variance = norm.getParameters().get("runningVar");
        if (gamma == null || beta == null) {
            throw new IllegalArgumentException("BatchNormFold needs batch norm's gamma and beta");
        }
    }

    /**
     * Pairs a convolution with the batch norm that follows it, built with DJL's default epsilon.
     *
     * @param conv a convolution without bias
     * @param norm the batch norm on its output, with gamma and beta, epsilon {@value
     *     #DEFAULT_EPSILON}
     */
    BatchNormFold(Conv2d conv, BatchNorm norm) {
        this(conv, norm, DEFAULT_EPSILON);
    }

    /**
     * The pairs in a chain of blocks: every bias-free convolution directly followed by a batch norm
     * with gamma and beta, all built with {@code epsilon}. Entry {@code i} is the pair that starts
     * at {@code blocks.get(i)}, or {@code null}.
     *
     * @param blocks the blocks in the order they run
     * @param epsilon the batch norms' epsilon
     * @return one entry per block, unmodifiable
     */
    static List<BatchNormFold> chain(List<Block> blocks, float epsilon) {
        List<BatchNormFold> pairs = new ArrayList<>(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            BatchNormFold pair = null;
            if (i + 1 < blocks.size()
                    && blocks.get(i) instanceof Conv2d conv
                    && !conv.isIncludeBias()
                    && blocks.get(i + 1) instanceof BatchNorm norm
                    && norm.getParameters().get("gamma") != null
                    && norm.getParameters().get("beta") != null) {
                pair = new BatchNormFold(conv, norm, epsilon);
            }
            pairs.add(pair);
        }
        return Collections.unmodifiableList(pairs);
    }

    /**
     * The convolution and batch norm of {@code x}: folded when not training and frozen, else the
     * two blocks.
     *
     * @param ps the parameter store
     * @param x the input
     * @param training whether this is a training pass
     * @param params the blocks' extra parameters
     * @return the batch norm's output
     */
    NDArray forward(
            ParameterStore ps, NDArray x, boolean training, PairList<String, Object> params) {
        if (training
                || weight.requiresGradient()
                || gamma.requiresGradient()
                || beta.requiresGradient()) {
            if (folded != null) {
                drop();
            }
            NDArray y = conv.forward(ps, new NDList(x), training, params).head();
            return norm.forward(ps, new NDList(y), training, params).head();
        }
        NDArray[] f = foldedArrays(ps, x.getDevice());
        return Conv2d.conv2d(
                        x,
                        f[0],
                        f[1],
                        conv.getStride(),
                        conv.getPadding(),
                        conv.getDilation(),
                        conv.getGroups())
                .head();
    }

    /**
     * The folded weight and bias for the current parameter arrays, computed if they are not held;
     * only for frozen parameters (see the class comment). The arrays stay owned by this fold.
     *
     * @param ps the parameter store
     * @param device the device of the input
     * @return the folded weight and bias
     */
    NDArray[] foldedArrays(ParameterStore ps, Device device) {
        NDArray[] from = {
            ps.getValue(weight, device, false),
            ps.getValue(gamma, device, false),
            ps.getValue(beta, device, false),
            ps.getValue(mean, device, false),
            ps.getValue(variance, device, false)
        };
        Folded f = folded;
        if (f == null || !f.isFrom(from)) {
            f = fold(from);
        }
        return new NDArray[] {f.weight(), f.bias()};
    }

    /** The convolution whose weight is folded. */
    Conv2d convolution() {
        return conv;
    }

    /** Whether folded arrays are held (for tests). */
    boolean isFolded() {
        return folded != null;
    }

    /** The convolution's weight (for tests). */
    Parameter convolutionWeight() {
        return weight;
    }

    /** The folded weight, or {@code null} when none is held (for tests). */
    NDArray foldedWeight() {
        Folded f = folded;
        return f == null ? null : f.weight();
    }

    private synchronized Folded fold(NDArray[] from) {
        Folded f = folded;
        if (f != null && f.isFrom(from)) {
            return f;
        }
        NDArray w = from[0];
        long filters = w.getShape().get(0);
        NDArray foldedWeight;
        NDArray foldedBias;
        try (NDArray shifted = from[4].add(epsilon);
                NDArray deviation = shifted.sqrt();
                NDArray scale = from[1].div(deviation);
                NDArray perFilter = scale.reshape(filters, 1, 1, 1);
                NDArray shift = from[3].mul(scale)) {
            foldedWeight = w.mul(perFilter);
            foldedBias = from[2].sub(shift);
        }
        drop();
        f = new Folded(foldedWeight, foldedBias, from);
        folded = f;
        return f;
    }

    /**
     * Frees the folded arrays, if any (they belong to the parameters' manager until then): for a
     * network whose training passes do not run through {@link #forward}, before such a pass.
     */
    synchronized void drop() {
        Folded f = folded;
        if (f != null) {
            folded = null;
            f.weight().close();
            f.bias().close();
        }
    }
}
