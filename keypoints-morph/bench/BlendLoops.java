import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Random;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import sun.misc.Unsafe;

/**
 * A loop study for the morph blend (issue 12, item 6: a 640×480 frame in at most 2 ms on one
 * thread). It times only the unclamped inner loop of {@code PiecewiseAffineWarp}'s two-image
 * blend — 480 spans of 560 pixels, two random 640×480 BGR sources, a rotated and scaled affine map
 * to each — in variants that ask where the loop's time goes and whether plain Java can reach the
 * goal:
 *
 * <ul>
 *   <li>{@code library}: the library's arithmetic (16.16 positions, 8-bit tap weights scaled by the
 *       dissolve, three channels in 16-bit lanes of a {@code long});
 *   <li>{@code constant-weights}: the same loads and multiplies with the eight tap weights replaced
 *       by constants — a lower bound for any variant of this scalar loop (wrong output, on
 *       purpose);
 *   <li>{@code unchecked-loads}: the library's loop reading the sources with {@code Unsafe}, no
 *       array bounds checks;
 *   <li>{@code weight-table}: 5-bit fractions (OpenCV's {@code INTER_BITS}) and a table of the four
 *       packed weights per source, instead of computing them (changes the output a little);
 *   <li>{@code vector}: the library's arithmetic in the incubating Vector API, gathers for the
 *       taps, {@code -Dlanes=8} (256-bit) or {@code -Dlanes=16} (512-bit);
 *   <li>{@code pair-loads}: the library's arithmetic on sources packed two pixels to a {@code
 *       long} (a pixel's channels in the low bytes of the three 16-bit lanes, its right-hand
 *       neighbour's in the high bytes), so one load and two masks give a row's two taps: half the
 *       loads and bounds checks, the same products (same output by construction);
 *   <li>{@code scale-table}: the dissolve's three products per source read from a 256-entry table
 *       made once per frame (same output);
 *   <li>{@code dissolve-after}: each source's sample with unscaled weights, rounded to 8 bits, then
 *       the two blended (three fewer products per source; rounds twice, as OpenCV's warp and
 *       {@code addWeighted} do, so the output differs a little);
 *   <li>{@code weight-table-6}: {@code weight-table} with 6-bit fractions (a 32 KB table per
 *       source);
 *   <li>{@code two-pass}: the span's first source into a {@code long} per pixel, then the second
 *       added and stored: fewer live values in each loop (same output).
 * </ul>
 *
 * <p>Run from the repository root (a single-file program, no build):
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -Dlanes=8 keypoints-morph/bench/BlendLoops.java
 * </pre>
 *
 * <p>It prints each variant's median ms per 560×480 span set over the rounds, its ratio to the
 * library loop in the same run, and whether its output equals the library's (mean absolute
 * difference in grey levels otherwise).
 */
public final class BlendLoops {
    private static final int FRAC = 16;
    private static final int W = 640;
    private static final int H = 480;
    private static final int SPAN = 560;
    private static final long ROUND = 0x80L | 0x80L << 16 | 0x80L << 32;
    private static final VectorSpecies<Integer> S =
            Integer.getInteger("lanes", 8) == 16 ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    private static final Unsafe U = unsafe();
    private static final long BASE = Unsafe.ARRAY_LONG_BASE_OFFSET;

    private static final String[] NAMES = {
        "library",
        "constant-weights",
        "unchecked-loads",
        "weight-table",
        "vector",
        "pair-loads",
        "scale-table",
        "dissolve-after",
        "weight-table-6",
        "two-pass"
    };

    /** The low byte of each 16-bit lane of a {@code long}'s low 48 bits. */
    private static final long LANES = 0xffL | 0xffL << 16 | 0xffL << 32;

