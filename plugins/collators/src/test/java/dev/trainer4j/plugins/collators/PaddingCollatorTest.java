package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.CollateContext;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PaddingCollatorTest {
    private static final CollateContext CONTEXT = CollateContext.unseeded();

    @Test
    void padsToTheLongestAndRenamesLabel() {
        Collator collator = create(Map.of());
        Batch batch = collator.collate(List.of(
                Example.builder().put("input_ids", new int[] {5, 6, 7}).put("label", 1).put("text", "abc").build(),
                Example.builder().put("input_ids", new int[] {8}).put("label", 0).put("text", "d").build()), CONTEXT);
        assertThat(batch.names()).containsExactly("input_ids", "attention_mask", "labels");
        assertTensor(batch.get("input_ids"), new long[] {2, 3}, 5, 6, 7, 8, 0, 0);
        assertTensor(batch.get("attention_mask"), new long[] {2, 3}, 1, 1, 1, 1, 0, 0);
        assertTensor(batch.get("labels"), new long[] {2}, 1, 0);
    }

    @Test
    void roundsUpToAMultiple() {
        Collator collator = create(Map.of("pad-to-multiple-of", 4));
        Batch batch = collator.collate(List.of(ids(1, 2, 3), ids(4)), CONTEXT);
        assertTensor(batch.get("input_ids"), new long[] {2, 4}, 1, 2, 3, 0, 4, 0, 0, 0);
        Batch exact = collator.collate(List.of(ids(1, 2, 3, 4), ids(5)), CONTEXT);
        assertThat(exact.get("input_ids").shape()).containsExactly(2, 4);
        Batch next = collator.collate(List.of(ids(1, 2, 3, 4, 5), ids(6)), CONTEXT);
        assertThat(next.get("input_ids").shape()).containsExactly(2, 8);
    }

    @Test
    void padsToMaxLengthAndRejectsLongerSequences() {
        Collator collator = create(Map.of("padding", "max-length", "max-length", 5, "pad-to-multiple-of", 3));
        Batch batch = collator.collate(List.of(ids(1, 2), ids(3)), CONTEXT);
        assertThat(batch.get("input_ids").shape()).containsExactly(2, 6);
        assertThatThrownBy(() -> create(Map.of("padding", "max-length", "max-length", 2)).collate(List.of(ids(1, 2, 3)), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'input_ids'").hasMessageContaining("3 tokens").hasMessageContaining("max-length 2");
        assertThatThrownBy(() -> create(Map.of("padding", "max-length"))).hasMessageContaining("positive 'max-length'");
        assertThatThrownBy(() -> create(Map.of("padding", "biggest"))).hasMessageContaining("'biggest'");
    }

    @Test
    void padIdComesFromTheSettingThenTheTokenizerElseZero() {
        List<Example> examples = List.of(ids(1, 2), ids(3));
        FakeTokenizer tokenizer = new FakeTokenizer(Map.of(), 7, 100);
        assertThat(new PaddingCollatorFactory().create(TestContexts.settings("padding", Map.of()), TestContexts.with(tokenizer))
                .collate(examples, CONTEXT).get("input_ids").ints()).containsExactly(1, 2, 3, 7);
        assertThat(new PaddingCollatorFactory().create(TestContexts.settings("padding", Map.of("pad-token-id", 9)), TestContexts.with(tokenizer))
                .collate(examples, CONTEXT).get("input_ids").ints()).containsExactly(1, 2, 3, 9);
        assertThat(create(Map.of()).collate(examples, CONTEXT).get("input_ids").ints()).containsExactly(1, 2, 3, 0);
    }

    @Test
    void padsGivenMasksAndSegmentIds() {
        Batch batch = create(Map.of()).collate(List.of(
                Example.builder().put("input_ids", new int[] {2, 10, 3}).put("attention_mask", new int[] {1, 1, 1})
                        .put("token_type_ids", new int[] {0, 1, 1}).put("special_tokens_mask", new int[] {1, 0, 1}).build(),
                Example.builder().put("input_ids", new int[] {2, 3}).put("attention_mask", new int[] {1, 1})
                        .put("token_type_ids", new int[] {0, 0}).put("special_tokens_mask", new int[] {1, 1}).build()), CONTEXT);
        assertTensor(batch.get("attention_mask"), new long[] {2, 3}, 1, 1, 1, 1, 1, 0);
        assertTensor(batch.get("token_type_ids"), new long[] {2, 3}, 0, 1, 1, 0, 0, 0);
        assertTensor(batch.get("special_tokens_mask"), new long[] {2, 3}, 1, 0, 1, 1, 1, 1);
    }

    @Test
    void stacksOtherNumericFieldsByType() {
        Batch batch = create(Map.of()).collate(List.of(
                Example.builder().put("input_ids", List.of(1L, 2L)).put("label_ids", 0.5).put("weight", 3L).put("flag", true)
                        .put("features", new float[] {1f, 2f}).build(),
                Example.builder().put("input_ids", new long[] {3}).put("label_ids", 1.5).put("weight", 4L).put("flag", false)
                        .put("features", new float[] {3f, 4f}).build()), CONTEXT);
        assertThat(batch.get("labels").dataType()).isEqualTo(DataType.FLOAT32);
        assertThat(batch.get("labels").floats()).containsExactly(0.5f, 1.5f);
        assertThat(batch.get("weight").longs()).containsExactly(3L, 4L);
        assertThat(batch.get("flag").ints()).containsExactly(1, 0);
        assertThat(batch.get("features").shape()).containsExactly(2, 2);
        assertThat(batch.get("input_ids").ints()).containsExactly(1, 2, 3, 0);
    }

    @Test
    void clearErrorsForBadBatches() {
        Collator collator = create(Map.of());
        assertThatThrownBy(() -> collator.collate(List.of(ids(1), Example.of(Map.of("text", "x"))), CONTEXT))
                .hasMessageContaining("example 1").hasMessageContaining("'input_ids'");
        assertThatThrownBy(() -> collator.collate(List.of(), CONTEXT)).hasMessageContaining("empty");
        assertThatThrownBy(() -> collator.collate(List.of(
                Example.builder().put("input_ids", new int[] {1}).put("labels", new int[] {1, 2}).build(),
                Example.builder().put("input_ids", new int[] {1}).put("labels", new int[] {1}).build()), CONTEXT))
                .hasMessageContaining("'labels'").hasMessageContaining("seq2seq");
        assertThatThrownBy(() -> collator.collate(List.of(
                Example.builder().put("input_ids", new int[] {1, 2}).put("attention_mask", new int[] {1}).build()), CONTEXT))
                .hasMessageContaining("1 'attention_mask' but 2 input_ids");
    }

    @Test
    void pluginContributesTheFourFactories() {
        assertThat(new CollatorsPlugin().collatorFactories()).extracting(f -> f.name())
                .containsExactly("padding", "seq2seq", "language-modeling", "token-classification");
    }

    static Example ids(int... ids) {
        return Example.of(Map.of("input_ids", ids));
    }

    private static Collator create(Map<String, ?> overrides) {
        return new PaddingCollatorFactory().create(TestContexts.settings("padding", overrides), TestContexts.without());
    }

    static void assertTensor(HostTensor tensor, long[] shape, int... values) {
        assertThat(tensor.dataType()).isEqualTo(DataType.INT32);
        assertThat(tensor.shape()).containsExactly(shape);
        assertThat(tensor.ints()).containsExactly(values);
    }
}
