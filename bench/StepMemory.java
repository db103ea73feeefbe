import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.OptimizerStep;
import io.github.keypoints.train.ResumableAdam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * The 58-point training step ({@code keypoints bench train}'s case: batch 32 at 240×180, {@code
 * TorchDefaultInitializer}, MSE, {@code ResumableAdam} through {@code OptimizerStep}) one step at a
 * time: its ms (forward with the loss, backward), the process's minor page faults during it, and
 * the process's resident memory and transparent huge pages after it ({@code /proc/self/smaps_rollup}).
 * Shows whether the native heap settles or keeps growing from step to step
 * (docs/performance.md, "libtorch's own huge-page switch, off").
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 GLIBC_TUNABLES=&lt;the launcher's&gt; THP_MEM_ALLOC_ENABLE=0 \
 *     java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *     -cp "$CP" bench/StepMemory.java PyTorch 10
 * </pre>
 */
public final class StepMemory {

    private StepMemory() {}

    static long minflt() throws Exception {
        String s = Files.readString(Path.of("/proc/self/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[7]);
    }
    static String memory() throws Exception {
        StringBuilder b = new StringBuilder();
        for (String l : Files.readAllLines(Path.of("/proc/self/smaps_rollup"))) if (l.startsWith("Rss:") || l.startsWith("AnonHugePages:")) b.append(l.replaceAll(" +"," ")).append(' ');
        return b.toString();
    }
    public static void main(String[] a) throws Exception {
        if (a.length != 2) {
            throw new IllegalArgumentException("usage: StepMemory ENGINE STEPS");
        }
        String engine = a[0]; int steps = Integer.parseInt(a[1]);
        int batch = 32, w = 240, h = 180, outs = 116;
        Random rnd = new Random(0);
        float[] x = new float[batch*w*h]; float[] y = new float[batch*outs];
        for (int i=0;i<x.length;i++) x[i]=rnd.nextFloat()-0.5f;
        for (int i=0;i<y.length;i++) y[i]=rnd.nextFloat();
        Shape xs = new Shape(batch,1,h,w);
        Block block = new TorchDefaultInitializer(0).install(ModelZoo.create("imm58", outs));
        try (Model model = Model.newInstance("b", Device.cpu(), engine)) {
            model.setBlock(block);
            ResumableAdam adam = ResumableAdam.builder().setBlock(block).build();
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN)).optOptimizer(adam).optDevices(new Device[]{Device.cpu()}))) {
                trainer.initialize(new Shape(1,1,h,w));
                OptimizerStep step = OptimizerStep.of(trainer, adam);
                for (int i=0;i<steps;i++) {
                    long f0 = minflt();
                    long t0 = System.nanoTime(), t1, t2;
                    try (NDManager sub = trainer.getManager().newSubManager()) {
                        NDArray xa = sub.create(x, xs); NDArray ya = sub.create(y, new Shape(batch, outs));
                        t0 = System.nanoTime();
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList p = trainer.forward(new NDList(xa), new NDList(ya));
                            NDArray loss = trainer.getLoss().evaluate(new NDList(ya), p);
                            t1 = System.nanoTime(); gc.backward(loss); t2 = System.nanoTime();
                        }
                        step.apply();
                    }
                    long t3 = System.nanoTime();
                    System.out.printf(Locale.ROOT, "step %2d %7.1f ms fw %6.1f bw %6.1f faults %6d %s%n", i, (t3-t0)/1e6, (t1-t0)/1e6, (t2-t1)/1e6, minflt()-f0, memory());
                }
            }
        }
    }
}
