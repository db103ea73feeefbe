package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Keypoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MorphChain} sequencing and accessors and {@link MeanFace} averaging, on flat-colour faces
 * where the right answer is known without warping: the warp of a constant image is that constant,
 * so a frame or mean is the (rounded) mix of the face colours everywhere.
 */
class ChainAndMeanTest {

    private static final double[] SHAPE = {20, 22, 40, 21, 30, 32, 24, 40, 36, 41, 30, 50};

    private static Face face(String id, int w, int h, double dx, int... colour) {
        double[] xy = SHAPE.clone();
        for (int i = 0; i < xy.length; i += 2) {
            xy[i] += dx;
        }
        return new Face(
                id,
                PiecewiseAffineWarpReferenceProperties.constant(w, h, colour),
                Keypoints.of(MorphProperties.SCHEME, xy));
    }

    private static void assertFlat(ImageBuffer img, int... colour) {
        for (int i = 0; i < img.data().length; i++) {
            assertThat(img.data()[i] & 0xff).as("value %d", i).isEqualTo(colour[i % colour.length]);
        }
    }

    private static ImageBuffer random(long seed, int w, int h) {
        return FacePoints.randomImage(new Random(seed), w, h, 3);
    }

    @Test
    void sequenceRunsFromTheFirstFaceToTheSecondInEvenSteps() {
        Face a = new Face("a", random(1, 60, 60), Keypoints.of(MorphProperties.SCHEME, SHAPE));
        double[] moved = SHAPE.clone();
        moved[0] += 3;
        Face b = new Face("b", random(2, 60, 60), Keypoints.of(MorphProperties.SCHEME, moved));
        MorphChain chain = MorphChain.of(List.of(a, b), FaceFrame.fitting(List.of(a, b), 60, 60));
        assertThat(chain.size()).isEqualTo(2);
        List<ImageBuffer> two = chain.sequence(0, 1, 2);
        assertThat(two).hasSize(2);
        assertThat(two.get(0).data()).isEqualTo(chain.frame(0, 1, 0, 0).data());
        assertThat(two.get(1).data()).isEqualTo(chain.frame(0, 1, 1, 1).data());
        List<ImageBuffer> five = chain.sequence(0, 1, 5);
        assertThat(five.get(2).data()).isEqualTo(chain.frame(0, 1, 0.5, 0.5).data());
        assertThat(five.get(4).data()).isEqualTo(chain.frame(0, 1, 1, 1).data());
        assertThatThrownBy(() -> chain.sequence(0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2");
        // The sequential chain renders the same frames.
        MorphChain seq = chain.sequential();
        assertThat(seq.size()).isEqualTo(2);
        assertThat(seq.frame(0, 1, 0.3, 0.6).data()).isEqualTo(chain.frame(0, 1, 0.3, 0.6).data());
        for (double bad : new double[] {-0.01, 1.01, Double.NaN}) {
            assertThatThrownBy(() -> chain.frame(0, 1, bad, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("warpFraction");
        }
    }

    @Test
    void forEachFrameVisitsEveryTransitionThenTheLastFace() {
        List<Face> faces =
                List.of(
                        face("a", 60, 60, 0, 10, 20, 30),
                        face("b", 60, 60, 2, 110, 120, 130),
                        face("c", 60, 60, -2, 200, 210, 220));
        FaceFrame frame = FaceFrame.fitting(faces, 48, 40);
        MorphChain chain = MorphChain.of(faces, frame);
        assertThat(chain.faceFrame()).isEqualTo(frame);
        for (int per : new int[] {1, 2}) {
            List<ImageBuffer> got = new ArrayList<>();
            int n = chain.forEachFrame(per, got::add);
            assertThat(n).isEqualTo(2 * per + 1).isEqualTo(got.size());
            // Frame k of transition i dissolves by k / per; flat faces make each frame flat.
            assertFlat(got.get(0), 10, 20, 30);
            assertFlat(got.get(per), 110, 120, 130);
            assertFlat(got.get(2 * per), 200, 210, 220);
            if (per == 2) {
                assertFlat(got.get(1), 60, 70, 80);
            }
        }
        assertThatThrownBy(() -> chain.forEachFrame(0, f -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("framesPerTransition");
    }

    @Test
    void chainPointsAreTheShapeAndTheFrameBorderInBothSpaces() {
        Face a = face("a", 80, 60, 0, 1, 2, 3);
        Face b = face("b", 80, 60, 5, 4, 5, 6);
        FaceFrame frame = new FaceFrame(40, 30, 12, 10, 28, 10);
        MorphChain chain = MorphChain.of(List.of(a, b), frame);
        double[] border = frame.borderPoints();
        for (int i = 0; i < 2; i++) {
            Face f = List.of(a, b).get(i);
            double[] src = chain.sourcePoints(i);
            double[] aligned = chain.alignedPoints(i);
            var align = frame.alignment(f.shape());
            assertThat(src).hasSize(SHAPE.length + border.length);
            for (int k = 0; k < SHAPE.length; k += 2) {
                assertThat(src[k]).isEqualTo(f.shape().x(k / 2));
                assertThat(aligned[k])
                        .isCloseTo(
                                align.applyX(src[k], src[k + 1]),
                                org.assertj.core.data.Offset.offset(1e-9));
            }
            for (int k = 0; k < border.length; k += 2) {
                // The border is fixed in the frame and maps back into each face's own image.
                int at = SHAPE.length + k;
                assertThat(aligned[at]).isEqualTo(border[k]);
                assertThat(align.applyX(src[at], src[at + 1]))
                        .isCloseTo(border[k], org.assertj.core.data.Offset.offset(1e-9));
                assertThat(align.applyY(src[at], src[at + 1]))
                        .isCloseTo(border[k + 1], org.assertj.core.data.Offset.offset(1e-9));
            }
            chain.sourcePoints(i)[0] = -1;
            assertThat(chain.sourcePoints(i)[0]).isEqualTo(src[0]);
        }
        assertThat(chain.triangulation().pointCount())
                .isEqualTo((SHAPE.length + border.length) / 2);
    }

    @Test
    void grayFacesMorphToo() {
        List<Face> faces = List.of(face("a", 50, 50, 0, 40), face("b", 50, 50, 1, 90));
        MorphChain chain = MorphChain.of(faces, FaceFrame.fitting(faces, 30, 30));
        assertFlat(chain.frame(0, 1, 0.5, 0.5), 65);
        assertFlat(chain.frame(0, 1, 0, 0), 40);
    }

    @Test
    void meanFaceIsTheRoundedAverageWhicheverThreadAddsWhat() {
        // 10 + 13 + 13 + 11 = 47; / 4 = 11.75 -> 12. 10 + 13 = 23, / 2 = 11.5 -> 12 (half up).
        List<Face> faces =
                List.of(
                        face("a", 60, 60, 0, 10, 100, 200),
                        face("b", 70, 50, 2, 13, 103, 203),
                        face("c", 60, 60, -1, 13, 101, 200),
                        face("d", 60, 80, 1, 11, 100, 201));
        for (int threads : new int[] {1, 2, 3}) {
            MeanFace m = MeanFace.builder().setSize(40, 30).optThreads(threads).build();
            MeanFace.Result r = m.compute(faces);
            assertThat(r.faces()).isEqualTo(4);
            assertThat(r.image().width()).isEqualTo(40);
            assertThat(r.image().height()).isEqualTo(30);
            assertFlat(r.image(), 12, 101, 201);
            assertFlat(m.compute(faces.subList(0, 2)).image(), 12, 102, 202);
        }
    }

    @Test
    void meanFaceAddsUpThePartSumsOfEveryWorker() {
        // A slow loader makes every worker take faces, so the final sum adds several parts.
        List<Face> faces =
                List.of(
                        face("a", 60, 60, 0, 10),
                        face("b", 60, 60, 1, 20),
                        face("c", 60, 60, -1, 30),
                        face("d", 60, 60, 2, 41));
        MeanFace m = MeanFace.builder().setSize(20, 16).optThreads(4).build();
        java.util.Set<String> workers = java.util.concurrent.ConcurrentHashMap.newKeySet();
        MeanFace.Result r =
                m.compute(
                        faces.stream().map(Face::shape).toList(),
                        i -> 60,
                        i -> 60,
                        i -> {
                            workers.add(Thread.currentThread().getName());
                            long until = System.nanoTime() + 50_000_000L;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            return faces.get(i);
                        });
        assertThat(workers).hasSizeGreaterThan(1);
        // (10 + 20 + 30 + 41) / 4 = 25.25 -> 25
        assertFlat(r.image(), 25);
    }

    @Test
    void meanFaceRejectsMixedChannelsAndMismatchedShapes() {
        MeanFace m = MeanFace.builder().setSize(20, 20).optThreads(2).build();
        List<Face> mixed = List.of(face("a", 30, 30, 0, 10), face("b", 30, 30, 1, 1, 2, 3));
        assertThatThrownBy(() -> m.compute(mixed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels");
        Face shortFace =
                new Face(
                        "s",
                        ImageBuffer.blank(30, 30, 1),
                        Keypoints.of(
                                io.github.keypoints.data.LandmarkScheme.builder()
                                        .setName("test-5")
                                        .setPointNames(List.of("p0", "p1", "p2", "p3", "p4"))
                                        .optNormalizer(0, 1)
                                        .build(),
                                new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
        assertThatThrownBy(() -> m.compute(List.of(face("a", 30, 30, 0, 10), shortFace)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Face 1 has 5 points, face 0 has 6");
        assertThatThrownBy(() -> m.compute(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void meanFaceBuilderNeedsAPositiveSizeAndAThread() {
        assertThatThrownBy(() -> MeanFace.builder().build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MeanFace.builder().setSize(0, 5).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MeanFace.builder().setSize(5, 0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MeanFace.builder().setSize(5, 5).optThreads(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads");
        MeanFace one = MeanFace.builder().setSize(1, 1).optThreads(1).build();
        assertFlat(one.compute(List.of(face("a", 60, 60, 0, 7))).image(), 7);
    }

    @Test
    void interruptedWhileWaitingForWorkersSaysSoAndKeepsTheFlag() {
        MeanFace m = MeanFace.builder().setSize(10, 10).optThreads(1).build();
        Face f = face("a", 60, 60, 0, 7);
        List<Keypoints> shapes = List.of(f.shape());
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(
                            () ->
                                    m.compute(
                                            shapes,
                                            i -> 60,
                                            i -> 60,
                                            i -> {
                                                // Slow loader: the caller is waiting when it ends.
                                                long until = System.nanoTime() + 300_000_000L;
                                                while (System.nanoTime() < until) {
                                                    Thread.onSpinWait();
                                                }
                                                return f;
                                            }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
