package io.github.keypoints.models;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;

/**
 * Random parameter values for tests that compare two ways of running a network, so that every term
 * of a batch norm counts: gamma and the running variance positive, beta and the running mean halved
 * gaussians, other weights gaussians scaled by one over the square root of their fan-in.
 */
final class RandomParameters {
    private RandomParameters() {}

    /**
     * Loads {@code from}'s parameters into {@code to} through DJL's saved form, as loading a model
     * does (new arrays), and freezes them.
     *
     * @param from the network whose parameters are copied
     * @param to the network of the same architecture that gets them
     * @param manager the manager of the new arrays
     * @throws IOException never in practice (in-memory streams)
     * @throws MalformedModelException if the architectures differ
     */
    static void copyInto(Block from, Block to, NDManager manager)
            throws IOException, MalformedModelException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        from.saveParameters(new DataOutputStream(bytes));
        to.loadParameters(
                manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        to.freezeParameters(true);
    }

    /**
     * A zoo network initialised for {@code input} with random parameters ({@link #randomize}).
     *
     * @param manager the manager of its parameters
     * @param architecture the zoo name
     * @param outputs its outputs
     * @param input the input shape it is initialised for
     * @param random the source of the parameters
     * @return the network
     */
    static Block network(
            NDManager manager, String architecture, int outputs, Shape input, Random random) {
        Block net = ModelZoo.create(architecture, outputs);
        net.initialize(manager, DataType.FLOAT32, input);
        randomize(net, random);
        return net;
    }

    /**
     * Gives every batch norm random gamma, beta and running statistics, in place; other parameters
     * keep their values (a gaussian is still drawn for each, so the stream is the same either way).
     *
     * @param net an initialised network
     * @param random the source
     */
    static void randomizeBatchNorms(Block net, Random random) {
        set(net, random, false);
    }

    /**
     * Gives every parameter random values, in place: the batch norms' as {@link
     * #randomizeBatchNorms}, the others scaled gaussians.
     *
     * @param net an initialised network
     * @param random the source
     */
    static void randomize(Block net, Random random) {
        set(net, random, true);
    }

    /**
     * Standard normal values.
     *
     * @param random the source
     * @param count how many
     * @return the values
     */
    static float[] gaussians(Random random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static void set(Block net, Random random, boolean weightsToo) {
        for (Pair<String, Parameter> p : net.getParameters()) {
            String name = p.getKey();
            NDArray a = p.getValue().getArray();
            int n = (int) a.size();
            float[] v = gaussians(random, n);
            if (name.endsWith("gamma") || name.endsWith("runningVar")) {
                for (int i = 0; i < n; i++) {
                    v[i] = 0.25f + Math.abs(v[i]) / 2;
                }
            } else if (name.endsWith("beta") || name.endsWith("runningMean")) {
                for (int i = 0; i < n; i++) {
                    v[i] /= 2;
                }
            } else if (weightsToo) {
                long fanIn = Math.max(1, a.getShape().size() / a.getShape().get(0));
                float scale = (float) (1 / Math.sqrt(fanIn));
                for (int i = 0; i < n; i++) {
                    v[i] *= scale;
                }
            } else {
                continue;
            }
            a.set(v);
        }
    }
}
