package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link OncePerJvm}: the action runs on the first call only, later calls take no lock, callers
 * during the first run wait for it, and a test can record which actions code asks for.
 */
class OncePerJvmTest {

    @Test
    void theActionRunsOnceAndLaterCallsTakeNoLock() {
        AtomicInteger runs = new AtomicInteger();
        OncePerJvm once = new OncePerJvm("count", runs::incrementAndGet);
        assertThat(once.isDone()).isFalse();
        once.run();
        once.run();
        once.run();
        assertThat(runs).hasValue(1);
        assertThat(once.isDone()).isTrue();
        assertThat(once.lockedCount()).as("calls that took the lock").isEqualTo(1);
        assertThat(once).hasToString("count");
    }

    @Test
    void aFailedActionCountsAsRunAndIsNotRetried() {
        AtomicInteger runs = new AtomicInteger();
        OncePerJvm once =
                new OncePerJvm(
                        "fail",
                        () -> {
                            runs.incrementAndGet();
                            throw new IllegalStateException("no library");
                        });
        assertThatThrownBy(once::run).hasMessage("no library");
        once.run();
        assertThat(runs).hasValue(1);
        assertThat(once.isDone()).isTrue();
    }

    @Test
    void recordingRunsNothingAndSeesActionsWhetherOrNotTheyRan() {
        AtomicInteger runs = new AtomicInteger();
        OncePerJvm fresh = new OncePerJvm("fresh", runs::incrementAndGet);
        OncePerJvm ran = new OncePerJvm("ran", runs::incrementAndGet);
        ran.run();
        OncePerJvm unasked = new OncePerJvm("unasked", runs::incrementAndGet);
        assertThat(
                        OncePerJvm.recording(
                                () -> {
                                    fresh.run();
                                    ran.run();
                                }))
                .containsExactlyInAnyOrder(fresh, ran)
                .doesNotContain(unasked);
        assertThat(runs).hasValue(1);
        assertThat(fresh.isDone()).isFalse();
        fresh.run();
        assertThat(runs).as("asked again after the recording").hasValue(2);
        assertThat(OncePerJvm.recording(() -> {})).isEmpty();
    }

    @Test
    void aCallerDuringTheFirstRunWaitsForItsEnd() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        OncePerJvm once =
                new OncePerJvm(
                        "slow",
                        () -> {
                            runs.incrementAndGet();
                            started.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
        Thread first = new Thread(once::run);
        first.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch secondReturned = new CountDownLatch(1);
        Thread second =
                new Thread(
                        () -> {
                            once.run();
                            secondReturned.countDown();
                        });
        second.start();
        assertThat(secondReturned.await(100, TimeUnit.MILLISECONDS))
                .as("the second caller returned while the first run was under way")
                .isFalse();
        release.countDown();
        assertThat(secondReturned.await(10, TimeUnit.SECONDS)).isTrue();
        first.join();
        second.join();
        assertThat(runs).hasValue(1);
    }
}
