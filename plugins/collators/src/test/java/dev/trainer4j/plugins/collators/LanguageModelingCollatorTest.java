package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.CollateContext;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.Example;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.trainer4j.plugins.collators.PaddingCollatorTest.assertTensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LanguageModelingCollatorTest {
    private static final int PAD = 0;
    private static final int CLS = 2;
    private static final int SEP = 3;
    private static final int MASK = 4;
    private static final int VOCABULARY = 1000;
    private static final FakeTokenizer TOKENIZER = new FakeTokenizer(
            Map.of("[PAD]", PAD, "[UNK]", 1, "[CLS]", CLS, "[SEP]", SEP, "[MASK]", MASK), PAD, VOCABULARY);

    @Test
    void causalLabelsAreInputsWithMinus100OnPadding() {
        Collator collator = create(Map.of("mlm", false), TestContexts.without());
        Batch batch = collator.collate(List.of(PaddingCollatorTest.ids(5, 6, 7), PaddingCollatorTest.ids(8, 0)), CollateContext.unseeded());
        assertThat(batch.names()).containsExactly("input_ids", "attention_mask", "labels");
        assertTensor(batch.get("input_ids"), new long[] {2, 3}, 5, 6, 7, 8, 0, 0);
        // the real token 0 (e.g. EOS used as pad) stays in the loss; only the padding position is ignored
        assertTensor(batch.get("labels"), new long[] {2, 3}, 5, 6, 7, 8, 0, -100);
        assertTensor(batch.get("attention_mask"), new long[] {2, 3}, 1, 1, 1, 1, 1, 0);
    }

    @Test
    void maskingStatisticsMatchHuggingFace() {
        List<Example> examples = largeBatch(300, new SplittableRandom(1));
        Batch batch = create(Map.of(), TestContexts.with(TOKENIZER)).collate(examples, new CollateContext(42L, 0, 0L));
        int length = Math.toIntExact(batch.get("input_ids").dimension(1));
        int[] inputs = batch.get("input_ids").ints();
        int[] labels = batch.get("labels").ints();
        int eligible = 0;
        int chosen = 0;
        int masked = 0;
        int unchanged = 0;
        int randomized = 0;
        for (int row = 0; row < examples.size(); row++) {
            int[] original = examples.get(row).getIntArray("input_ids");
            for (int column = 0; column < length; column++) {
                int i = row * length + column;
                boolean real = column < original.length;
                boolean special = real && (original[column] == CLS || original[column] == SEP);
                if (!real || special) {
                    assertThat(labels[i]).as("label at padding/special %d,%d", row, column).isEqualTo(-100);
                    assertThat(inputs[i]).as("input at padding/special %d,%d", row, column).isEqualTo(real ? original[column] : PAD);
                    continue;
                }
                eligible++;
                if (labels[i] == -100) {
                    assertThat(inputs[i]).isEqualTo(original[column]);
                    continue;
                }
                chosen++;
                assertThat(labels[i]).isEqualTo(original[column]);
                if (inputs[i] == MASK) {
                    masked++;
                }
                else if (inputs[i] == original[column]) {
                    unchanged++;
                }
                else {
                    assertThat(inputs[i]).isBetween(0, VOCABULARY - 1);
                    randomized++;
                }
            }
        }
        // ~20000 eligible positions, ~3000 chosen: each tolerance is about 4.5 standard deviations
        assertThat((double) chosen / eligible).isCloseTo(0.15, within(0.012));
        assertThat((double) masked / chosen).isCloseTo(0.8, within(0.035));
        // a random replacement equal to the original (1 in 1000) counts as unchanged
        assertThat((double) randomized / chosen).isCloseTo(0.1, within(0.025));
        assertThat((double) unchanged / chosen).isCloseTo(0.1, within(0.025));
    }

    @Test
    void sameSeedSameBatchDifferentSeedDifferentBatch() {
        List<Example> examples = largeBatch(20, new SplittableRandom(2));
        Collator collator = create(Map.of(), TestContexts.with(TOKENIZER));
        Batch first = collator.collate(examples, new CollateContext(7L, 1, 3L));
        Batch again = collator.collate(examples, new CollateContext(7L, 1, 3L));
        Batch other = collator.collate(examples, new CollateContext(8L, 1, 3L));
        assertThat(again.get("input_ids").ints()).containsExactly(first.get("input_ids").ints());
        assertThat(again.get("labels").ints()).containsExactly(first.get("labels").ints());
        assertThat(other.get("labels").ints()).isNotEqualTo(first.get("labels").ints());
    }

    @Test
    void specialTokensMaskFieldDecidesAndIsConsumed() {
        // every real position chosen and masked, except those the examples mark special
        Collator collator = create(Map.of("mlm-probability", 1.0, "mask-replace-prob", 1.0, "random-replace-prob", 0.0),
                TestContexts.with(TOKENIZER));
        Batch batch = collator.collate(List.of(
                Example.builder().put("input_ids", new int[] {2, 50, 51, 3}).put("special_tokens_mask", new int[] {1, 1, 0, 1}).build(),
                Example.builder().put("input_ids", new int[] {2, 52}).put("special_tokens_mask", new int[] {0, 0}).build()),
                CollateContext.unseeded());
        assertThat(batch.names()).containsExactly("input_ids", "attention_mask", "labels");
        assertTensor(batch.get("input_ids"), new long[] {2, 4}, 2, 50, MASK, 3, MASK, MASK, PAD, PAD);
        assertTensor(batch.get("labels"), new long[] {2, 4}, -100, -100, 51, -100, 2, 52, -100, -100);
    }

    @Test
    void specialIdsComeFromSettingsWhenGiven() {
        Collator collator = create(Map.of("mlm-probability", 1.0, "mask-replace-prob", 1.0, "random-replace-prob", 0.0,
                "special-token-ids", List.of(50), "mask-token-id", 9), TestContexts.without());
        Batch batch = collator.collate(List.of(PaddingCollatorTest.ids(2, 50, 51)), CollateContext.unseeded());
        assertThat(batch.get("input_ids").ints()).containsExactly(9, 50, 9);
        assertThat(batch.get("labels").ints()).containsExactly(2, -100, 51);
    }

    @Test
    void padToMultipleOfKeepsPaddingOutOfTheLoss() {
        Collator collator = create(Map.of("pad-to-multiple-of", 8, "mlm-probability", 1.0), TestContexts.with(TOKENIZER));
        Batch batch = collator.collate(List.of(PaddingCollatorTest.ids(2, 10, 11, 3)), new CollateContext(3L, 0, 0L));
        assertThat(batch.get("labels").shape()).containsExactly(1, 8);
        assertThat(batch.get("labels").ints()).containsExactly(-100, 10, 11, -100, -100, -100, -100, -100);
    }

    @Test
    void missingIdsAreClearErrors() {
        assertThatThrownBy(() -> create(Map.of(), TestContexts.without()))
                .hasMessageContaining("mask-token-id");
        assertThatThrownBy(() -> create(Map.of("mask-token-id", 4), TestContexts.without()))
                .hasMessageContaining("vocab-size");
        assertThatThrownBy(() -> create(Map.of("mask-replace-prob", 0.95), TestContexts.with(TOKENIZER)))
                .hasMessageContaining("at most 1");
        assertThatThrownBy(() -> create(Map.of("mlm-probability", 1.5), TestContexts.with(TOKENIZER)))
                .hasMessageContaining("mlm-probability");
    }

    /** Examples [CLS] ids... [SEP] of 40..100 tokens with ids in [5, 1000). */
    private static List<Example> largeBatch(int size, SplittableRandom random) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int length = random.nextInt(40, 101);
            int[] ids = new int[length];
            ids[0] = CLS;
            ids[length - 1] = SEP;
            for (int j = 1; j < length - 1; j++) {
                ids[j] = random.nextInt(5, VOCABULARY);
            }
            examples.add(Example.of(Map.of("input_ids", ids)));
        }
        return examples;
    }

    private static Collator create(Map<String, ?> overrides, dev.trainer4j.spi.PluginContext context) {
        return new LanguageModelingCollatorFactory().create(TestContexts.settings("language-modeling", overrides), context);
    }
}
