package io.github.keypoints.models;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The registry of architecture names: {@code nose-tip} ({@link NoseTipNet}), {@code imm58} ({@link
 * Imm58Net}), {@code resnet18} ({@link ResNet18}), {@code heatmap} ({@link HeatmapNet}) and {@code
 * landmark-cnn} ({@link LandmarkCnn}), and every {@link KeypointBlockFactory} on the class path.
 *
 * <pre>{@code
 * KeypointBlock net = ModelZoo.create("imm58", 116);
 * KeypointBlock same = ModelZoo.create(net.architecture(), net.config());
 * }</pre>
 */
public final class ModelZoo {

    private static final List<String> NAMES =
            List.of(
                    NoseTipNet.NAME,
                    Imm58Net.NAME,
                    ResNet18.NAME,
                    HeatmapNet.NAME,
                    LandmarkCnn.NAME);

    private ModelZoo() {}

    /**
     * Returns the known architecture names.
     *
     * @return the names, in a stable order
     */
    public static List<String> architectures() {
        Set<String> out = new LinkedHashSet<>(NAMES);
        for (KeypointBlockFactory f : ServiceLoader.load(KeypointBlockFactory.class)) {
            out.add(f.architecture());
        }
        return List.copyOf(out);
    }

    /**
     * Builds a network with its default parameters and the given number of outputs.
     *
     * @param architecture a name from {@link #architectures()}
     * @param outputs {@code 2N} for N keypoints
     * @return a new, uninitialised network with the PyTorch-default initialiser
     * @throws IllegalArgumentException naming the known architectures if the name is unknown
     */
    public static KeypointBlock create(String architecture, int outputs) {
        return create(architecture, Map.of("outputs", outputs));
    }

    /**
     * Builds a network from builder parameters, as {@link KeypointBlock#config()} returns them or
     * as read back from JSON (integral numbers may be longs or doubles).
     *
     * @param architecture a name from {@link #architectures()}
     * @param config the builder parameters; {@code outputs} is required
     * @return a new, uninitialised network with the PyTorch-default initialiser
     * @throws IllegalArgumentException if the name is unknown or a parameter is missing or invalid
     */
    public static KeypointBlock create(String architecture, Map<String, ?> config) {
        switch (architecture) {
            case NoseTipNet.NAME:
                return NoseTipNet.fromConfig(config);
            case Imm58Net.NAME:
                return Imm58Net.fromConfig(config);
            case ResNet18.NAME:
                return ResNet18.fromConfig(config);
            case HeatmapNet.NAME:
                return HeatmapNet.fromConfig(config);
            case LandmarkCnn.NAME:
                return LandmarkCnn.fromConfig(config);
            default:
                for (KeypointBlockFactory f : ServiceLoader.load(KeypointBlockFactory.class)) {
                    if (f.architecture().equals(architecture)) {
                        return f.create(config);
                    }
                }
                throw new IllegalArgumentException(
                        "Unknown architecture '"
                                + architecture
                                + "'; known: "
                                + architectures()
                                + " (add your own with a "
                                + KeypointBlockFactory.class.getName()
                                + " service)");
        }
    }
}
