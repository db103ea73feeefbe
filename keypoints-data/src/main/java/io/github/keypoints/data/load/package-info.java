/**
 * Loading whole datasets from disk (IMM folders, 300-W {@code .pts} trees, imglab XML) in strict or
 * lenient mode with a report of every skipped sample, the IMM person-wise split, and a
 * checksum-verified archive download into a cache.
 */
package io.github.keypoints.data.load;
