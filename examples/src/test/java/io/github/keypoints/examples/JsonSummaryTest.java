package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSummaryTest {

    @Test
    void undefinedMetricsBecomeNullSoTheLineIsStrictJson() {
        String line =
                new JsonSummary()
                        .put("val_mean_px", 28.25)
                        .put("val_nme", Double.NaN)
                        .put("cases", List.of(Map.of("ratio", Double.POSITIVE_INFINITY)))
                        .put("name", "nose-tip")
                        .toJson();
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        assertThat(o.get("val_mean_px").getAsDouble()).isEqualTo(28.25);
        assertThat(o.get("val_nme").isJsonNull()).isTrue();
        assertThat(o.getAsJsonArray("cases").get(0).getAsJsonObject().get("ratio").isJsonNull())
                .isTrue();
        assertThat(line).doesNotContain("NaN").doesNotContain("Infinity");
    }
}
