package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitRuleTest {

    private static List<FaceSample> immFaces() {
        List<FaceSample> all = new ArrayList<>();
        for (int p = 1; p <= 40; p++) {
            for (int t = 1; t <= 6; t++) {
                String id = String.format("%02d-%dm", p, t);
                all.add(FaceSample.of(id, Path.of(id + ".jpg"), Fixtures.immRelative(p * 10 + t)));
            }
        }
        return all;
    }

    @Test
    void everyRuleReadsBackFromItsText() {
        for (SplitRule r :
                List.of(
                        SplitRule.immPersons(32, 0),
                        SplitRule.immPersons(32, 4),
                        new SplitRule.EveryNthSample(5),
                        new SplitRule.EveryNthPhoto(10, 0),
                        new SplitRule.EveryNthPhoto(10, 3),
                        new SplitRule.EveryNthPhoto(3, 0),
                        new SplitRule.EveryNthSample(12))) {
            assertThat(SplitRule.parse(r.toString())).isEqualTo(r);
        }
    }

    @Test
    void theTextReadsAsEnglish() {
        assertThat(new SplitRule.EveryNthPhoto(3, 1)).hasToString("photo-holdout every 3rd from 1");
        assertThat(new SplitRule.EveryNthSample(2)).hasToString("every-2nd");
        assertThat(new SplitRule.EveryNthSample(11)).hasToString("every-11th");
        assertThat(SplitRule.immPersons(32, 4)).hasToString("imm-person<=32;select>28");
    }

    @Test
    void theTextsOlderModelsRecordedStillRead() {
        // What TrainCommand and Train300wCommand wrote into model.json before the rule was typed.
        assertThat(SplitRule.parse("imm-person<=32")).isEqualTo(SplitRule.immPersons(32, 0));
        assertThat(SplitRule.parse("imm-person<=32;select>28"))
                .isEqualTo(SplitRule.immPersons(32, 4));
        assertThat(SplitRule.parse("every-5th")).isEqualTo(new SplitRule.EveryNthSample(5));
        assertThat(SplitRule.parse("photo-holdout every 10th: 4312 train"))
                .isEqualTo(new SplitRule.EveryNthPhoto(10, 0));
        assertThat(SplitRule.fromProvenance(Map.of("split", "imm-person<=30")))
                .contains(SplitRule.immPersons(30, 0));
        assertThat(SplitRule.fromProvenance(Map.of("seed", "0"))).isEmpty();
    }

    @Test
    void immPersonsHoldsOutSelectionPersonsAndValidatesOnTheRest() {
        FaceSplit plain = SplitRule.immPersons(32, 0).apply(immFaces());
        assertThat(plain.train()).hasSize(192);
        assertThat(plain.validation()).hasSize(48);
        assertThat(plain.selection()).isEqualTo(plain.validation());
        assertThat(plain.selects()).isFalse();
        FaceSplit select = SplitRule.immPersons(32, 4).apply(immFaces());
        assertThat(select.train()).hasSize(168);
        assertThat(select.selection()).hasSize(24);
        assertThat(select.selection().get(0).id()).isEqualTo("29-1m");
        assertThat(select.validation()).isEqualTo(plain.validation());
        assertThat(select.selects()).isTrue();
    }

    @Test
    void everyNthSampleValidatesTheNthFaces() {
        FaceSplit s = new SplitRule.EveryNthSample(5).apply(immFaces().subList(0, 10));
        assertThat(s.validation()).extracting(FaceSample::id).containsExactly("01-5m", "02-4m");
        assertThat(s.train()).hasSize(8);
    }

    @Test
    void everyNthPhotoIsThePhotoSplit() {
        List<FaceSample> faces = immFaces();
        FaceSplit s = new SplitRule.EveryNthPhoto(10, 3).apply(faces);
        PhotoSplit p = PhotoSplit.everyNthPhoto(faces, 10, 3);
        assertThat(s.train()).isEqualTo(p.train());
        assertThat(s.validation()).isEqualTo(p.heldOut());
    }

    @Test
    void badRulesAreNamed() {
        assertThatThrownBy(() -> SplitRule.parse("imm-person<32"))
                .hasMessageContaining("Unknown split 'imm-person<32'")
                .hasMessageContaining("every-Nth");
        assertThatThrownBy(() -> SplitRule.immPersons(32, 32))
                .hasMessageContaining("selectPersons must be in 0..31")
                .hasMessageContaining("got 32");
        assertThatThrownBy(() -> new SplitRule.EveryNthSample(1)).hasMessageContaining("got 1");
        assertThatThrownBy(() -> new SplitRule.EveryNthPhoto(10, 10))
                .hasMessageContaining("offset 10");
    }
}
