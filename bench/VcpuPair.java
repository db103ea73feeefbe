import io.github.keypoints.examples.VcpuPairProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Logs {@link VcpuPairProbe} over time: every INTERVAL_MS, one reading (the same vector loop on one
 * thread alone and on two threads at once), with nothing else running in the JVM. On a machine with
 * two free cores every ratio is about 1; on a VM whose host sometimes runs its two vCPUs on the two
 * hardware threads of one physical core, the ratio reads about 1.5-2 while it does. At the end: the
 * share of readings in the shared state and the lengths of its spells (docs/performance.md, "Two
 * vCPUs that sometimes share a core").
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * java -cp "$CP" bench/VcpuPair.java SECONDS [INTERVAL_MS]     # e.g. 600 500
 * </pre>
 */
public final class VcpuPair {

    private VcpuPair() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            throw new IllegalArgumentException("usage: VcpuPair SECONDS [INTERVAL_MS]");
        }
        double seconds = Double.parseDouble(args[0]);
        long interval = args.length > 1 ? Long.parseLong(args[1]) : 500;
        VcpuPairProbe probe = VcpuPairProbe.get();
        probe.read(); // compiles and calibrates
        long start = System.nanoTime();
        List<Boolean> states = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        while ((System.nanoTime() - start) / 1e9 < seconds) {
            double t = (System.nanoTime() - start) / 1e9;
            VcpuPairProbe.Reading r = probe.read();
            states.add(r.shared());
            times.add(t);
            System.out.printf(
                    Locale.ROOT,
                    "%7.1f s alone %6.3f ms together %6.3f ms ratio %5.2f %s%n",
                    t,
                    r.aloneMs(),
                    r.togetherMs(),
                    r.ratio(),
                    r.shared() ? "shared" : "independent");
            Thread.sleep(interval);
        }
        long shared = states.stream().filter(b -> b).count();
        List<String> spells = new ArrayList<>();
        int i = 0;
        while (i < states.size()) {
            int j = i;
            while (j < states.size() && states.get(j).equals(states.get(i))) {
                j++;
            }
            if (states.get(i)) {
                double end = j < times.size() ? times.get(j) : times.get(j - 1);
                spells.add(
                        String.format(
                                Locale.ROOT, "%.0f-%.0f s (%d)", times.get(i), end, j - i));
            }
            i = j;
        }
        System.out.printf(
                Locale.ROOT,
                "%d readings, %d shared (%.0f %%); shared spells, start-end (readings): %s%n",
                states.size(),
                shared,
                100.0 * shared / Math.max(1, states.size()),
                spells.isEmpty() ? "none" : String.join(", ", spells));
    }
}
