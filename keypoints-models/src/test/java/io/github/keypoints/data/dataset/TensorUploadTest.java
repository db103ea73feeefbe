package io.github.keypoints.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TensorUpload} on both engines (this module's tests have both; the class lives in
 * keypoints-data, whose tests have PyTorch only).
 */
class TensorUploadTest {

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static long directBytes() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                return pool.getMemoryUsed();
            }
        }
        throw new IllegalStateException("no direct buffer pool");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void tensorHoldsExactlyTheValuesInTheirShape(String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            // A small tensor after a large one: the reused buffer is larger than the values.
            TensorUpload.floats(m, random(4096, 1), new Shape(4, 1024)).close();
            float[] v = random(2 * 3 * 5 * 7, 2);
            NDArray a = TensorUpload.floats(m, v, new Shape(2, 3, 5, 7));
            assertThat(a.getShape()).isEqualTo(new Shape(2, 3, 5, 7));
            assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(a.toFloatArray()).containsExactly(v);
            // The tensor owns its copy: the next upload reuses the buffer without touching it.
            float[] w = random(v.length, 3);
            NDArray b = TensorUpload.floats(m, w, new Shape(v.length));
            assertThat(a.toFloatArray()).containsExactly(v);
            assertThat(b.toFloatArray()).containsExactly(w);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void manyUploadsLeaveDirectMemoryFlat(String engine) {
        float[] v = random(64 * 1024, 4); // 256 KB a tensor, 500 of them 125 MB
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            TensorUpload.floats(m, v, new Shape(v.length)).close();
            long before = directBytes();
            for (int i = 0; i < 500; i++) {
                try (NDManager step = m.newSubManager()) {
                    TensorUpload.floats(step, v, new Shape(64, 1024));
                }
            }
            long grown = directBytes() - before;
            assertThat(grown)
                    .as("direct buffer bytes added over 500 uploads of 256 KB")
                    .isLessThan(2L << 20);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void threadsUploadingAtOnceEachGetTheirOwnValues(String engine) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                float[] v = random(10_000 + 1_000 * t, 10 + t);
                Callable<Boolean> job =
                        () -> {
                            for (int i = 0; i < 100; i++) {
                                try (NDManager step = m.newSubManager()) {
                                    float[] back =
                                            TensorUpload.floats(step, v, new Shape(v.length))
                                                    .toFloatArray();
                                    if (!Arrays.equals(back, v)) {
                                        return false;
                                    }
                                }
                            }
                            return true;
                        };
                results.add(pool.submit(job));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shapeThatDoesNotHoldTheValuesIsRejected() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            assertThatThrownBy(() -> TensorUpload.floats(m, new float[12], new Shape(2, 5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("(2, 5) holds 10 values, the array has 12");
        }
    }
}
