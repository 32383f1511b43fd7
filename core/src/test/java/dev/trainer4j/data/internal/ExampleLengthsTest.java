package dev.trainer4j.data.internal;

import dev.trainer4j.api.Example;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.MapDataset;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExampleLengthsTest {

    /** A list dataset that counts its reads. */
    private static final class Counting implements MapDataset {
        final List<Example> examples;
        final AtomicInteger reads = new AtomicInteger();

        Counting(List<Example> examples) {
            this.examples = examples;
        }

        @Override
        public int size() {
            return examples.size();
        }

        @Override
        public Example get(int index) {
            reads.incrementAndGet();
            return examples.get(index);
        }
    }

    @Test
    void lengthsComeFromTheLengthColumnWhenPresent() {
        Counting dataset = new Counting(List.of(
                Example.of(Map.of("input_ids", new int[] {1, 2}, "length", 7)),
                Example.of(Map.of("input_ids", new int[] {1}, "length", 3L)),
                Example.of(Map.of("input_ids", new int[] {1, 2, 3}, "length", 9.0))));
        assertThat(ExampleLengths.of(dataset, "length", List.of("input_ids"))).containsExactly(7, 3, 9);
    }

    @Test
    void lengthsAreComputedFromTheFirstModelInputArrayAndCached() {
        Counting dataset = new Counting(List.of(
                Example.of(Map.of("label", 1, "attention_mask", new int[] {1}, "input_ids", new long[] {4, 5, 6})),
                Example.of(Map.of("label", 0, "attention_mask", new int[] {1}, "input_ids", new long[] {4})),
                Example.of(Map.of("label", 1, "attention_mask", new int[] {1}, "input_ids", List.of(1, 2)))));
        assertThat(ExampleLengths.of(dataset, "length", List.of("label", "input_ids", "attention_mask"))).containsExactly(3, 1, 2);
        int reads = dataset.reads.get();
        assertThat(reads).isEqualTo(3);
        // cached for this dataset and field: only example 0 is read again (to find the field)
        int[] again = ExampleLengths.of(dataset, "length", List.of("label", "input_ids", "attention_mask"));
        assertThat(again).containsExactly(3, 1, 2);
        assertThat(dataset.reads.get()).isEqualTo(reads + 1);
        again[0] = 99;
        assertThat(ExampleLengths.of(dataset, "length", List.of("input_ids"))).containsExactly(3, 1, 2);
        // another field of the same dataset is computed separately
        assertThat(ExampleLengths.of(dataset, "length", List.of("attention_mask"))).containsExactly(1, 1, 1);
    }

    @Test
    void withoutModelInputsTheFirstArrayFieldIsMeasured() {
        MapDataset dataset = new Counting(List.of(
                Example.builder().put("text", "ab").put("tokens", new float[] {1, 2}).put("ids", new int[] {1}).build()));
        assertThat(ExampleLengths.of(dataset, "length", List.of())).containsExactly(2);
    }

    @Test
    void aDatasetWithoutAnyArrayFieldIsAClearError() {
        MapDataset dataset = new Counting(List.of(Example.of(Map.of("text", "hello", "label", 1))));
        assertThatThrownBy(() -> ExampleLengths.of(dataset, "length", List.of("input_ids")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("group_by_length")
                .hasMessageContaining("no 'length' field")
                .hasMessageContaining("no array field")
                .hasMessageContaining("[input_ids]");
    }

    @Test
    void badLengthValuesNameTheExample() {
        MapDataset column = new Counting(List.of(Example.of(Map.of("length", 2)), Example.of(Map.of("length", "long"))));
        assertThatThrownBy(() -> ExampleLengths.of(column, "length", List.of()))
                .hasMessage("length-column-name 'length': example 1 holds long, expected an integer >= 0");
        MapDataset arrays = new Counting(List.of(Example.of(Map.of("input_ids", new int[] {1})), Example.of(Map.of("text", "x"))));
        assertThatThrownBy(() -> ExampleLengths.of(arrays, "length", List.of("input_ids")))
                .hasMessageContaining("group_by_length measures field 'input_ids', but example 1 lacks it; present: [text]");
        assertThat(ExampleLengths.of(new Counting(List.of()), "length", List.of())).isEmpty();
    }
}
