package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import io.github.keypoints.data.io.AtomicOutput;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A keypoint network with its {@link ModelSpec}: a DJL {@link Model} holding a {@link
 * KeypointBlock}, that saves into and loads from a model directory.
 *
 * <p>A model directory holds {@value #SPEC_FILE} (the spec as JSON) and {@value #PARAMS_FILE} (the
 * block's parameters in DJL's engine-independent parameter encoding, {@code Block.saveParameters},
 * BatchNorm running statistics included). {@link #load(Path)} needs nothing else: it rebuilds the
 * block from the spec through {@link ModelZoo} and reads the weights on the engine the spec names,
 * or on any other engine with {@link #load(Path, String, Device)}. A third file, {@value
 * #SERVING_FILE}, lets DJL's {@code Criteria} load the same directory (with {@link
 * SavedModelBlockFactory} and {@code FaceLandmarkTranslatorFactory}).
 * <!-- snippet-context: NDArray images; -->
 *
 * <pre>{@code
 * ModelSpec spec = ModelSpec.builder()
 *         .setBlock(Imm58Net.builder().setOutputs(116).build())
 *         .setScheme(LandmarkScheme.IMM_58)
 *         .setInputSize(120, 90)
 *         .build();
 * try (KeypointModel model = KeypointModel.create(spec, "PyTorch", Device.cpu())) {
 *     // train model.model() with a DJL Trainer, then
 *     model.save(Path.of("runs/imm58/best"), Map.of("epochs", "70"));
 * }
 * try (KeypointModel loaded = KeypointModel.load(Path.of("runs/imm58/best"))) {
 *     NDArray relativeXy = loaded.forward(images);
 * }
 * }</pre>
 *
 * <p>Saving is atomic: both files are written into a fresh temporary directory beside the target,
 * which then replaces the target by renames, so a reader or a crash sees either the old complete
 * model or the new one (an interrupted replacement leaves the old one as a {@code .old-} sibling).
 */
public final class KeypointModel implements AutoCloseable {

    /** The spec file in a model directory. */
    public static final String SPEC_FILE = "model.json";

    /** The parameter file in a model directory. */
    public static final String PARAMS_FILE = "model.params";

    /**
     * The file that lets DJL's {@code Criteria} load a model directory: it names the engine and the
     * {@link SavedModelBlockFactory}; the {@code Criteria} names the translator factory.
     */
    public static final String SERVING_FILE = "serving.properties";

    private final ModelSpec spec;
    private final KeypointBlock block;
    private final Model model;

    private KeypointModel(ModelSpec spec, KeypointBlock block, Model model) {
        this.spec = spec;
        this.block = block;
        this.model = model;
    }

    /**
     * Creates a freshly initialised model of the spec's architecture, with the PyTorch-default
     * initialiser and its default seed.
     *
     * @param spec the spec; its engine is replaced by {@code engine}
     * @param engine the DJL engine name, {@code PyTorch} or {@code MXNet}
     * @param device the device
     * @return the model
     */
    public static KeypointModel create(ModelSpec spec, String engine, Device device) {
        return create(spec, spec.newBlock(), engine, device);
    }

