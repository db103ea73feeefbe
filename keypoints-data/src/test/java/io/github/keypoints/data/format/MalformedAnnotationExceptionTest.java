package io.github.keypoints.data.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MalformedAnnotationExceptionTest {

    @Test
    void lineZeroMeansNoLineAndIsLeftOutOfTheMessage() {
        Path f = Path.of("a.pts");
        MalformedAnnotationException none = new MalformedAnnotationException(f, 0, "bad");
        assertThat(none.line()).isEmpty();
        assertThat(none).hasMessage("a.pts: bad");
        assertThat(none.file()).isEqualTo(f);
        MalformedAnnotationException one = new MalformedAnnotationException(f, 1, "bad");
        assertThat(one.line()).hasValue(1);
        assertThat(one).hasMessage("a.pts:1: bad");
        assertThat(new MalformedAnnotationException(f, 2, "part", "bad", null))
                .hasMessage("a.pts:2: <part>: bad");
    }
}
