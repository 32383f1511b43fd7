package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.CollateContext;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.Example;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenClassificationCollatorTest {
    private static final CollateContext CONTEXT = CollateContext.unseeded();

    private static Collator create(Map<String, ?> overrides) {
        return new TokenClassificationCollatorFactory().create(TestContexts.settings("token-classification", overrides),
                TestContexts.without());
    }

    /**
     * "Hugging Face is in Brooklyn" as [CLS] Hug ##ging Face is in Brook ##lyn [SEP]: words 0..4 = Hugging, Face, is,
     * in, Brooklyn with labels B-ORG(3) I-ORG(4) O(0) O(0) B-LOC(5). run_ner labels each word's first piece and puts
     * -100 on [CLS], [SEP] and the continuation pieces ##ging and ##lyn.
     */
    private static Example sentence() {
        return Example.builder()
                .put("input_ids", new int[] {101, 20, 21, 22, 23, 24, 25, 26, 102})
                .put("word_ids", new int[] {-1, 0, 0, 1, 2, 3, 4, 4, -1})
                .put("labels", new int[] {3, 4, 0, 0, 5})
                .build();
    }

    private static Example shortSentence() {
        // [CLS] Paris [SEP]: one word labelled B-LOC
        return Example.builder().put("input_ids", new int[] {101, 30, 102}).put("word_ids", new int[] {-1, 0, -1})
                .put("labels", new int[] {5}).build();
    }

    @Test
    void labelsTheFirstPieceOfEachWordAndPadsWithMinusHundred() {
        Batch batch = create(Map.of()).collate(List.of(sentence(), shortSentence()), CONTEXT);

        assertThat(batch.names()).containsExactly("input_ids", "attention_mask", "labels");
        assertThat(batch.get("labels").shape()).containsExactly(2, 9);
        assertThat(batch.get("labels").ints()).containsExactly(
                -100, 3, -100, 4, 0, 0, 5, -100, -100,
                -100, 5, -100, -100, -100, -100, -100, -100, -100);
        assertThat(batch.get("input_ids").ints()).containsExactly(
                101, 20, 21, 22, 23, 24, 25, 26, 102,
                101, 30, 102, 0, 0, 0, 0, 0, 0);
        assertThat(batch.get("attention_mask").ints()).containsExactly(
                1, 1, 1, 1, 1, 1, 1, 1, 1,
                1, 1, 1, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void labelAllTokensRepeatsTheWordsLabelOnItsLaterPieces() {
        Batch batch = create(Map.of("label-all-tokens", true)).collate(List.of(sentence()), CONTEXT);

        assertThat(batch.get("labels").ints()).containsExactly(-100, 3, 3, 4, 0, 0, 5, 5, -100);
    }

    @Test
    void tokenLevelLabelsWithoutWordIdsArePaddedAsGiven() {
        Example first = Example.builder().put("input_ids", new int[] {7, 8, 9}).put("labels", new int[] {1, 2, -100})
                .build();
        Example second = Example.builder().put("input_ids", new int[] {7}).put("labels", new int[] {2}).build();

        Batch batch = create(Map.of("pad-to-multiple-of", 4)).collate(List.of(first, second), CONTEXT);

        assertThat(batch.get("labels").ints()).containsExactly(1, 2, -100, -100, 2, -100, -100, -100);
    }

    @Test
    void badWordIdsOrLabelCountsAreRefusedNamingTheExample() {
        Example wordOutOfRange = Example.builder().put("input_ids", new int[] {101, 30, 31, 102})
                .put("word_ids", new int[] {-1, 0, 1, -1}).put("labels", new int[] {5}).build();
        assertThatThrownBy(() -> create(Map.of()).collate(List.of(shortSentence(), wordOutOfRange), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("example 1: token 2 belongs to word 1 but the example has 1 word labels in 'labels';"
                        + " expected word ids in [0, 1) or -1 for special tokens");
        Example shortWordIds = Example.builder().put("input_ids", new int[] {101, 30, 102})
                .put("word_ids", new int[] {-1, 0}).put("labels", new int[] {5}).build();
        assertThatThrownBy(() -> create(Map.of()).collate(List.of(shortWordIds), CONTEXT))
                .hasMessage("example 0 has 2 'word_ids' but 3 input_ids; they must be equally long");
        Example wordLabelsWithoutWordIds = Example.builder().put("input_ids", new int[] {101, 30, 31, 102})
                .put("labels", new int[] {5, 0}).build();
        assertThatThrownBy(() -> create(Map.of()).collate(List.of(wordLabelsWithoutWordIds), CONTEXT))
                .hasMessageStartingWith("example 0 has 2 'labels' for 4 input_ids and no 'word_ids'");
    }
}
