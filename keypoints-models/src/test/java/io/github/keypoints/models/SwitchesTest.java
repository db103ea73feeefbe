package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SwitchesTest {

    private static final String P = "keypoints.test.switch";

    @Test
    void onUnlessTheValueIsFalse() {
        try {
            System.clearProperty(P);
            assertThat(Switches.isOn(P)).as("unset").isTrue();
            for (String off : new String[] {"false", "FALSE", " False "}) {
                System.setProperty(P, off);
                assertThat(Switches.isOn(P)).as("'%s'", off).isFalse();
            }
            for (String on : new String[] {"true", "", "no", "0"}) {
                System.setProperty(P, on);
                assertThat(Switches.isOn(P)).as("'%s'", on).isTrue();
            }
        } finally {
            System.clearProperty(P);
        }
    }
}
