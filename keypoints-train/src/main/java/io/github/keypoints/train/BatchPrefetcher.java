package io.github.keypoints.train;

import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.PreparedBatch;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prepares an epoch's batches one ahead on a background thread ({@link
 * FaceLandmarkDataset#prepareBatch}: decoding, augmentation and normalisation on the CPU), so the
 * next batch is being read while the current one trains. Batches come out in order and hold exactly
 * what the dataset's {@code get} would give: a run with and without prefetching trains on identical
 * tensors. Closing it stops the thread and drops a batch prepared in vain.
 */
final class BatchPrefetcher implements AutoCloseable {

    private final FaceLandmarkDataset data;
    private final ExecutorService thread;
    private List<List<Long>> batches;
    private int next;
    private Future<PreparedBatch> pending;

    BatchPrefetcher(FaceLandmarkDataset data) {
        this.data = data;
        this.thread =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "keypoints-batch-prefetch");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /**
     * Starts an epoch: its batches, in order; the first one starts preparing now. Call it after the
     * dataset's epoch is set, since augmentation draws depend on it.
     */
    void startEpoch(List<List<Long>> epochBatches) {
        cancelPending();
        this.batches = epochBatches;
        this.next = 0;
        submitNext();
    }

    /**
     * Waits for the next batch and starts preparing the one after it.
     *
     * @return the batch
     * @throws IOException naming the image if a sample could not be read
     */
    PreparedBatch take() throws IOException {
        if (pending == null) {
            throw new IllegalStateException("no batch left in this epoch");
        }
        try {
            PreparedBatch b = pending.get();
            pending = null;
            submitNext();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the next batch");
        } catch (ExecutionException e) {
            pending = null;
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException("preparing a batch failed: " + cause, cause);
        }
    }

    private void submitNext() {
        if (next < batches.size()) {
            List<Long> idx = batches.get(next++);
            pending = thread.submit(() -> data.prepareBatch(idx));
        }
    }

    private void cancelPending() {
        if (pending != null) {
            pending.cancel(true);
            pending = null;
        }
    }

    @Override
    public void close() {
        cancelPending();
        thread.shutdownNow();
    }
}
