package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.EvalPrediction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * TER on worked examples from sacreBLEU's definition: edits = block shifts + word insertions, deletions and
 * substitutions, TER = 100 · Σ edits / Σ reference words. sacreBLEU's TER defaults: case-insensitive
 * ({@code case_sensitive=False}: both texts are lower-cased), no normalization, punctuation kept, whitespace
 * tokenization (so "mat." is one word).
 */
class TerMetricTest {

    private static Map<String, Double> ter(TerMetric.Settings settings, EvalPrediction... batches) {
        TerMetric metric = new TerMetric(settings);
        for (EvalPrediction batch : batches) {
            metric.update(batch);
        }
        return metric.compute();
    }

    private static Map<String, Double> ter(String hypothesis, String reference) {
        return ter(TerMetric.Settings.defaults(), Batches.texts(List.of(hypothesis), List.of(reference)));
    }

    @Test
    void substitutionsInsertionsAndDeletionsCountOneEach() {
        // one substitution (cat -> dog) in 3 reference words
        assertThat(ter("the cat sat", "the dog sat").get("ter")).isCloseTo(100.0 / 3, within(1e-12));
        // one missing word: 1 of 3
        assertThat(ter("a b", "a b c").get("ter")).isCloseTo(100.0 / 3, within(1e-12));
        // one extra word: 1 of 2
        assertThat(ter("a b c", "a b").get("ter")).isCloseTo(50.0, within(1e-12));
    }

    @Test
    void aMovedBlockCostsOneShift() {
        // "b c a" vs "a b c": without shifts 2 edits (delete a, insert a); shifting "a" to the front costs 1 and
        // leaves 0 edits: 1 of 3
        Map<String, Double> result = ter("b c a", "a b c");

        assertThat(result.get("ter_num_edits")).isEqualTo(1.0);
        assertThat(result.get("ter")).isCloseTo(100.0 / 3, within(1e-12));
        // a block of two words moves as one shift: "c d a b" vs "a b c d" = 1 of 4
        assertThat(ter("c d a b", "a b c d").get("ter_num_edits")).isEqualTo(1.0);
    }

    @Test
    void caseIsIgnoredByDefault() {
        EvalPrediction batch = Batches.texts(List.of("The Cat"), List.of("the cat"));

        assertThat(ter(TerMetric.Settings.defaults(), batch).get("ter")).isEqualTo(0.0);
        assertThat(ter(new TerMetric.Settings(true, false, false), batch).get("ter")).isCloseTo(100.0, within(1e-12));
    }

    @Test
    void punctuationOptions() {
        // whitespace tokens: "mat." is not "mat" (1 substitution of 2 words); Tercom's normalization splits the period
        // off: "the mat ." vs "the mat" (1 insertion of 2 words); no-punct removes it: 0
        EvalPrediction batch = Batches.texts(List.of("the mat."), List.of("the mat"));

        assertThat(ter(TerMetric.Settings.defaults(), batch).get("ter")).isCloseTo(50.0, within(1e-12));
        assertThat(ter(new TerMetric.Settings(false, true, false), batch).get("ter")).isCloseTo(50.0, within(1e-12));
        assertThat(ter(new TerMetric.Settings(false, true, false), batch).get("ter_num_edits")).isEqualTo(1.0);
        assertThat(ter(new TerMetric.Settings(false, false, true), batch).get("ter")).isEqualTo(0.0);
    }

    @Test
    void emptyTexts() {
        // an empty hypothesis needs every reference word inserted: 4 of 4
        assertThat(ter("", "one two three four").get("ter")).isCloseTo(100.0, within(1e-12));
        // an empty reference: the hypothesis words are the edits, no reference words: TER 100
        Map<String, Double> emptyReference = ter("one two three", "");
        assertThat(emptyReference).containsEntry("ter", 100.0).containsEntry("ter_num_edits", 3.0)
                .containsEntry("ter_ref_length", 0.0);
        assertThat(ter("", "").get("ter")).isEqualTo(0.0);
    }

    @Test
    void theCorpusScoreDividesSummedEditsBySummedReferenceLengths() {
        // 1 edit of 3 words and 0 of 1 word: 1 / 4 = 25 (the mean of the row rates would be 16.7)
        Map<String, Double> result = ter(TerMetric.Settings.defaults(),
                Batches.texts(List.of("the cat sat"), List.of("the dog sat")), Batches.texts(List.of("a"), List.of("a")));

        assertThat(result.get("ter")).isCloseTo(25.0, within(1e-12));
        assertThat(result).containsEntry("ter_num_edits", 1.0).containsEntry("ter_ref_length", 4.0);
    }

    @Test
    void signatureAndEmptyPass() {
        TerMetric metric = new TerMetric(TerMetric.Settings.defaults());

        assertThat(metric.signature()).isEqualTo("nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0");
        assertThat(metric.compute().get("ter")).isNaN();
        assertThat(metric.keys()).containsExactlyInAnyOrder("ter", "ter_num_edits", "ter_ref_length");
    }
}
