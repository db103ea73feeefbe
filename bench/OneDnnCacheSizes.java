import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import com.sun.jna.Function;
import com.sun.jna.Pointer;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The data-cache sizes libtorch's oneDNN believes the CPU has, and what its batch-1 kernels do when
 * they are told otherwise (issue 12, item 5; docs/performance-inference.md, "PyTorch on the AMD
 * EPYC of family 26"). oneDNN 3.7.1 reads the sizes through Xbyak from CPUID leaf 0x8000001D on
 * AMD CPUs; where a virtual machine leaves that leaf empty (our family-26 EPYC VM advertises
 * {@code topoext} but answers zeros), every level comes out as 1 byte, and oneDNN's brgemm
 * convolution finds no blocking and gives up, so the slower direct kernel runs.
 *
 * <p>The program loads libtorch, finds oneDNN's {@code Xbyak::util::Cpu} object (through the
 * function {@code dnnl::impl::cpu::x64::cpu()}, a local symbol whose offset in {@code
 * libtorch_cpu.so} is the first argument), prints its cache fields, then in mode {@code unknown}
 * sets its number of cache levels to 0 (oneDNN then uses its own guesses, as for any CPU whose
 * caches it cannot read), in mode {@code sizes} writes L1D, L2 and L3 sizes and the cores sharing
 * L3, in mode {@code show} changes nothing; then times batch-1 passes of each given zoo network
 * (2 s of warm-up, then PASSES passes; median ms and the sum of the outputs, to compare modes).
 * The field offsets are those of oneDNN 3.7.1's Xbyak; the program refuses to write unless the
 * fields read as that layout expects (3 levels).
 *
 * <pre>
 * L=~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64/libtorch_cpu.so
 * OFF=0x$(nm "$L" | grep ' _ZN4dnnl4impl3cpu3x643cpuEv$' | cut -d' ' -f1)
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 java -Dai.djl.offline=true \
 *     -Dai.djl.default_engine=PyTorch -Dkeypoints.onednnCaches=default \
 *     -Dai.djl.pytorch.num_threads=2 \
 *     -Dai.djl.pytorch.num_interop_threads=1 -cp "$CP" bench/OneDnnCacheSizes.java \
 *     $OFF MODE PASSES resnet18:224x224:136 heatmap:120x90:116 ...
 * </pre>
 *
 * MODE is {@code show}, {@code unknown} or {@code sizes:L1D:L2:L3:L3_SHARING} in bytes, e.g.
 * {@code sizes:49152:1048576:33554432:8}. {@code -Dkeypoints.onednnCaches=default} keeps the
 * library from correcting the fields itself when the first network runs (TorchOneDnnCaches).
 */
public final class OneDnnCacheSizes {

    private static final int SIZES = 28;
    private static final int SHARING = 68;
    private static final int LEVELS = 108;

    private OneDnnCacheSizes() {}

    public static void main(String[] args) throws Exception {
        long offset = Long.decode(args[0]);
        String mode = args[1];
        int passes = Integer.parseInt(args[2]);
        Engine.getEngine("PyTorch");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray x = m.randomNormal(new Shape(1, 8, 32, 32));
            NDArray w = m.randomNormal(new Shape(8, 8, 3, 3));
            Shape one = new Shape(1, 1);
            Conv2d.conv2d(x, w, null, one, one, one, 1).head().toFloatArray();
        }
        Pointer cpu = Function.getFunction(new Pointer(base() + offset)).invokePointer(new Object[0]);
        System.out.println("oneDNN's cache fields: " + fields(cpu));
        if (!"show".equals(mode)) {
            if (cpu.getInt(LEVELS) != 3) {
                throw new IllegalStateException("not the expected layout: " + fields(cpu));
            }
            if ("unknown".equals(mode)) {
                cpu.setInt(LEVELS, 0);
            } else if (mode.startsWith("sizes:")) {
                String[] s = mode.split(":");
                for (int level = 0; level < 3; level++) {
                    cpu.setInt(SIZES + 4 * level, Integer.parseInt(s[1 + level]));
                    cpu.setInt(SHARING + 4 * level, level == 2 ? Integer.parseInt(s[4]) : 1);
                }
            } else {
                throw new IllegalArgumentException("mode: show, unknown or sizes:L1D:L2:L3:SHARING");
            }
            System.out.println("now:                   " + fields(cpu));
        }
        for (int i = 3; i < args.length; i++) {
            String[] c = args[i].split(":");
            String[] wh = c[1].split("x");
            time(c[0], Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), Integer.parseInt(c[2]), mode, passes);
        }
    }

    private static String fields(Pointer cpu) {
        return "levels "
                + cpu.getInt(LEVELS)
                + ", sizes "
                + Arrays.toString(cpu.getIntArray(SIZES, 3))
                + ", cores sharing "
                + Arrays.toString(cpu.getIntArray(SHARING, 3));
    }

    private static long base() throws Exception {
        for (String line : Files.readAllLines(Paths.get("/proc/self/maps"))) {
            String[] f = line.split("\\s+");
            if (line.endsWith("/libtorch_cpu.so") && Long.parseLong(f[2], 16) == 0) {
                return Long.parseUnsignedLong(f[0].split("-")[0], 16);
            }
        }
        throw new IllegalStateException("libtorch_cpu.so is not mapped");
    }

    private static void time(String name, int width, int height, int outputs, String mode, int passes) {
        try (Model model = Model.newInstance(name, Device.cpu(), "PyTorch")) {
            KeypointBlock block = ModelZoo.create(name, outputs);
            model.setBlock(block);
            Shape in = new Shape(1, 1, height, width);
            block.initialize(model.getNDManager(), DataType.FLOAT32, in);
            block.freezeParameters(true);
            float[] x = new float[width * height];
            Random rnd = new Random(0);
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextFloat() - 0.5f;
            }
            ParameterStore ps = new ParameterStore(model.getNDManager(), false);
            float[] y = null;
            long warm = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < warm) {
                try (NDManager sub = model.getNDManager().newSubManager()) {
                    y = block.forward(ps, new NDList(sub.create(x, in)), false)
                            .singletonOrThrow()
                            .toFloatArray();
                }
            }
            double[] t = new double[passes];
            for (int i = 0; i < passes; i++) {
                try (NDManager sub = model.getNDManager().newSubManager()) {
                    NDArray xa = sub.create(x, in);
                    long t0 = System.nanoTime();
                    block.forward(ps, new NDList(xa), false).singletonOrThrow().toFloatArray();
                    t[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
            Arrays.sort(t);
            double sum = 0;
            for (float v : y) {
                sum += v;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %dx%d %-10s median %.2f ms, output sum %.6f%n",
                    name, width, height, mode.startsWith("sizes") ? "sizes" : mode, t[passes / 2], sum);
        }
    }
}
