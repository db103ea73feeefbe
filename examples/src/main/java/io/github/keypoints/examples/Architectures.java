package io.github.keypoints.examples;

import ai.djl.nn.Block;
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.models.Imm58Net;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.NoseTipNet;
import io.github.keypoints.models.ResNet18;
import io.github.keypoints.models.TorchDefaultInitializer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The architectures the command line can train, with their defaults, and their rebuilding from
 * saved metadata.
 */
final class Architectures {

    private static final List<String> NAMES = List.of("nose-tip", "imm58", "resnet18");

    private Architectures() {}

    /** Completion candidates for picocli. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return new ArrayList<>(NAMES).iterator();
        }
    }

    /** What the command line assumes for an architecture. */
    record Spec(String name, int[] defaultInput, boolean noseTip) {
        LandmarkScheme scheme(LandmarkScheme data) {
            return noseTip ? LandmarkScheme.NOSE_TIP : data;
        }
    }

    static Spec spec(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "nose-tip":
                return new Spec("nose-tip", new int[] {80, 60}, true);
            case "imm58":
                return new Spec("imm58", new int[] {240, 180}, false);
            case "resnet18":
                return new Spec("resnet18", new int[] {224, 224}, false);
            case "heatmap":
                throw new IllegalArgumentException(
                        "--model heatmap is not in this build yet (keypoints-models has no heatmap"
                                + " network); choose one of "
                                + NAMES);
            default:
                throw new IllegalArgumentException(
                        "--model must be one of " + NAMES + ", got '" + name + "'");
        }
    }

    /** Creates an uninitialised network with PyTorch-default initialisation drawn from the seed. */
    static KeypointBlock create(String name, int outputs, long seed) {
        TorchDefaultInitializer init = new TorchDefaultInitializer(seed);
        switch (spec(name).name()) {
            case "nose-tip":
                return NoseTipNet.builder().setOutputs(outputs).optInitializer(init).build();
            case "imm58":
                return Imm58Net.builder().setOutputs(outputs).optInitializer(init).build();
            default:
                return ResNet18.builder().setOutputs(outputs).optInitializer(init).build();
        }
    }

    /** The metadata that lets {@link #rebuild(Map)} recreate the network. */
    static Map<String, String> metadata(Block block) {
        Map<String, String> m = new LinkedHashMap<>();
        if (block instanceof KeypointBlock kb) {
            m.put("architecture", kb.architecture());
            m.put("config", new Gson().toJson(kb.config()));
        }
        return m;
    }

    /** Recreates an uninitialised network from saved metadata. */
    static Block rebuild(Map<String, String> metadata) {
        String arch = metadata.get("architecture");
        String config = metadata.get("config");
        if (arch == null || config == null) {
            throw new IllegalArgumentException(
                    "model file has no architecture/config metadata: " + metadata.keySet());
        }
        Map<String, Object> c =
                new Gson().fromJson(config, new TypeToken<Map<String, Object>>() {}.getType());
        int outputs = ((Number) c.get("outputs")).intValue();
        int channelsIn = ((Number) c.getOrDefault("inputChannels", 1)).intValue();
        switch (arch) {
            case "nose-tip":
                {
                    NoseTipNet.Builder b =
                            NoseTipNet.builder().setOutputs(outputs).optInputChannels(channelsIn);
                    if (c.get("channels") != null) {
                        b.optChannels(ints(c.get("channels")));
                    }
                    if (c.get("hidden") != null) {
                        b.optHidden(((Number) c.get("hidden")).intValue());
                    }
                    return b.build();
                }
            case "imm58":
                {
                    Imm58Net.Builder b =
                            Imm58Net.builder().setOutputs(outputs).optInputChannels(channelsIn);
                    if (c.get("channels") != null) {
                        b.optChannels(ints(c.get("channels")));
                    }
                    if (c.get("hidden") != null) {
                        b.optHidden(((Number) c.get("hidden")).intValue());
                    }
                    return b.build();
                }
            case "resnet18":
                return ResNet18.builder().setOutputs(outputs).optInputChannels(channelsIn).build();
            default:
                throw new IllegalArgumentException("unknown architecture in model file: " + arch);
        }
    }

    private static int[] ints(Object list) {
        List<?> l = (List<?>) list;
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ((Number) l.get(i)).intValue();
        }
        return a;
    }
}
