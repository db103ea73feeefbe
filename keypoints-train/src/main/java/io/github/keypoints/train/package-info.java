/**
 * Engine-agnostic training of keypoint regressors on DJL: the {@link
 * io.github.keypoints.train.KeypointTrainer} loop over DJL's {@code Trainer}, keypoint losses (MSE,
 * L1, Wing), learning-rate schedules, a resumable Adam, atomic checkpoints, metrics in
 * original-image pixels and the run report (CSV history, loss curve, gallery, filter grid).
 */
package io.github.keypoints.train;
