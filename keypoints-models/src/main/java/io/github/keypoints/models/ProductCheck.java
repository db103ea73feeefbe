package io.github.keypoints.models;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Compares an engine's matrix product with plain Java on sampled values, in the forms the library's
 * networks use: {@code x · wᵀ} (a dense layer's forward), {@code g · w} (its input gradient),
 * {@code gᵀ · x} (its weight gradient) and {@code x · v} with two columns (the heatmap networks'
 * soft-argmax decode), at sizes whose ends are not multiples of any vector width. Used after the
 * library changes how a BLAS inside an engine chooses its code ({@link TorchMklDispatch}, {@link
 * MxOpenBlasCore}).
 */
final class ProductCheck {

    private static final int BATCH = 15;
    private static final int IN = 1037;
    private static final int OUT = 131;
    private static final int SAMPLES = 256;

    private ProductCheck() {}

    /**
     * Runs the four products on {@code engine} and compares sampled values with plain Java, unless
     * an earlier JVM with the same machine, libraries and settings kept a right verdict ({@link
     * CheckVerdicts}); a right verdict found here is kept.
     *
     * @param engine the engine's name
     * @return the first wrong value, described (form, sizes, position, both values); empty if every
     *     sampled value agrees to float rounding
     */
    static Optional<String> firstWrong(String engine) {
        return CheckVerdicts.reuseOrCompare(
                () ->
                        CheckVerdicts.key(
                                engine,
                                String.format(
                                        Locale.ROOT,
                                        "matrix products %d x %d x %d, %d samples",
                                        BATCH,
                                        IN,
                                        OUT,
                                        SAMPLES),
                                ProductCheck.class),
                () -> compareAll(engine),
                Optional::isEmpty,
                Optional.empty());
    }

    /** {@link #firstWrong}'s comparison itself, run now. */
    private static Optional<String> compareAll(String engine) {
        Random rnd = new Random(12);
        float[] x = values(rnd, BATCH * IN);
        float[] w = values(rnd, OUT * IN);
        float[] g = values(rnd, BATCH * OUT);
        float[] v = values(rnd, IN * 2);
        try (NDManager m = Engine.getEngine(engine).newBaseManager()) {
            NDArray xa = m.create(x, new Shape(BATCH, IN));
            NDArray wa = m.create(w, new Shape(OUT, IN));
            NDArray ga = m.create(g, new Shape(BATCH, OUT));
            NDArray va = m.create(v, new Shape(IN, 2));
            List<Form> forms =
                    List.of(
                            new Form(
                                    "x·wT",
                                    xa.matMul(wa.transpose()).toFloatArray(),
                                    new Sizes(BATCH, OUT, IN),
                                    (r, c, k) -> x[r * IN + k],
                                    (r, c, k) -> w[c * IN + k]),
                            new Form(
                                    "g·w",
                                    ga.matMul(wa).toFloatArray(),
                                    new Sizes(BATCH, IN, OUT),
                                    (r, c, k) -> g[r * OUT + k],
                                    (r, c, k) -> w[k * IN + c]),
                            new Form(
                                    "gT·x",
                                    ga.transpose().matMul(xa).toFloatArray(),
                                    new Sizes(OUT, IN, BATCH),
                                    (r, c, k) -> g[k * OUT + r],
                                    (r, c, k) -> x[k * IN + c]),
                            new Form(
                                    "x·v",
                                    xa.matMul(va).toFloatArray(),
                                    new Sizes(BATCH, 2, IN),
                                    (r, c, k) -> x[r * IN + k],
                                    (r, c, k) -> v[k * 2 + c]));
            return forms.stream().map(ProductCheck::compare).flatMap(Optional::stream).findFirst();
        }
    }

    /** A product's output rows and columns and its summation depth. */
    record Sizes(int rows, int cols, int depth) {}

    /** One product: its name, the engine's result, its sizes and both factors' elements. */
    record Form(String name, float[] got, Sizes size, Factor a, Factor b) {}

    /** One factor's element for output {@code (r, c)} and summation index {@code k}. */
    interface Factor {
        float at(int r, int c, int k);
    }

    /**
     * Compares sampled values of one product with plain Java.
     *
     * @param form the product
     * @return the first wrong value, described; empty if every sampled value agrees
     */
    static Optional<String> compare(Form form) {
        Sizes size = form.size();
        Random pick = new Random(size.rows() * 31L + size.cols());
        for (int s = 0; s < SAMPLES; s++) {
            int r = pick.nextInt(size.rows());
            int c = pick.nextInt(size.cols());
            double sum = 0;
            double scale = 0;
            for (int k = 0; k < size.depth(); k++) {
                double p = (double) form.a().at(r, c, k) * form.b().at(r, c, k);
                sum += p;
                scale += Math.abs(p);
            }
            float value = form.got()[r * size.cols() + c];
            if (!(Math.abs(value - sum) <= 1e-5 * scale + 1e-6)) {
                return Optional.of(
                        String.format(
                                Locale.ROOT,
                                "%s, %dx%d by depth %d: value (%d, %d) is %.6g, plain Java gives"
                                        + " %.6g",
                                form.name(),
                                size.rows(),
                                size.cols(),
                                size.depth(),
                                r,
                                c,
                                value,
                                sum));
            }
        }
        return Optional.empty();
    }

    private static float[] values(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() * 2 - 1;
        }
        return v;
    }
}