    private final int[] srcA = new int[W * H];
    private final int[] srcB = new int[W * H];
    private final long[] wideA = new long[W * H];
    private final long[] wideB = new long[W * H];
    private final long[] pairA = new long[W * H];
    private final long[] pairB = new long[W * H];
    private final long[] tableA = new long[1024];
    private final long[] tableB = new long[1024];
    private final int[] lanes = new int[S.length()];
    private final int[] pixels = new int[S.length()];
    private final int ga;
    private final int gb;
    private final int[] scaleA = new int[256];
    private final int[] scaleB = new int[256];
    private final long[] table6A = new long[4096];
    private final long[] table6B = new long[4096];
    private final long[] spanAcc = new long[W];

    private BlendLoops(int gb) {
        this.gb = gb;
        this.ga = 256 - gb;
        Random r = new Random(1);
        for (int i = 0; i < srcA.length; i++) {
            srcA[i] = r.nextInt(1 << 24);
            srcB[i] = r.nextInt(1 << 24);
            wideA[i] = wide(srcA[i]);
            wideB[i] = wide(srcB[i]);
        }
        for (int i = 0; i < srcA.length; i++) {
            boolean last = i % W == W - 1; // no right-hand neighbour: its bytes stay zero
            pairA[i] = wideA[i] | (last ? 0 : wideA[i + 1] << 8);
            pairB[i] = wideB[i] | (last ? 0 : wideB[i + 1] << 8);
        }
        for (int v = 0; v < 256; v++) {
            scaleA[v] = (v * ga) >> 8;
            scaleB[v] = (v * gb) >> 8;
        }
        for (int f = 0; f < 4096; f++) {
            table6A[f] = packedWeights((f & 63) << 2, (f >> 6) << 2, ga);
            table6B[f] = packedWeights((f & 63) << 2, (f >> 6) << 2, gb);
        }
        for (int f = 0; f < 1024; f++) {
            tableA[f] = packedWeights((f & 31) << 3, (f >> 5) << 3, ga);
            tableB[f] = packedWeights((f & 31) << 3, (f >> 5) << 3, gb);
        }
    }

    public static void main(String[] args) {
        BlendLoops b = new BlendLoops(100);
        byte[][] out = new byte[NAMES.length][W * H * 3];
        double[][] ms = new double[NAMES.length][12];
        System.out.printf("vector species %s; 10 rounds of 20 span sets per variant%n", S);
        for (int round = 0; round < 12; round++) {
            for (int v = 0; v < NAMES.length; v++) {
                long t0 = System.nanoTime();
                for (int rep = 0; rep < 20; rep++) {
                    b.frame(v, out[v]);
                }
                ms[v][round] = (System.nanoTime() - t0) / 20e6;
            }
        }
        double lib = median(ms[0]);
        for (int v = 0; v < NAMES.length; v++) {
            double m = median(ms[v]);
            String same =
                    Arrays.equals(out[v], out[0])
                            ? "same output"
                            : String.format("differs: %.3f grey levels", meanAbsDiff(out[v], out[0]));
            System.out.printf(
                    "%-17s %7.3f ms  %5.2f x library  %s%n", NAMES[v], m, m / lib, same);
        }
    }

    private static double median(double[] rounds) {
        double[] t = Arrays.copyOfRange(rounds, 2, rounds.length); // first two rounds: warm-up
        Arrays.sort(t);
        return (t[t.length / 2] + t[(t.length - 1) / 2]) / 2;
    }

    private static double meanAbsDiff(byte[] x, byte[] y) {
        long s = 0;
        for (int i = 0; i < x.length; i++) {
            s += Math.abs((x[i] & 0xff) - (y[i] & 0xff));
        }
        return (double) s / x.length;
    }