    /**
     * Creates a model around a network built by the caller (for example with another initialiser
     * seed), initialising it for the spec's input size unless it already is.
     *
     * @param spec the spec; its engine is replaced by {@code engine}
     * @param block a network of the spec's architecture and configuration
     * @param engine the DJL engine name
     * @param device the device
     * @return the model
     * @throws IllegalArgumentException if the block does not match the spec
     */
    public static KeypointModel create(
            ModelSpec spec, KeypointBlock block, String engine, Device device) {
        if (!block.architecture().equals(spec.architecture())
                || !ModelSpec.normalizeConfig(block.config()).equals(spec.config())) {
            throw new IllegalArgumentException(
                    "Block "
                            + block.architecture()
                            + " "
                            + block.config()
                            + " does not match the spec's "
                            + spec.architecture()
                            + " "
                            + spec.config());
        }
        ModelSpec s = withEngine(spec, engine);
        Model model = Model.newInstance(s.architecture(), device, engine);
        try {
            model.setBlock(block);
            if (!block.isInitialized()) {
                block.initialize(model.getNDManager(), DataType.FLOAT32, inputShape(s, 1));
            }
            // After initialising: the check then compares the convolutions this network runs.
            ConvolutionCheck.verify(engine, block);
            return new KeypointModel(s, block, model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Loads a saved model on the engine it was trained on (or, if that engine is not on the class
     * path, on DJL's default engine), on that engine's default device.
     *
     * @param dir the model directory
     * @return the model
     * @throws IOException if a file cannot be read or does not match the spec
     */
    public static KeypointModel load(Path dir) throws IOException {
        ModelSpec spec = readSpec(dir);
        String engine =
                Engine.hasEngine(spec.engine()) ? spec.engine() : Engine.getDefaultEngineName();
        return load(dir, engine, Engine.getEngine(engine).defaultDevice());
    }

    /**
     * Loads a saved model on the given engine and device. DJL's parameter encoding is
     * engine-independent, so weights trained on PyTorch load on MXNet and back.
     *
     * @param dir the model directory
     * @param engine the DJL engine name
     * @param device the device
     * @return the model; its spec still names the engine the weights were trained on
     * @throws IOException if a file cannot be read or does not match the spec
     */
    public static KeypointModel load(Path dir, String engine, Device device) throws IOException {
        ModelSpec spec = readSpec(dir);
        Path params = dir.resolve(PARAMS_FILE);
        if (!Files.isRegularFile(params)) {
            throw new NoSuchFileException(
                    params.toString(), null, "model directory has no " + PARAMS_FILE);
        }
        Model model = Model.newInstance(spec.architecture(), device, engine);
        try {
            KeypointBlock block = readBlock(spec, params, model);
            ConvolutionCheck.verify(engine, block);
            model.setBlock(block);
            return new KeypointModel(spec, block, model);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Builds a model from a spec and parameters held in memory (the bytes {@link
     * KeypointBlock#saveParameters} writes, as in a saved directory's {@value #PARAMS_FILE}),
     * checking every shape. The model owns copies of the values: nothing is shared with the block
     * that wrote them.
     *
     * @param spec the spec; its engine is replaced by {@code engine}
     * @param parameters the parameter bytes
     * @param engine the DJL engine name
     * @param device the device
     * @return the model
     * @throws IOException if the bytes do not hold the parameters of the spec's network
     */
    public static KeypointModel fromParameters(
            ModelSpec spec, byte[] parameters, String engine, Device device) throws IOException {
        ModelSpec s = withEngine(spec, engine);
        Model model = Model.newInstance(s.architecture(), device, engine);
        try {
            KeypointBlock block =
                    readBlock(
                            s,
                            () -> new ByteArrayInputStream(parameters),
                            "the parameters in memory",
                            model);
            ConvolutionCheck.verify(engine, block);
            model.setBlock(block);
            return new KeypointModel(s, block, model);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Builds the spec's network in {@code model}'s memory and fills it with the parameters of
     * {@code params}, checking every shape.
     */
    static KeypointBlock readBlock(ModelSpec spec, Path params, Model model) throws IOException {
        return readBlock(
                spec,
                () -> new BufferedInputStream(Files.newInputStream(params)),
                params.toString(),
                model);
    }

    /** Opens a parameter stream. */
    @FunctionalInterface
    private interface ParameterSource {
        InputStream open() throws IOException;
    }

    private static KeypointBlock readBlock(
            ModelSpec spec, ParameterSource params, String name, Model model) throws IOException {
        KeypointBlock block = spec.newBlock();
        try (NDManager scratch = model.getNDManager().newSubManager()) {
            try (DataInputStream in = new DataInputStream(params.open())) {
                KeypointBlock read = spec.newBlock();
                read.loadParameters(scratch, in);
                if (in.read() != -1) {
                    throw new MalformedModelException("trailing bytes after the last parameter");
                }
                initializeWithStored(spec, read, block);
            } catch (MalformedModelException | RuntimeException e) {
                throw notHolding(name, spec, e);
            }
            // Each parameter is initialised with the values read, checked against the shape the
            // network gives it; the networks lay their weights out as they do after any
            // initialisation. Earlier versions initialised the block (at random, later with
            // zeros), laid it out, and then overwrote and laid it out again: more than twice the
            // copies of every weight (docs/performance.md, "Start-up without first-time costs").
            // Anything else initialising throws (the convolution check's verdict) goes up as is.
            try {
                block.initialize(model.getNDManager(), DataType.FLOAT32, inputShape(spec, 1));
            } catch (StoredShapeMismatch e) {
                throw notHolding(name, spec, e);
            }
        }
        return block;
    }

    /**
     * Reads the spec of a model directory.
     *
     * @param dir the model directory
     * @return the spec
     * @throws IOException if the file cannot be read or is malformed (the message names the file)
     */
    public static ModelSpec readSpec(Path dir) throws IOException {
        Path file = dir.resolve(SPEC_FILE);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(
                    file.toString(), null, "not a model directory: no " + SPEC_FILE);
        }
        try {
            return ModelSpec.fromJson(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the spec of a model directory, for settings fitted after training such as {@link
     * ModelSpec#flipOffsetX()}. The file is replaced atomically; the weights are not touched.
     *
     * @param dir the model directory
     * @param spec the new spec
     * @throws IOException if the directory holds no model, or the file cannot be written
     * @throws IllegalArgumentException if the new spec describes another network (architecture,
     *     configuration, scheme or input), which the saved weights would not fit
     */
    public static void writeSpec(Path dir, ModelSpec spec) throws IOException {
        ModelSpec old = readSpec(dir);
        String changed = networkChange(old, spec);
        if (changed != null) {
            throw new IllegalArgumentException(
                    dir.resolve(SPEC_FILE)
                            + ": the new spec changes the network's "
                            + changed
                            + ", which the saved weights would not fit");
        }
        AtomicOutput.writeString(dir.resolve(SPEC_FILE), spec.toJson());
    }

    /** The first part of the network that differs between two specs, or {@code null}. */
    private static String networkChange(ModelSpec a, ModelSpec b) {
        if (!a.architecture().equals(b.architecture())) {
            return "architecture";
        }
        if (!a.config().equals(b.config())) {
            return "config";
        }
        if (!a.scheme().equals(b.scheme())) {
            return "scheme";
        }
        if (a.inputWidth() != b.inputWidth()
                || a.inputHeight() != b.inputHeight()
                || a.inputChannels() != b.inputChannels()) {
            return "input";
        }
        return null;
    }

    /**
     * Returns the spec.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Returns the network.
     *
     * @return the block
     */
    public KeypointBlock block() {
        return block;
    }

    /**
     * Returns the DJL model, for a {@code Trainer} or a {@code Predictor}.
     *
     * @return the model; closed with this object
     */
    public Model model() {
        return model;
    }

    /**
     * Runs the network in inference mode (BatchNorm uses its running statistics).
     *
     * @param images a batch {@code [B, C, H, W]} of normalised images on this model's engine
     * @return {@code [B, 2N]} input-relative coordinates {@code x0, y0, x1, y1, …}
     */
    public NDArray forward(NDArray images) {
        ParameterStore ps = new ParameterStore(images.getManager(), false);
        return block.forward(ps, new NDList(images), false).singletonOrThrow();
    }

    /**
     * Saves the model atomically into {@code dir} (created or replaced).
     *
     * @param dir the model directory
     * @throws IOException if writing fails; the target is then unchanged
     */
    public void save(Path dir) throws IOException {
        save(dir, Map.of());
    }

    /**
     * Saves the model atomically into {@code dir} with extra provenance entries (epoch, metrics).
     *
     * @param dir the model directory; an existing directory is replaced only if it holds a model
     * @param provenance entries added to the spec's provenance in the saved copy
     * @throws IOException if writing fails; the target is then unchanged
     */
    public void save(Path dir, Map<String, String> provenance) throws IOException {
        save(dir, provenance, folder -> {});
    }

    /**
     * Saves the model atomically into {@code dir} with extra provenance entries and further files
     * of the caller's (a training checkpoint adds its optimiser state and history), all forced to
     * the disk before the folder is moved into place: the folder then holds either the previous
     * save or this one, whole.
     *
     * @param dir the model directory; an existing directory is replaced only if it holds a model
     * @param provenance entries added to the spec's provenance in the saved copy
     * @param extra writes further files into the folder being prepared (not named {@value
     *     #PARAMS_FILE}, {@value #SPEC_FILE} or {@value #SERVING_FILE})
     * @throws IOException if writing fails; the target is then unchanged
     */
    public void save(Path dir, Map<String, String> provenance, ExtraFiles extra)
            throws IOException {
        Objects.requireNonNull(extra, "extra");
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !Files.isRegularFile(target.resolve(SPEC_FILE))) {
            try (Stream<Path> s = Files.list(target)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(
                            "Refusing to replace "
                                    + target
                                    + ": it is not empty and holds no "
                                    + SPEC_FILE);
                }
            }
        }
        try (AtomicOutput out = AtomicOutput.folder(target)) {
            try (DataOutputStream params =
                    new DataOutputStream(
                            new BufferedOutputStream(
                                    Files.newOutputStream(out.temp().resolve(PARAMS_FILE))))) {
                block.saveParameters(params);
            }
            Files.writeString(
                    out.temp().resolve(SPEC_FILE),
                    spec.withProvenance(provenance).toJson(),
                    StandardCharsets.UTF_8);
            Files.writeString(
                    out.temp().resolve(SERVING_FILE), servingProperties(), StandardCharsets.UTF_8);
            extra.writeInto(out.temp());
            forceFiles(out.temp());
            out.commit();
        }
    }

    /** Forces every file of a folder to the disk. */
    private static void forceFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(f)) {
                    try (FileChannel channel = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                }
            }
        }
    }

    /** Writes a caller's further files into a model folder before it is moved into place. */
    @FunctionalInterface
    public interface ExtraFiles {
        /**
         * Writes the files.
         *
         * @param folder the folder being prepared
         * @throws IOException if writing fails; the save is then abandoned
         */
        void writeInto(Path folder) throws IOException;
    }

    /** What DJL's model loader needs to rebuild this model from its directory. */
    private String servingProperties() {
        return "# Lets DJL's Criteria load this directory: Criteria.builder().optModelPath(dir)\n"
                + "engine="
                + spec.engine()
                + "\nblockFactory="
                + SavedModelBlockFactory.class.getName()
                + "\n# "
                + PARAMS_FILE
                + " is read by the block factory\noption.hasParameter=false\n";
    }

    /** Closes the DJL model and its native memory. */
    @Override
    public void close() {
        model.close();
    }

    /**
     * Gives each of {@code target}'s parameters an initialiser that returns the value read into
     * {@code read}'s parameter of the same place, after checking that the file stored it and, when
     * the network asks for it, that the shapes agree.
     */
    private static void initializeWithStored(
            ModelSpec spec, KeypointBlock read, KeypointBlock target)
            throws MalformedModelException {
        ParameterList from = read.getParameters();
        ParameterList to = target.getParameters();
        if (from.size() != to.size()) {
            throw new MalformedModelException(
                    "the file has " + from.size() + " parameters, the spec's network " + to.size());
        }
        for (int i = 0; i < to.size(); i++) {
            Parameter source = from.valueAt(i);
            if (!source.isInitialized()) {
                throw new MalformedModelException("parameter " + to.keyAt(i) + " is not stored");
            }
            to.valueAt(i).setInitializer(new Stored(spec, to.keyAt(i), source.getArray()));
        }
    }

    private static IOException notHolding(String name, ModelSpec spec, Exception e) {
        return new IOException(
                name
                        + " does not hold the parameters of "
                        + spec.architecture()
                        + " "
                        + spec.config()
                        + ": "
                        + e.getMessage(),
                e);
    }

    /** A value read from a model's file whose shape is not the one the network needs. */
    private static final class StoredShapeMismatch extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        StoredShapeMismatch(String message) {
            super(message);
        }
    }

    /**
     * An initialiser that hands a parameter the value read from a model's file: a copy in the
     * engine's own memory of the network's manager (for PyTorch a clone, so the tensor never shares
     * the memory of the direct buffer DJL decoded it from; TensorUpload says how that was seen),
     * after checking its shape.
     */
    private static final class Stored implements Initializer {
        private final ModelSpec spec;
        private final String name;
        private final NDArray value;

        Stored(ModelSpec spec, String name, NDArray value) {
            this.spec = spec;
            this.name = name;
            this.value = value;
        }

        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            if (!shape.equals(value.getShape())) {
                throw new StoredShapeMismatch(
                        "parameter "
                                + name
                                + " has shape "
                                + value.getShape()
                                + ", the spec's network at input "
                                + spec.inputWidth()
                                + "x"
                                + spec.inputHeight()
                                + " needs "
                                + shape);
            }
            NDArray copy = value.toType(dataType, false).duplicate();
            copy.attach(manager);
            return copy;
        }
    }

    private static Shape inputShape(ModelSpec spec, long batch) {
        return new Shape(batch, spec.inputChannels(), spec.inputHeight(), spec.inputWidth());
    }

    private static ModelSpec withEngine(ModelSpec s, String engine) {
        return new ModelSpec(
                s.architecture(),
                s.config(),
                s.scheme(),
                s.inputWidth(),
                s.inputHeight(),
                s.inputChannels(),
                s.normalization(),
                s.crop(),
                engine,
                s.libraryVersion(),
                s.provenance(),
                s.flipOffsetX());
    }
}
