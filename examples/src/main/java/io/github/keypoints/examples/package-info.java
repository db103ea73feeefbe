/**
 * The {@code keypoints} command line ({@link io.github.keypoints.examples.KeypointsCommand}) and
 * the tutorial example programs, one main class per part of the reference project.
 */
package io.github.keypoints.examples;
