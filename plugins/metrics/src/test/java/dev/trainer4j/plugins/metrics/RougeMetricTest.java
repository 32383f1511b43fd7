package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.EvalPrediction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * ROUGE on worked examples from rouge_score's definitions: tokens are the lower-cased runs of [a-z0-9]; ROUGE-N
 * F = 2PR / (P + R) with P = overlap / prediction n-grams, R = overlap / target n-grams; ROUGE-L the same with the
 * length of the longest common subsequence; ROUGE-Lsum with the union LCS of each target line against every
 * prediction line. Results are the mean over rows of the per-row F.
 */
class RougeMetricTest {

    private static Map<String, Double> rouge(RougeMetric.Settings settings, EvalPrediction... batches) {
        RougeMetric metric = new RougeMetric(settings);
        for (EvalPrediction batch : batches) {
            metric.update(batch);
        }
        return metric.compute();
    }

    private static Map<String, Double> rouge(String prediction, String target) {
        return rouge(RougeMetric.Settings.defaults(), Batches.texts(List.of(prediction), List.of(target)));
    }

    @Test
    void tokensAreLowerCaseAlphanumericRuns() {
        RougeMetric metric = new RougeMetric(RougeMetric.Settings.defaults());

        // "ç" is not in [a-z0-9]: "Ça" leaves "a"
        assertThat(metric.tokenize("The quick-brown Fox's 2 dogs! Ça va")).containsExactly("the", "quick", "brown",
                "fox", "s", "2", "dogs", "a", "va");
    }

    @Test
    void ngramAndLongestCommonSubsequenceScores() {
        // prediction "the cat was found under the bed" (7 tokens), target "the cat was under the bed" (6)
        // rouge1: overlap the x2, cat, was, under, bed = 6: P 6/7, R 6/6, F = 12/13
        // rouge2: target bigrams the-cat cat-was was-under under-the the-bed (5), prediction 6, overlap 4:
        //   P 4/6, R 4/5, F = 2 (2/3)(4/5) / (2/3 + 4/5) = 8/11
        // rougeL: LCS "the cat was under the bed" = 6: F = 12/13; rougeLsum on one line is the same
        Map<String, Double> result = rouge("the cat was found under the bed", "the cat was under the bed");

        assertThat(result.get("rouge1")).isCloseTo(12.0 / 13, within(1e-15));
        assertThat(result.get("rouge2")).isCloseTo(8.0 / 11, within(1e-15));
        assertThat(result.get("rougeL")).isCloseTo(12.0 / 13, within(1e-15));
        assertThat(result.get("rougeLsum")).isCloseTo(12.0 / 13, within(1e-15));
    }

    @Test
    void summaryLevelLcsTakesTheUnionOverPredictionLines() {
        // ROUGE's own example: target line w1 w2 w3 w4 w5; prediction lines "w1 w2 w6 w7 w8" and "w1 w3 w8 w9 w5".
        // LCS with line 1: w1 w2, with line 2: w1 w3 w5; union w1 w2 w3 w5 = 4 hits: R 4/5, P 4/10, F = 8/15
        Map<String, Double> union = rouge("w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5", "w1 w2 w3 w4 w5");
        assertThat(union.get("rougeLsum")).isCloseTo(8.0 / 15, within(1e-15));

        // lines in the other order: rougeL sees "w3 w4 w5 w1 w2" (LCS 3 of 5: F 3/5), rougeLsum matches every
        // target token through one line or the other (F 1)
        Map<String, Double> swapped = rouge("w3 w4 w5\nw1 w2", "w1 w2 w3 w4 w5");
        assertThat(swapped.get("rougeL")).isCloseTo(0.6, within(1e-15));
        assertThat(swapped.get("rougeLsum")).isCloseTo(1.0, within(1e-15));
        assertThat(swapped.get("rouge1")).isCloseTo(1.0, within(1e-15));
    }

    @Test
    void summaryLevelLcsCountsATokenAtMostAsOftenAsItOccurs() {
        // target lines "a b" and "a b"; prediction line "a b": each target line's LCS is a b, but the prediction has
        // one a and one b, so only 2 hits: P 2/2, R 2/4, F = 2/3
        assertThat(rouge("a b", "a b\na b").get("rougeLsum")).isCloseTo(2.0 / 3, within(1e-15));
    }

    @Test
    void theStemmerMatchesInflections() {
        // "running dogs" vs "the dog runs": no token in common; stemmed: run dog vs the dog run ("dog" has only
        // three characters and is not stemmed): P 2/2, R 2/3, F 0.8
        EvalPrediction batch = Batches.texts(List.of("running dogs"), List.of("the dog runs"));

        assertThat(rouge(RougeMetric.Settings.defaults(), batch).get("rouge1")).isEqualTo(0.0);
        assertThat(rouge(new RougeMetric.Settings(List.of("rouge1"), true), batch).get("rouge1"))
                .isCloseTo(0.8, within(1e-15));
    }

    @Test
    void theResultIsTheMeanOfRowScores() {
        // row 1 identical (F 1 for every type), row 2 without a common token (F 0): mean 0.5, over one or two batches
        Map<String, Double> oneBatch = rouge(RougeMetric.Settings.defaults(),
                Batches.texts(List.of("a b c", "x y"), List.of("a b c", "p q")));
        Map<String, Double> twoBatches = rouge(RougeMetric.Settings.defaults(),
                Batches.texts(List.of("a b c"), List.of("a b c")), Batches.texts(List.of("x y"), List.of("p q")));

        assertThat(oneBatch).containsOnlyKeys("rouge1", "rouge2", "rougeL", "rougeLsum");
        assertThat(oneBatch.values()).allSatisfy(value -> assertThat(value).isCloseTo(0.5, within(1e-15)));
        assertThat(twoBatches).isEqualTo(oneBatch);
    }

    @Test
    void emptyTextsScoreZero() {
        assertThat(rouge("", "the cat").values()).containsOnly(0.0);
        assertThat(rouge("!!!", "the cat").values()).containsOnly(0.0);
        assertThat(new RougeMetric(RougeMetric.Settings.defaults()).compute().get("rouge1")).isNaN();
    }

    @Test
    void rougeTypesAreChecked() {
        RougeMetric metric = new RougeMetric(new RougeMetric.Settings(List.of("rouge3", "rougeL"), false));
        assertThat(metric.keys()).containsExactly("rouge3", "rougeL");
        // "a b c d" vs "a b c e": trigrams a-b-c shared of 2 each: F 1/2
        metric.update(Batches.texts(List.of("a b c d"), List.of("a b c e")));
        assertThat(metric.compute().get("rouge3")).isCloseTo(0.5, within(1e-15));

        assertThatThrownBy(() -> new RougeMetric.Settings(List.of("rouge0"), false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("rouge-types: 'rouge0' is not allowed; expected rouge1 to rouge9, rougeL or rougeLsum");
        assertThatThrownBy(() -> new RougeMetric.Settings(List.of(), false))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("rouge-types: [] is not allowed");
        assertThatThrownBy(() -> new RougeMetric.Settings(List.of("rouge1", "rouge1"), false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("distinct");
    }
}