    private void frame(int variant, byte[] o) {
        double c = Math.cos(0.05) * 0.9;
        double s = Math.sin(0.05) * 0.9;
        int adx = fixed(c);
        int ady = fixed(-s);
        int bdx = fixed(c * 0.97);
        int bdy = fixed(-s * 0.9);
        for (int y = 0; y < H; y++) {
            int ax = fixed(20 + s * y);
            int ay = fixed(30 + 0.85 * y);
            int bx = fixed(25 + s * y);
            int by = fixed(32 + 0.84 * y);
            int idx = y * W * 3;
            switch (variant) {
                case 0:
                    library(o, idx, SPAN, ax, ay, adx, ady, bx, by, bdx, bdy);
                    break;
                case 1:
                    constantWeights(o, idx, SPAN, ax, ay, adx, ady, bx, by, bdx, bdy);
                    break;
                case 2:
                    uncheckedLoads(o, idx, SPAN, ax, ay, adx, ady, bx, by, bdx, bdy);
                    break;
                case 3:
                    weightTable(o, idx, SPAN, ax, ay, adx, ady, bx, by, bdx, bdy);
                    break;
                case 5:
                    pairLoads(o, idx, SPAN, ax, ay, adx, ady, bx, by, bdx, bdy);
                    break;
                case 6:
                    scaleTable(o, idx, SPAN, ax, ay, adx, ady, bx, by, bdx, bdy);
                    break;
                case 7:
                    dissolveAfter(o, idx, SPAN, ax, ay, adx, ady, bx, by, bdx, bdy);
                    break;
                case 8:
                    weightTable6(o, idx, SPAN, ax, ay, adx, ady, bx, by, bdx, bdy);
                    break;
                case 9:
                    firstPass(spanAcc, SPAN, wideA, ax, ay, adx, ady, ga);
                    secondPass(o, idx, spanAcc, SPAN, wideB, bx, by, bdx, bdy, gb);
                    break;
                default:
                    vector(o, idx, SPAN, ax, ay, adx, ady, bx, by, bdx, bdy);
            }
        }
    }

