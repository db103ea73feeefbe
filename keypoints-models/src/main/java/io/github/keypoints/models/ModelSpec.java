package io.github.keypoints.models;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.ToNumberPolicy;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.data.preprocess.Preprocessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything needed to rebuild and use a saved keypoint network without other arguments: the
 * architecture and its builder parameters, the landmark scheme, the input size and channels, the
 * pixel normalisation and crop policy of the preprocessing, the engine it was trained on, the
 * library version and a free-form training provenance map (data, hyper-parameters, seed, metrics).
 *
 * <p>Serialised as {@code model.json} beside the weights by {@link KeypointModel#save}; {@link
 * #toJson()} and {@link #fromJson(String)} round-trip exactly.
 *
 * @param architecture the {@link ModelZoo} architecture name
 * @param config the builder parameters ({@link KeypointBlock#config()})
 * @param scheme the landmark scheme name ({@link LandmarkScheme#name()})
 * @param inputWidth the network input width in pixels
 * @param inputHeight the network input height in pixels
 * @param inputChannels the input channels (1 grayscale, 3 RGB)
 * @param normalization how 8-bit pixels become network inputs
 * @param crop which region of the photo becomes the network input
 * @param engine the DJL engine the weights were trained on, such as {@code PyTorch}
 * @param libraryVersion the keypoints version that wrote the model
 * @param provenance how the model was made (free-form key/value pairs)
 * @param flipOffsetX input pixels added to the {@code x} of flip-averaged predictions (see {@link
 *     #flipOffsetX()}); 0 unless fitted
 */
public record ModelSpec(
        String architecture,
        Map<String, Object> config,
        String scheme,
        int inputWidth,
        int inputHeight,
        int inputChannels,
        PixelNormalization normalization,
        CropPolicy crop,
        String engine,
        String libraryVersion,
        Map<String, String> provenance,
        double flipOffsetX) {

    /** The value of the {@code format} field this version writes and reads. */
    public static final int FORMAT = 1;

    private static final Gson GSON =
            new GsonBuilder()
                    .setPrettyPrinting()
                    .disableHtmlEscaping()
                    .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
                    .create();

    /**
     * Validates the values and makes the maps immutable; integral config numbers become {@code
     * Integer}s so a spec equals its JSON round trip.
     *
     * @param architecture the {@link ModelZoo} architecture name
     * @param config the builder parameters ({@link KeypointBlock#config()})
     * @param scheme the landmark scheme name ({@link LandmarkScheme#name()})
     * @param inputWidth the network input width in pixels
     * @param inputHeight the network input height in pixels
     * @param inputChannels the input channels (1 grayscale, 3 RGB)
     * @param normalization how 8-bit pixels become network inputs
     * @param crop which region of the photo becomes the network input
     * @param engine the DJL engine the weights were trained on, such as {@code PyTorch}
     * @param libraryVersion the keypoints version that wrote the model
     * @param provenance how the model was made (free-form key/value pairs)
     * @param flipOffsetX input pixels added to the {@code x} of flip-averaged predictions
     */
    public ModelSpec {
        requireText(architecture, "architecture");
        requireText(scheme, "scheme");
        requireText(engine, "engine");
        requireText(libraryVersion, "libraryVersion");
        Objects.requireNonNull(normalization, "normalization");
        Objects.requireNonNull(crop, "crop");
        ConfigValues.positive("inputWidth", inputWidth);
        ConfigValues.positive("inputHeight", inputHeight);
        ConfigValues.positive("inputChannels", inputChannels);
        config = normalizeConfig(Objects.requireNonNull(config, "config"));
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        if (!Double.isFinite(flipOffsetX) || Math.abs(flipOffsetX) >= inputWidth) {
            throw new IllegalArgumentException(
                    "Model spec: flipAverage.offsetX must be a finite number of input pixels"
                            + " smaller than the input width "
                            + inputWidth
                            + ", was "
                            + flipOffsetX);
        }
    }

    /**
     * A spec without a flip-averaging offset ({@link #flipOffsetX()} 0).
     *
     * @param architecture the {@link ModelZoo} architecture name
     * @param config the builder parameters ({@link KeypointBlock#config()})
     * @param scheme the landmark scheme name ({@link LandmarkScheme#name()})
     * @param inputWidth the network input width in pixels
     * @param inputHeight the network input height in pixels
     * @param inputChannels the input channels (1 grayscale, 3 RGB)
     * @param normalization how 8-bit pixels become network inputs
     * @param crop which region of the photo becomes the network input
     * @param engine the DJL engine the weights were trained on, such as {@code PyTorch}
     * @param libraryVersion the keypoints version that wrote the model
     * @param provenance how the model was made (free-form key/value pairs)
     */
    public ModelSpec(
            String architecture,
            Map<String, Object> config,
            String scheme,
            int inputWidth,
            int inputHeight,
            int inputChannels,
            PixelNormalization normalization,
            CropPolicy crop,
            String engine,
            String libraryVersion,
            Map<String, String> provenance) {
        this(
                architecture,
                config,
                scheme,
                inputWidth,
                inputHeight,
                inputChannels,
                normalization,
                crop,
                engine,
                libraryVersion,
                provenance,
                0);
    }

    /**
     * Returns the horizontal offset, in input pixels, that flip-averaged predictions get added to
     * their {@code x}: the mean horizontal offset of the training annotations from the
     * mirror-symmetric position.
     *
     * <p>A network trained with random mirroring sees every face once as annotated and once
     * mirrored, with the annotation mirrored too. If annotators place points systematically a
     * little to one side, that side flips with the mirror, and the network can only learn the
     * middle; flip averaging ({@code KeypointDetector.Builder.optFlipAverage}) makes the prediction
     * exactly mirror-symmetric. The offset restores the annotators' side. It is measured, not
     * assumed: {@link io.github.keypoints.models.inference.FlipOffsetFit} fits it on annotated
     * faces the network did not train on. Predictions without flip averaging are not changed: a
     * plain network learns part of the side on its own, by an amount that varies from one training
     * run to the next.
     *
     * @return the offset in input pixels, 0 if none was fitted
     */
    @Override
    public double flipOffsetX() {
        return flipOffsetX;
    }

    /**
     * Returns a copy with another flip-averaging offset.
     *
     * @param offsetX the offset in input pixels (see {@link #flipOffsetX()})
     * @return the new spec
     */
    public ModelSpec withFlipOffsetX(double offsetX) {
        return new ModelSpec(
                architecture,
                config,
                scheme,
                inputWidth,
                inputHeight,
                inputChannels,
                normalization,
                crop,
                engine,
                libraryVersion,
                provenance,
                offsetX);
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the spec of a network trained on a dataset: the network's architecture, configuration
     * and input channels, and the dataset's input size, crop, pixel normalisation and scheme, so
     * the saved model prepares photos exactly as its training data did. {@code KeypointTrainer}
     * derives its model's spec this way when none is given.
     *
     * @param block the network
     * @param data the training data
     * @return the spec (engine {@code PyTorch} until the model is created on another)
     * @throws IllegalArgumentException if the network's outputs do not fit the scheme, or its input
     *     channels do not fit the dataset's (naming both values)
     */
    public static ModelSpec of(KeypointBlock block, FaceLandmarkDataset data) {
        ModelSpec spec =
                builder()
                        .setBlock(block)
                        .setScheme(data.scheme())
                        .setInputSize(data.inputWidth(), data.inputHeight())
                        .optCrop(data.preprocessor().crop())
                        .optNormalization(data.normalization())
                        .build();
        spec.checkMatches(data);
        return spec;
    }

    /**
     * Returns the keypoints library version on the class path, from the build.
     *
     * @return the version, or {@code unknown} outside a build
     */
    public static String currentLibraryVersion() {
        try (InputStream in = ModelSpec.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns the built-in landmark scheme of this model.
     *
     * @return the scheme
     * @throws IllegalArgumentException if the scheme is not a built-in one
     */
    public LandmarkScheme landmarkScheme() {
        return LandmarkScheme.named(scheme);
    }

    /**
     * Returns a dataset builder that prepares photos exactly as this model expects: its input size,
     * channels, crop, normalisation and scheme. The caller adds the samples and sampling, and
     * optionally augmentation, a cache and a seed.
     * <!-- snippet-context: ModelSpec spec; List<FaceSample> faces; -->
     *
     * <pre>{@code
     * FaceLandmarkDataset train = spec.datasetBuilder()
     *         .setSamples(faces)
     *         .setSampling(32, true)
     *         .build();
     * }</pre>
     *
     * @return a new builder
     * @throws IllegalArgumentException if the scheme is not known ({@link #landmarkScheme()})
     */
    public FaceLandmarkDataset.Builder datasetBuilder() {
        return FaceLandmarkDataset.builder()
                .setInputSize(inputWidth, inputHeight)
                .optGrayscale(inputChannels == 1)
                .optCrop(crop)
                .optNormalization(normalization)
                .optScheme(landmarkScheme());
    }

    /**
     * Returns the preprocessing this model's inputs need (input size, channels and crop); with
     * {@link #normalization()} it is how a photo becomes this model's tensor, the same objects
     * {@link #datasetBuilder()} gives training data.
     *
     * @return a new preprocessor
     */
    public Preprocessor preprocessor() {
        return Preprocessor.builder()
                .setInputSize(inputWidth, inputHeight)
                .optGrayscale(inputChannels == 1)
                .optCrop(crop)
                .build();
    }

    /**
     * Checks that a dataset prepares photos as this model expects.
     *
     * @param data the dataset
     * @throws IllegalArgumentException naming the first value that differs, with both values
     */
    public void checkMatches(FaceLandmarkDataset data) {
        Preprocessor p = data.preprocessor();
        mismatch(
                "input size",
                inputWidth + "x" + inputHeight,
                p.inputWidth() + "x" + p.inputHeight());
        mismatch("input channels", inputChannels == 1 ? "1" : "3", p.grayscale() ? "1" : "3");
        mismatch("crop", crop.describe(), p.crop().describe());
        mismatch("normalisation", normalization.describe(), data.normalization().describe());
        mismatch("scheme", scheme, data.scheme().name());
    }

    private static void mismatch(String what, String spec, String data) {
        if (!spec.equals(data)) {
            throw new IllegalArgumentException(
                    "The model spec and the data disagree on the "
                            + what
                            + ": spec "
                            + spec
                            + ", data "
                            + data);
        }
    }

    /**
     * Returns the number of network outputs, {@code 2N}.
     *
     * @return the {@code outputs} builder parameter
     */
    public int outputs() {
        return ConfigValues.requiredInt(config, "outputs");
    }

    /**
     * Builds a new, uninitialised network of this architecture and configuration.
     *
     * @return the block
     */
    public KeypointBlock newBlock() {
        return ModelZoo.create(architecture, config);
    }

    /**
     * Returns a copy with the given entries added to (or replacing those in) the provenance.
     *
     * @param extra the entries to add
     * @return the new spec
     */
    public ModelSpec withProvenance(Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>(provenance);
        p.putAll(extra);
        return new ModelSpec(
                architecture,
                config,
                scheme,
                inputWidth,
                inputHeight,
                inputChannels,
                normalization,
                crop,
                engine,
                libraryVersion,
                p,
                flipOffsetX);
    }

    /**
     * Serialises the spec as pretty-printed JSON.
     *
     * @return the JSON text
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("architecture", architecture);
        m.put("config", config);
        m.put("scheme", scheme);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("width", inputWidth);
        input.put("height", inputHeight);
        input.put("channels", inputChannels);
        m.put("input", input);
        Map<String, Object> norm = new LinkedHashMap<>();
        norm.put("mean", doubles(normalization.mean()));
        norm.put("std", doubles(normalization.std()));
        m.put("normalization", norm);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("kind", crop.kind().name());
        c.put("factor", crop.factor());
        c.put("keepAspect", crop.keepAspect());
        m.put("crop", c);
        m.put("engine", engine);
        m.put("libraryVersion", libraryVersion);
        m.put("provenance", provenance);
        if (flipOffsetX != 0) {
            m.put("flipAverage", Map.of("offsetX", flipOffsetX));
        }
        return GSON.toJson(m);
    }

    /**
     * Parses a spec written by {@link #toJson()}.
     *
     * @param json the JSON text
     * @return the spec
     * @throws IllegalArgumentException naming the missing or malformed field
     */
    public static ModelSpec fromJson(String json) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("Model spec must be a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(
                    "Model spec is not valid JSON: " + e.getMessage(), e);
        }
        int format = integer(o, "format");
        if (format != FORMAT) {
            throw new IllegalArgumentException(
                    "Model spec format " + format + " is not supported (expected " + FORMAT + ")");
        }
        JsonObject input = object(o, "input");
        JsonObject norm = object(o, "normalization");
        JsonObject c = object(o, "crop");
        Map<String, Object> config =
                GSON.fromJson(
                        object(o, "config"),
                        new com.google.gson.reflect.TypeToken<Map<String, Object>>() {}.getType());
        Map<String, String> provenance = new LinkedHashMap<>();
        if (o.has("provenance")) {
            for (Map.Entry<String, JsonElement> e : object(o, "provenance").entrySet()) {
                provenance.put(
                        e.getKey(),
                        e.getValue().isJsonPrimitive()
                                ? e.getValue().getAsString()
                                : e.getValue().toString());
            }
        }
        return new ModelSpec(
                text(o, "architecture"),
                config,
                text(o, "scheme"),
                integer(input, "input.width", "width"),
                integer(input, "input.height", "height"),
                integer(input, "input.channels", "channels"),
                normalization(
                        numbers(norm, "normalization.mean", "mean"),
                        numbers(norm, "normalization.std", "std")),
                crop(
                        text(c, "crop.kind", "kind"),
                        number(c, "crop.factor", "factor"),
                        bool(c, "crop.keepAspect", "keepAspect")),
                text(o, "engine"),
                text(o, "libraryVersion"),
                provenance,
                o.has("flipAverage")
                        ? number(object(o, "flipAverage"), "flipAverage.offsetX", "offsetX")
                        : 0);
    }

    private static List<Double> doubles(float[] values) {
        List<Double> out = new java.util.ArrayList<>(values.length);
        for (float v : values) {
            out.add((double) v);
        }
        return out;
    }

    private static PixelNormalization normalization(List<Double> mean, List<Double> std) {
        float[] m = new float[mean.size()];
        float[] s = new float[std.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = mean.get(i).floatValue();
        }
        for (int i = 0; i < s.length; i++) {
            s[i] = std.get(i).floatValue();
        }
        try {
            return PixelNormalization.meanStd(m, s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Model spec: normalization: " + e.getMessage(), e);
        }
    }

    private static CropPolicy crop(String kind, double factor, boolean keepAspect) {
        CropPolicy.Kind k;
        try {
            k = CropPolicy.Kind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Model spec: unknown crop kind '"
                            + kind
                            + "'; known: "
                            + java.util.Arrays.toString(CropPolicy.Kind.values()),
                    e);
        }
        try {
            return new CropPolicy(k, factor, keepAspect);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Model spec: crop: " + e.getMessage(), e);
        }
    }

    private static JsonElement field(JsonObject o, String path, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("Model spec: missing field '" + path + "'");
        }
        return e;
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = field(o, key, key);
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(
                    "Model spec: field '" + key + "' must be an object, found " + e);
        }
        return e.getAsJsonObject();
    }

    private static String text(JsonObject o, String key) {
        return text(o, key, key);
    }

    private static String text(JsonObject o, String path, String key) {
        JsonElement e = field(o, path, key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException(
                    "Model spec: field '" + path + "' must be a string, found " + e);
        }
        return e.getAsString();
    }

    private static double number(JsonObject o, String path, String key) {
        JsonElement e = field(o, path, key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(
                    "Model spec: field '" + path + "' must be a number, found " + e);
        }
        return e.getAsDouble();
    }

    private static int integer(JsonObject o, String key) {
        return integer(o, key, key);
    }

    private static int integer(JsonObject o, String path, String key) {
        double d = number(o, path, key);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "Model spec: field '" + path + "' must be an integer, found " + d);
        }
        return (int) d;
    }

    private static boolean bool(JsonObject o, String path, String key) {
        JsonElement e = field(o, path, key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new IllegalArgumentException(
                    "Model spec: field '" + path + "' must be true or false, found " + e);
        }
        return e.getAsBoolean();
    }

    private static List<Double> numbers(JsonObject o, String path, String key) {
        JsonElement e = field(o, path, key);
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException(
                    "Model spec: field '" + path + "' must be a list of numbers, found " + e);
        }
        JsonArray a = e.getAsJsonArray();
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonElement x = a.get(i);
            if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
                throw new IllegalArgumentException(
                        "Model spec: field '" + path + "[" + i + "]' must be a number, found " + x);
            }
            out.add(x.getAsDouble());
        }
        return out;
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Model spec: missing " + name);
        }
    }

    static Map<String, Object> normalizeConfig(Map<String, ?> config) {
        Map<String, Object> out = new LinkedHashMap<>();
        config.forEach((k, v) -> out.put(k, normalizeValue(k, v)));
        return Collections.unmodifiableMap(out);
    }

    private static Object normalizeValue(String key, Object v) {
        if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return (int) d;
            }
            return d;
        }
        if (v instanceof List) {
            List<Object> list = new ArrayList<>();
            for (Object x : (List<?>) v) {
                list.add(normalizeValue(key, x));
            }
            return List.copyOf(list);
        }
        if (v instanceof String || v instanceof Boolean) {
            return v;
        }
        throw new IllegalArgumentException(
                "Config value '" + key + "' must be a number, string, boolean or list, found " + v);
    }

    /** Builds a {@link ModelSpec}. */
    public static final class Builder {
        private String architecture;
        private Map<String, ?> config;
        private Integer blockChannels;
        private String scheme;
        private int schemePoints;
        private int inputWidth;
        private int inputHeight;
        private PixelNormalization normalization = PixelNormalization.centered();
        private CropPolicy crop = CropPolicy.wholeImage();
        private String engine = "PyTorch";
        private final Map<String, String> provenance = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the architecture, its builder parameters and input channels from a network. Required
         * (or {@link #setArchitecture(String, Map)}).
         *
         * @param block the network
         * @return this builder
         */
        public Builder setBlock(KeypointBlock block) {
            this.architecture = block.architecture();
            this.config = block.config();
            this.blockChannels = block.inputChannels();
            return this;
        }

        /**
         * Sets the architecture name and builder parameters.
         *
         * @param architecture a {@link ModelZoo} name
         * @param config the builder parameters, {@code outputs} included
         * @return this builder
         */
        public Builder setArchitecture(String architecture, Map<String, ?> config) {
            this.architecture = architecture;
            this.config = config;
            this.blockChannels = ConfigValues.intValue(config, "inputChannels", 1);
            return this;
        }

        /**
         * Sets the landmark scheme. Required.
         *
         * @param scheme the scheme
         * @return this builder
         */
        public Builder setScheme(LandmarkScheme scheme) {
            this.scheme = scheme.name();
            this.schemePoints = scheme.size();
            return this;
        }

        /**
         * Sets the network input size. Required.
         *
         * @param width the width in pixels
         * @param height the height in pixels
         * @return this builder
         */
        public Builder setInputSize(int width, int height) {
            this.inputWidth = width;
            this.inputHeight = height;
            return this;
        }

        /**
         * Sets the pixel normalisation; {@link PixelNormalization#centered()} by default.
         *
         * @param normalization the normalisation
         * @return this builder
         */
        public Builder optNormalization(PixelNormalization normalization) {
            this.normalization = normalization;
            return this;
        }

        /**
         * Sets the crop policy; {@link CropPolicy#wholeImage()} by default.
         *
         * @param crop the crop policy
         * @return this builder
         */
        public Builder optCrop(CropPolicy crop) {
            this.crop = crop;
            return this;
        }

        /**
         * Sets the engine the weights are trained on; {@code PyTorch} by default. {@link
         * KeypointModel#create} overwrites it with the engine it creates the model on.
         *
         * @param engine the DJL engine name
         * @return this builder
         */
        public Builder optEngine(String engine) {
            this.engine = engine;
            return this;
        }

        /**
         * Adds training provenance entries (data, hyper-parameters, seed, …).
         *
         * @param entries the entries
         * @return this builder
         */
        public Builder optProvenance(Map<String, String> entries) {
            provenance.putAll(entries);
            return this;
        }

        /**
         * Builds the spec.
         *
         * @return the spec
         * @throws IllegalArgumentException naming the missing value, or if the outputs are not
         *     twice the scheme's points
         */
        public ModelSpec build() {
            if (architecture == null) {
                throw new IllegalArgumentException(
                        "Missing architecture: call setBlock() or setArchitecture()");
            }
            if (scheme == null) {
                throw new IllegalArgumentException("Missing scheme: call setScheme()");
            }
            if (inputWidth <= 0 || inputHeight <= 0) {
                throw new IllegalArgumentException("Missing input size: call setInputSize()");
            }
            int outputs = ConfigValues.requiredInt(config, "outputs");
            int points = schemePoints;
            if (outputs != 2 * points) {
                throw new IllegalArgumentException(
                        "Scheme "
                                + scheme
                                + " has "
                                + points
                                + " points, so the network needs "
                                + 2 * points
                                + " outputs, but it has "
                                + outputs);
            }
            return new ModelSpec(
                    architecture,
                    new LinkedHashMap<>(config),
                    scheme,
                    inputWidth,
                    inputHeight,
                    blockChannels,
                    normalization,
                    crop,
                    engine,
                    currentLibraryVersion(),
                    provenance);
        }
    }
}
