package io.github.keypoints.data.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.Size;

class FormatRoundTripProperties {

    @Property(tries = 50)
    void ptsWriteThenParseIsIdentity(
            @ForAll @Size(136) java.util.List<@FloatRange(min = -5000, max = 5000) Float> coords)
            throws IOException {
        Keypoints k = Keypoints.of(LandmarkScheme.IBUG_68, toArray(coords));
        Path dir = Files.createTempDirectory("pts");
        try {
            Path f = dir.resolve("a.pts");
            PtsFormat.write(k, f);
            assertThat(PtsFormat.parse(f)).isEqualTo(k);
        } finally {
            deleteAll(dir);
        }
    }

    @Property(tries = 50)
    void asfWriteThenParseIsIdentity(
            @ForAll @Size(116) java.util.List<@FloatRange(min = 0, max = 1) Float> coords)
            throws IOException {
        ImmShape shape =
                new ImmShape(Keypoints.of(LandmarkScheme.IMM_58, toArray(coords)), "a.jpg");
        Path dir = Files.createTempDirectory("asf");
        try {
            Path f = dir.resolve("a.asf");
            ImmAsfFormat.write(shape, f);
            assertThat(ImmAsfFormat.parse(f)).isEqualTo(shape);
        } finally {
            deleteAll(dir);
        }
    }

    private static float[] toArray(java.util.List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    private static void deleteAll(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
