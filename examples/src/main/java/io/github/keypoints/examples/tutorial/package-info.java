/**
 * Tutorial programs, one small main class per part of the reference project, each reading top to
 * bottom: {@link io.github.keypoints.examples.tutorial.NoseTipExample} (Part 1), {@link
 * io.github.keypoints.examples.tutorial.FullFaceExample} (Part 2), {@link
 * io.github.keypoints.examples.tutorial.Ibug300wExample} (Part 3) and {@link
 * io.github.keypoints.examples.tutorial.AutoMorphExample} (Part 4). Run them with {@code
 * ./keypoints example NAME [--option value …]}.
 */
package io.github.keypoints.examples.tutorial;
