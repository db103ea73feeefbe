package io.github.keypoints.data;

import java.util.List;

/**
 * Supplies a library user's own {@link LandmarkScheme}s to {@link LandmarkScheme#named(String)}, so
 * a model saved with such a scheme loads again by name.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class name in {@code
 * META-INF/services/io.github.keypoints.data.LandmarkSchemeProvider} on the class path. A provider
 * needs a public no-argument constructor. The built-in schemes ({@code imm-58}, {@code ibug-68},
 * {@code nose-tip}) cannot be replaced: a provider's scheme with one of their names is ignored.
 *
 * <pre>{@code
 * public final class MySchemes implements LandmarkSchemeProvider {
 *     public List<LandmarkScheme> schemes() {
 *         return List.of(LandmarkScheme.builder().setName("eyes-2")
 *                 .setPointNames(List.of("left", "right")).build());
 *     }
 * }
 * }</pre>
 */
public interface LandmarkSchemeProvider {

    /**
     * Returns the schemes this provider defines.
     *
     * @return the schemes, each with a unique name
     */
    List<LandmarkScheme> schemes();
}
