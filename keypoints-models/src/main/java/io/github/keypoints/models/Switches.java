package io.github.keypoints.models;

/**
 * The library's on-by-default system-property switches ({@code -Dkeypoints.torchScript=false} and
 * the like): a switch is on unless its property says {@code false}, in any case and with spaces
 * around it.
 */
final class Switches {

    private Switches() {}

    /**
     * Whether the switch named by {@code property} is on.
     *
     * @param property the system property's name
     * @return {@code false} only when the property is set to {@code false}
     */
    static boolean isOn(String property) {
        return !"false".equalsIgnoreCase(System.getProperty(property, "true").strip());
    }
}