    private void library(
            byte[] o, int idx, int n, int ax, int ay, int adx, int ady, int bx, int by, int bdx,
            int bdy) {
        long[] sa = wideA;
        long[] sb = wideB;
        for (int end = idx + 3 * n;
                idx < end;
                idx += 3, ax += adx, ay += ady, bx += bdx, by += bdy) {
            int fx = (ax >> (FRAC - 8)) & 255;
            int fy = (ay >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = ((fy - w11) * ga) >> 8;
            int w01 = ((fx - w11) * ga) >> 8;
            w11 = (w11 * ga) >> 8;
            int w00 = ga - w11 - w10 - w01;
            int p = (ay >> FRAC) * W + (ax >> FRAC);
            long acc = sa[p] * w00 + sa[p + 1] * w01 + sa[p + W] * w10 + sa[p + W + 1] * w11;
            fx = (bx >> (FRAC - 8)) & 255;
            fy = (by >> (FRAC - 8)) & 255;
            w11 = (fx * fy) >> 8;
            w10 = ((fy - w11) * gb) >> 8;
            w01 = ((fx - w11) * gb) >> 8;
            w11 = (w11 * gb) >> 8;
            w00 = gb - w11 - w10 - w01;
            p = (by >> FRAC) * W + (bx >> FRAC);
            acc += sb[p] * w00 + sb[p + 1] * w01 + sb[p + W] * w10 + sb[p + W + 1] * w11 + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    private void pairLoads(
            byte[] o, int idx, int n, int ax, int ay, int adx, int ady, int bx, int by, int bdx,
            int bdy) {
        long[] sa = pairA;
        long[] sb = pairB;
        for (int end = idx + 3 * n;
                idx < end;
                idx += 3, ax += adx, ay += ady, bx += bdx, by += bdy) {
            int fx = (ax >> (FRAC - 8)) & 255;
            int fy = (ay >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = ((fy - w11) * ga) >> 8;
            int w01 = ((fx - w11) * ga) >> 8;
            w11 = (w11 * ga) >> 8;
            int w00 = ga - w11 - w10 - w01;
            int p = (ay >> FRAC) * W + (ax >> FRAC);
            long top = sa[p];
            long bottom = sa[p + W];
            long acc =
                    (top & LANES) * w00
                            + (top >>> 8 & LANES) * w01
                            + (bottom & LANES) * w10
                            + (bottom >>> 8 & LANES) * w11;
            fx = (bx >> (FRAC - 8)) & 255;
            fy = (by >> (FRAC - 8)) & 255;
            w11 = (fx * fy) >> 8;
            w10 = ((fy - w11) * gb) >> 8;
            w01 = ((fx - w11) * gb) >> 8;
            w11 = (w11 * gb) >> 8;
            w00 = gb - w11 - w10 - w01;
            p = (by >> FRAC) * W + (bx >> FRAC);
            top = sb[p];
            bottom = sb[p + W];
            acc +=
                    (top & LANES) * w00
                            + (top >>> 8 & LANES) * w01
                            + (bottom & LANES) * w10
                            + (bottom >>> 8 & LANES) * w11
                            + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    private void scaleTable(
            byte[] o, int idx, int n, int ax, int ay, int adx, int ady, int bx, int by, int bdx,
            int bdy) {
        long[] sa = wideA;
        long[] sb = wideB;
        int[] ka = scaleA;
        int[] kb = scaleB;
        for (int end = idx + 3 * n;
                idx < end;
                idx += 3, ax += adx, ay += ady, bx += bdx, by += bdy) {
            int fx = (ax >> (FRAC - 8)) & 255;
            int fy = (ay >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = ka[(fy - w11) & 255];
            int w01 = ka[(fx - w11) & 255];
            w11 = ka[w11 & 255];
            int w00 = ga - w11 - w10 - w01;
            int p = (ay >> FRAC) * W + (ax >> FRAC);
            long acc = sa[p] * w00 + sa[p + 1] * w01 + sa[p + W] * w10 + sa[p + W + 1] * w11;
            fx = (bx >> (FRAC - 8)) & 255;
            fy = (by >> (FRAC - 8)) & 255;
            w11 = (fx * fy) >> 8;
            w10 = kb[(fy - w11) & 255];
            w01 = kb[(fx - w11) & 255];
            w11 = kb[w11 & 255];
            w00 = gb - w11 - w10 - w01;
            p = (by >> FRAC) * W + (bx >> FRAC);
            acc += sb[p] * w00 + sb[p + 1] * w01 + sb[p + W] * w10 + sb[p + W + 1] * w11 + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    private void dissolveAfter(
            byte[] o, int idx, int n, int ax, int ay, int adx, int ady, int bx, int by, int bdx,
            int bdy) {
        long[] sa = wideA;
        long[] sb = wideB;
        for (int end = idx + 3 * n;
                idx < end;
                idx += 3, ax += adx, ay += ady, bx += bdx, by += bdy) {
            int fx = (ax >> (FRAC - 8)) & 255;
            int fy = (ay >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = fy - w11;
            int w01 = fx - w11;
            int w00 = 256 - w11 - w10 - w01;
            int p = (ay >> FRAC) * W + (ax >> FRAC);
            long a = sa[p] * w00 + sa[p + 1] * w01 + sa[p + W] * w10 + sa[p + W + 1] * w11;
            fx = (bx >> (FRAC - 8)) & 255;
            fy = (by >> (FRAC - 8)) & 255;
            w11 = (fx * fy) >> 8;
            w10 = fy - w11;
            w01 = fx - w11;
            w00 = 256 - w11 - w10 - w01;
            p = (by >> FRAC) * W + (bx >> FRAC);
            long b = sb[p] * w00 + sb[p + 1] * w01 + sb[p + W] * w10 + sb[p + W + 1] * w11;
            long acc = ((a + ROUND) >>> 8 & LANES) * ga + ((b + ROUND) >>> 8 & LANES) * gb + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    private void weightTable6(
            byte[] o, int idx, int n, int ax, int ay, int adx, int ady, int bx, int by, int bdx,
            int bdy) {
        long[] sa = wideA;
        long[] sb = wideB;
        long[] ta = table6A;
        long[] tb = table6B;
        for (int end = idx + 3 * n;
                idx < end;
                idx += 3, ax += adx, ay += ady, bx += bdx, by += bdy) {
            long w = ta[((ay >> 4) & 0xfc0) | ((ax >> 10) & 63)];
            int p = (ay >> FRAC) * W + (ax >> FRAC);
            long acc =
                    sa[p] * (w & 0xffff)
                            + sa[p + 1] * ((w >>> 16) & 0xffff)
                            + sa[p + W] * ((w >>> 32) & 0xffff)
                            + sa[p + W + 1] * (w >>> 48);
            w = tb[((by >> 4) & 0xfc0) | ((bx >> 10) & 63)];
            p = (by >> FRAC) * W + (bx >> FRAC);
            acc +=
                    sb[p] * (w & 0xffff)
                            + sb[p + 1] * ((w >>> 16) & 0xffff)
                            + sb[p + W] * ((w >>> 32) & 0xffff)
                            + sb[p + W + 1] * (w >>> 48)
                            + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    private static void firstPass(
            long[] acc, int n, long[] sa, int ax, int ay, int adx, int ady, int ga) {
        for (int q = 0; q < n; q++, ax += adx, ay += ady) {
            int fx = (ax >> (FRAC - 8)) & 255;
            int fy = (ay >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = ((fy - w11) * ga) >> 8;
            int w01 = ((fx - w11) * ga) >> 8;
            w11 = (w11 * ga) >> 8;
            int w00 = ga - w11 - w10 - w01;
            int p = (ay >> FRAC) * W + (ax >> FRAC);
            acc[q] = sa[p] * w00 + sa[p + 1] * w01 + sa[p + W] * w10 + sa[p + W + 1] * w11;
        }
    }

    private static void secondPass(
            byte[] o, int idx, long[] accs, int n, long[] sb, int bx, int by, int bdx, int bdy,
            int gb) {
        for (int q = 0; q < n; q++, idx += 3, bx += bdx, by += bdy) {
            int fx = (bx >> (FRAC - 8)) & 255;
            int fy = (by >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = ((fy - w11) * gb) >> 8;
            int w01 = ((fx - w11) * gb) >> 8;
            w11 = (w11 * gb) >> 8;
            int w00 = gb - w11 - w10 - w01;
            int p = (by >> FRAC) * W + (bx >> FRAC);
            long acc =
                    accs[q]
                            + sb[p] * w00
                            + sb[p + 1] * w01
                            + sb[p + W] * w10
                            + sb[p + W + 1] * w11
                            + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    private void constantWeights(
            byte[] o, int idx, int n, int ax, int ay, int adx, int ady, int bx, int by, int bdx,
            int bdy) {
        long[] sa = wideA;
        long[] sb = wideB;
        for (int end = idx + 3 * n;
                idx < end;
                idx += 3, ax += adx, ay += ady, bx += bdx, by += bdy) {
            int p = (ay >> FRAC) * W + (ax >> FRAC);
            long acc = sa[p] * 60 + sa[p + 1] * 50 + sa[p + W] * 20 + sa[p + W + 1] * 26;
            p = (by >> FRAC) * W + (bx >> FRAC);
            acc += sb[p] * 30 + sb[p + 1] * 30 + sb[p + W] * 20 + sb[p + W + 1] * 20 + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    private void uncheckedLoads(
            byte[] o, int idx, int n, int ax, int ay, int adx, int ady, int bx, int by, int bdx,
            int bdy) {
        long[] sa = wideA;
        long[] sb = wideB;
        long row = 8L * W;
        for (int end = idx + 3 * n;
                idx < end;
                idx += 3, ax += adx, ay += ady, bx += bdx, by += bdy) {
            int fx = (ax >> (FRAC - 8)) & 255;
            int fy = (ay >> (FRAC - 8)) & 255;
            int w11 = (fx * fy) >> 8;
            int w10 = ((fy - w11) * ga) >> 8;
            int w01 = ((fx - w11) * ga) >> 8;
            w11 = (w11 * ga) >> 8;
            int w00 = ga - w11 - w10 - w01;
            long p = BASE + 8L * ((ay >> FRAC) * W + (ax >> FRAC));
            long acc =
                    U.getLong(sa, p) * w00
                            + U.getLong(sa, p + 8) * w01
                            + U.getLong(sa, p + row) * w10
                            + U.getLong(sa, p + row + 8) * w11;
            fx = (bx >> (FRAC - 8)) & 255;
            fy = (by >> (FRAC - 8)) & 255;
            w11 = (fx * fy) >> 8;
            w10 = ((fy - w11) * gb) >> 8;
            w01 = ((fx - w11) * gb) >> 8;
            w11 = (w11 * gb) >> 8;
            w00 = gb - w11 - w10 - w01;
            p = BASE + 8L * ((by >> FRAC) * W + (bx >> FRAC));
            acc +=
                    U.getLong(sb, p) * w00
                            + U.getLong(sb, p + 8) * w01
                            + U.getLong(sb, p + row) * w10
                            + U.getLong(sb, p + row + 8) * w11
                            + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    private void weightTable(
            byte[] o, int idx, int n, int ax, int ay, int adx, int ady, int bx, int by, int bdx,
            int bdy) {
        long[] sa = wideA;
        long[] sb = wideB;
        long[] ta = tableA;
        long[] tb = tableB;
        for (int end = idx + 3 * n;
                idx < end;
                idx += 3, ax += adx, ay += ady, bx += bdx, by += bdy) {
            long w = ta[((ay >> 6) & 0x3e0) | ((ax >> 11) & 31)];
            int p = (ay >> FRAC) * W + (ax >> FRAC);
            long acc =
                    sa[p] * (w & 0xffff)
                            + sa[p + 1] * ((w >>> 16) & 0xffff)
                            + sa[p + W] * ((w >>> 32) & 0xffff)
                            + sa[p + W + 1] * (w >>> 48);
            w = tb[((by >> 6) & 0x3e0) | ((bx >> 11) & 31)];
            p = (by >> FRAC) * W + (bx >> FRAC);
            acc +=
                    sb[p] * (w & 0xffff)
                            + sb[p + 1] * ((w >>> 16) & 0xffff)
                            + sb[p + W] * ((w >>> 32) & 0xffff)
                            + sb[p + W + 1] * (w >>> 48)
                            + ROUND;
            o[idx] = (byte) (acc >>> 8);
            o[idx + 1] = (byte) (acc >>> 24);
            o[idx + 2] = (byte) (acc >>> 40);
        }
    }

    private void vector(
            byte[] o, int idx, int n, int ax, int ay, int adx, int ady, int bx, int by, int bdx,
            int bdy) {
        int len = S.length();
        IntVector iota = IntVector.zero(S).addIndex(1);
        IntVector stepAx = iota.mul(adx);
        IntVector stepAy = iota.mul(ady);
        IntVector stepBx = iota.mul(bdx);
        IntVector stepBy = iota.mul(bdy);
        for (int q = 0; q + len <= n; q += len) { // SPAN is a multiple of 8 and 16: no tail
            // Channels 0 and 2 in the 0xff00ff lanes of rb, channel 1 in g: the int packing the
            // library used before its 64-bit lanes, one product per channel pair and tap.
            IntVector x = stepAx.add(ax + q * adx);
            IntVector y = stepAy.add(ay + q * ady);
            IntVector fx = x.lanewise(VectorOperators.ASHR, FRAC - 8).and(255);
            IntVector fy = y.lanewise(VectorOperators.ASHR, FRAC - 8).and(255);
            IntVector w11 = fx.mul(fy).lanewise(VectorOperators.ASHR, 8);
            IntVector w10 = fy.sub(w11).mul(ga).lanewise(VectorOperators.ASHR, 8);
            IntVector w01 = fx.sub(w11).mul(ga).lanewise(VectorOperators.ASHR, 8);
            w11 = w11.mul(ga).lanewise(VectorOperators.ASHR, 8);
            IntVector w00 = w11.add(w10).add(w01).neg().add(ga);
            index(x, y);
            IntVector t = IntVector.fromArray(S, srcA, 0, lanes, 0);
            IntVector rb = t.and(0xff00ff).mul(w00);
            IntVector g = t.and(0xff00).mul(w00);
            t = IntVector.fromArray(S, srcA, 1, lanes, 0);
            rb = rb.add(t.and(0xff00ff).mul(w01));
            g = g.add(t.and(0xff00).mul(w01));
            t = IntVector.fromArray(S, srcA, W, lanes, 0);
            rb = rb.add(t.and(0xff00ff).mul(w10));
            g = g.add(t.and(0xff00).mul(w10));
            t = IntVector.fromArray(S, srcA, W + 1, lanes, 0);
            rb = rb.add(t.and(0xff00ff).mul(w11));
            g = g.add(t.and(0xff00).mul(w11));
            x = stepBx.add(bx + q * bdx);
            y = stepBy.add(by + q * bdy);
            fx = x.lanewise(VectorOperators.ASHR, FRAC - 8).and(255);
            fy = y.lanewise(VectorOperators.ASHR, FRAC - 8).and(255);
            w11 = fx.mul(fy).lanewise(VectorOperators.ASHR, 8);
            w10 = fy.sub(w11).mul(gb).lanewise(VectorOperators.ASHR, 8);
            w01 = fx.sub(w11).mul(gb).lanewise(VectorOperators.ASHR, 8);
            w11 = w11.mul(gb).lanewise(VectorOperators.ASHR, 8);
            w00 = w11.add(w10).add(w01).neg().add(gb);
            index(x, y);
            t = IntVector.fromArray(S, srcB, 0, lanes, 0);
            rb = rb.add(t.and(0xff00ff).mul(w00));
            g = g.add(t.and(0xff00).mul(w00));
            t = IntVector.fromArray(S, srcB, 1, lanes, 0);
            rb = rb.add(t.and(0xff00ff).mul(w01));
            g = g.add(t.and(0xff00).mul(w01));
            t = IntVector.fromArray(S, srcB, W, lanes, 0);
            rb = rb.add(t.and(0xff00ff).mul(w10));
            g = g.add(t.and(0xff00).mul(w10));
            t = IntVector.fromArray(S, srcB, W + 1, lanes, 0);
            rb = rb.add(t.and(0xff00ff).mul(w11)).add(0x00800080);
            g = g.add(t.and(0xff00).mul(w11)).add(0x8000);
            rb.lanewise(VectorOperators.LSHR, 8)
                    .and(0xff)
                    .or(g.lanewise(VectorOperators.LSHR, 8).and(0xff00))
                    .or(rb.lanewise(VectorOperators.LSHR, 8).and(0xff0000))
                    .intoArray(pixels, 0);
            for (int i = 0, j = idx + 3 * q; i < len; i++, j += 3) {
                int v = pixels[i];
                o[j] = (byte) v;
                o[j + 1] = (byte) (v >>> 8);
                o[j + 2] = (byte) (v >>> 16);
            }
        }
    }

    /** Writes each lane's top-left tap index ({@code y·W + x}, integer parts) into {@code lanes}. */
    private void index(IntVector x, IntVector y) {
        y.lanewise(VectorOperators.ASHR, FRAC)
                .mul(W)
                .add(x.lanewise(VectorOperators.ASHR, FRAC))
                .intoArray(lanes, 0);
    }

    private static long packedWeights(int fx, int fy, int g) {
        int w11 = (fx * fy) >> 8;
        int w10 = ((fy - w11) * g) >> 8;
        int w01 = ((fx - w11) * g) >> 8;
        w11 = (w11 * g) >> 8;
        int w00 = g - w11 - w10 - w01;
        return w00 | (long) w01 << 16 | (long) w10 << 32 | (long) w11 << 48;
    }

    private static long wide(int v) {
        return (v & 0xffL) | (v & 0xff00L) << 8 | (v & 0xff0000L) << 16;
    }

    private static int fixed(double v) {
        return (int) Math.round(v * (1 << FRAC));
    }

    private static Unsafe unsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
