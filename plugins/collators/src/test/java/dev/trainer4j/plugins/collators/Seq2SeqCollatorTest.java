package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.CollateContext;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.Example;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.trainer4j.plugins.collators.PaddingCollatorTest.assertTensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Seq2SeqCollatorTest {
    private static final CollateContext CONTEXT = CollateContext.unseeded();
    private static final List<Example> EXAMPLES = List.of(
            Example.builder().put("input_ids", new int[] {11, 12}).put("labels", new int[] {21, 22, 23, 1}).build(),
            Example.builder().put("input_ids", new int[] {13, 14, 15}).put("labels", new int[] {24, 1}).build());

    @Test
    void padsLabelsWithMinus100ToTheLongestLabelAndInputsSeparately() {
        Batch batch = create(Map.of()).collate(EXAMPLES, CONTEXT);
        assertThat(batch.names()).containsExactly("input_ids", "attention_mask", "labels");
        assertTensor(batch.get("input_ids"), new long[] {2, 3}, 11, 12, 0, 13, 14, 15);
        assertTensor(batch.get("attention_mask"), new long[] {2, 3}, 1, 1, 0, 1, 1, 1);
        assertTensor(batch.get("labels"), new long[] {2, 4}, 21, 22, 23, 1, 24, 1, -100, -100);
    }

    @Test
    void roundsLabelLengthUpToTheMultiple() {
        Batch batch = create(Map.of("pad-to-multiple-of", 3)).collate(EXAMPLES, CONTEXT);
        assertTensor(batch.get("labels"), new long[] {2, 6}, 21, 22, 23, 1, -100, -100, 24, 1, -100, -100, -100, -100);
        assertThat(batch.get("input_ids").shape()).containsExactly(2, 3);
    }

    @Test
    void addsDecoderInputIdsShiftedRightWithPadForIgnoredLabels() {
        Batch batch = create(Map.of("add-decoder-input-ids", true, "pad-token-id", 0)).collate(EXAMPLES, CONTEXT);
        assertTensor(batch.get("decoder_input_ids"), new long[] {2, 4}, 0, 21, 22, 23, 0, 24, 1, 0);
        Batch started = create(Map.of("add-decoder-input-ids", true, "pad-token-id", 5, "decoder-start-token-id", 9))
                .collate(EXAMPLES, CONTEXT);
        assertTensor(started.get("decoder_input_ids"), new long[] {2, 4}, 9, 21, 22, 23, 9, 24, 1, 5);
        assertThat(started.get("input_ids").ints()).containsExactly(11, 12, 5, 13, 14, 15);
    }

    @Test
    void customLabelPadId() {
        Batch batch = create(Map.of("label-pad-token-id", 0)).collate(EXAMPLES, CONTEXT);
        assertThat(batch.get("labels").ints()).containsExactly(21, 22, 23, 1, 24, 1, 0, 0);
    }

    @Test
    void labelsAreRequired() {
        assertThatThrownBy(() -> create(Map.of()).collate(List.of(Example.of(Map.of("input_ids", new int[] {1}))), CONTEXT))
                .hasMessageContaining("'labels'");
    }

    private static Collator create(Map<String, ?> overrides) {
        return new Seq2SeqCollatorFactory().create(TestContexts.settings("seq2seq", overrides), TestContexts.without());
    }
}
