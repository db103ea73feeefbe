package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class LenientLoadProperties {

    /**
     * However a folder's samples are spoiled, a lenient load accounts for every one: it is loaded
     * or reported with its name, never both, never neither; a strict load fails exactly when one is
     * spoiled.
     */
    @Property(tries = 10)
    void everySampleIsLoadedOrReportedNeverDroppedSilently(
            @ForAll @Size(min = 1, max = 6) List<Optional<DatasetLoaderTest.Bad>> plan)
            throws IOException {
        Path root = Files.createTempDirectory("lenient");
        try {
            Set<String> spoiled = new HashSet<>();
            for (int i = 0; i < plan.size(); i++) {
                String name = String.format("%02d-1m", i + 1);
                Fixtures.immPair(root, name, 32, 24);
                if (plan.get(i).isPresent()) {
                    DatasetLoaderTest.spoil(root, name, plan.get(i).get());
                    spoiled.add(name);
                }
            }
            LoadedDataset d = DatasetLoader.builder().setPath(root).optStrict(false).build().load();
            Set<String> loaded =
                    d.samples().stream().map(FaceSample::id).collect(Collectors.toSet());
            Set<String> reported =
                    d.skipped().stream()
                            .map(s -> s.file().getFileName().toString().replaceAll("\\..*", ""))
                            .collect(Collectors.toSet());
            assertThat(d.samples().size() + d.skipped().size()).isEqualTo(plan.size());
            assertThat(reported).isEqualTo(spoiled);
            reported.add("(none)"); // AssertJ refuses an empty 'none of' list
            assertThat(loaded)
                    .doesNotContainAnyElementsOf(reported)
                    .hasSize(plan.size() - spoiled.size());
            boolean strictFailed;
            try {
                DatasetLoader.builder().setPath(root).build().load();
                strictFailed = false;
            } catch (BadSampleException e) {
                strictFailed = true;
            }
            assertThat(strictFailed).isEqualTo(!spoiled.isEmpty());
        } finally {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }
}
