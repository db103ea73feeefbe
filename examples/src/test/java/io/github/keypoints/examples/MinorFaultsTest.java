package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MinorFaultsTest {

    @Test
    void readsTheTenthFieldEvenWhenTheCommandNameHasSpacesAndParentheses() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 98765 0 12 0 310 42 0 0 20 0";
        assertThat(MinorFaults.parse(stat)).isEqualTo(98765L);
    }

    @Test
    void rejectsTextThatIsNotAStatLine() {
        assertThatThrownBy(() -> MinorFaults.parse("no parenthesis here"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/proc/PID/stat");
        assertThatThrownBy(() -> MinorFaults.parse("1 (java) S 1 2"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void perRunDividesAndGivesNaNWhenAReadingFailed() {
        assertThat(MinorFaults.perRun(100, 400, 30)).isEqualTo(10.0);
        assertThat(MinorFaults.perRun(-1, 400, 30)).isNaN();
        assertThat(MinorFaults.perRun(100, -1, 30)).isNaN();
    }

    @Test
    void countsTheFaultsOfTouchingFreshMemory() {
        long before = MinorFaults.sinceStart();
        assertThat(before).as("Linux's /proc/self/stat").isPositive();
        // 64 MB outside the Java heap, touched once per 4 KB page: at least some pages are new.
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(64 << 20);
        for (int i = 0; i < b.capacity(); i += 4096) {
            b.put(i, (byte) 1);
        }
        assertThat(MinorFaults.sinceStart()).isGreaterThan(before);
    }
}
