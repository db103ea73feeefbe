package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImmSplitTest {

    @Test
    void parsesPersonTypeAndGender() {
        assertThat(ImmFaceName.parse("08-3f")).isEqualTo(new ImmFaceName(8, 3, 'f'));
        assertThat(ImmFaceName.parse("/data/imm/40-6m.asf")).isEqualTo(new ImmFaceName(40, 6, 'm'));
        assertThatThrownBy(() -> ImmFaceName.parse("afw/123_1"))
                .hasMessageContaining(
                        "Expected an IMM name NN-Kg (such as 01-1m), found 'afw/123_1'");
    }

    @Test
    void referenceSplitKeepsPersonsApart() {
        List<FaceSample> all = new ArrayList<>();
        for (int p = 1; p <= 40; p++) {
            for (int t = 1; t <= 6; t++) {
                String id = String.format("%02d-%d%s", p, t, p == 8 ? "f" : "m");
                all.add(FaceSample.of(id, Path.of(id + ".jpg"), Fixtures.immRelative(p * 10 + t)));
            }
        }
        ImmSplit s = ImmSplit.byPerson(all, ImmSplit.REFERENCE_LAST_TRAIN_PERSON);
        assertThat(s.train()).hasSize(192);
        assertThat(s.validation()).hasSize(48);
        assertThat(s.train()).allMatch(f -> ImmFaceName.parse(f.id()).person() <= 32);
        assertThat(s.validation()).allMatch(f -> ImmFaceName.parse(f.id()).person() >= 33);
        assertThat(s.validation().get(0).id()).isEqualTo("33-1m");
    }
}
