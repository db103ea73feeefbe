package io.github.keypoints.models;

import java.util.Map;

/**
 * Rebuilds a library user's own {@link KeypointBlock} from its architecture name and saved
 * configuration, so {@link ModelZoo#create(String, Map)} (and with it {@link KeypointModel#load})
 * knows it.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class name in {@code
 * META-INF/services/io.github.keypoints.models.KeypointBlockFactory} on the class path. A factory
 * needs a public no-argument constructor. The built-in architectures cannot be replaced: a factory
 * for one of their names is ignored.
 * <!-- snippet-context: interface MyNet extends KeypointBlock {
 *     static MyNet fromConfig(Map<String, ?> config) { return null; } } -->
 *
 * <pre>{@code
 * public final class MyNetFactory implements KeypointBlockFactory {
 *     public String architecture() { return "my-net"; }
 *     public KeypointBlock create(Map<String, ?> config) { return MyNet.fromConfig(config); }
 * }
 * }</pre>
 */
public interface KeypointBlockFactory {

    /**
     * Returns the architecture name this factory builds ({@link KeypointBlock#architecture()}).
     *
     * @return the name
     */
    String architecture();

    /**
     * Builds an uninitialised block from the configuration its {@link KeypointBlock#config()}
     * returned.
     *
     * @param config the saved configuration; it holds at least {@code outputs}
     * @return the block
     * @throws IllegalArgumentException naming an invalid value
     */
    KeypointBlock create(Map<String, ?> config);
}
