package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.EvalPrediction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * chrF on worked examples, derived by hand from sacreBLEU's definition: character n-grams (n = 1..6) of the text
 * without whitespace, per order hypothesis / reference / matched counts, precision and recall averaged over the
 * orders where both sides have n-grams, chrF = 100 · (1 + β²) P R / (β² P + R), β = 2.
 */
class ChrfMetricTest {

    private static double chrf(ChrfMetric.Settings settings, EvalPrediction... batches) {
        ChrfMetric metric = new ChrfMetric(settings);
        for (EvalPrediction batch : batches) {
            metric.update(batch);
        }
        return metric.compute().get("chrf");
    }

    private static double chrf(String hypothesis, String reference) {
        return chrf(ChrfMetric.Settings.defaults(), Batches.texts(List.of(hypothesis), List.of(reference)));
    }

    private static double fBeta2(double precision, double recall) {
        return 100 * 5 * precision * recall / (4 * precision + recall);
    }

    @Test
    void averagesPrecisionAndRecallOverTheOrdersBothSidesHave() {
        // "cat" vs "cats": 1-grams 3 / 4 / 3 matched, 2-grams 2 / 3 / 2, 3-grams 1 / 2 / 1; 4-grams: the hypothesis
        // has none, 5- and 6-grams: neither has any. Effective orders 1-3: P = (1 + 1 + 1) / 3 = 1,
        // R = (3/4 + 2/3 + 1/2) / 3
        double recall = (3.0 / 4 + 2.0 / 3 + 1.0 / 2) / 3;

        assertThat(chrf("cat", "cats")).isCloseTo(fBeta2(1, recall), within(1e-12));
        assertThat(chrf("cat", "cats")).isCloseTo(68.86, within(0.01));
    }

    @Test
    void whitespaceIsDroppedBeforeCountingCharacters() {
        // "a b c" and "abc" are both "abc" once whitespace is removed
        assertThat(chrf("a b c", "abc")).isCloseTo(100.0, within(1e-12));
        assertThat(chrf(new ChrfMetric.Settings(6, 0, 2, false, true, false),
                Batches.texts(List.of("a b c"), List.of("abc")))).isLessThan(100.0);
    }

    @Test
    void charactersAreCodePoints() {
        // "é" and "😀" are one character each: "é😀" vs "é😀x": 1-grams 2 / 3 / 2, 2-grams 1 / 2 / 1, 3-grams
        // 0 hypothesis n-grams (not counted): P = 1, R = (2/3 + 1/2) / 2
        assertThat(chrf("é😀", "é😀x")).isCloseTo(fBeta2(1, (2.0 / 3 + 1.0 / 2) / 2), within(1e-12));
    }

    @Test
    void chrfPlusPlusAddsWordUnigramsAndBigrams() {
        // "hello world!" vs "hello world": characters "helloworld!" (11) vs "helloworld" (10); every reference
        // n-gram is in the hypothesis, so order n has 12 - n / 11 - n / 11 - n matched: P_n = (11 - n) / (12 - n),
        // R_n = 1. Words (punctuation split off): "hello world !" vs "hello world": unigrams 3 / 2 / 2, bigrams
        // ("hello world", "world !") 2 / 1 / 1. Eight orders: P = (sum of P_n + 2/3 + 1/2) / 8, R = 1.
        double precisionSum = 2.0 / 3 + 1.0 / 2;
        for (int order = 1; order <= 6; order++) {
            precisionSum += (11.0 - order) / (12.0 - order);
        }
        ChrfMetric.Settings chrfPlusPlus = new ChrfMetric.Settings(6, 2, 2, false, false, false);

        assertThat(chrf(chrfPlusPlus, Batches.texts(List.of("hello world!"), List.of("hello world"))))
                .isCloseTo(fBeta2(precisionSum / 8, 1), within(1e-12));
        assertThat(new ChrfMetric(chrfPlusPlus).signature())
                .isEqualTo("nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0");
    }

    @Test
    void punctuationIsSplitFromOneEndOfAWord() {
        assertThat(ChrfMetric.splitPunctuation("(hi) world! « x » !")).containsExactly("(hi", ")", "world", "!", "«",
                "x", "»", "!");
    }

    @Test
    void epsilonSmoothingAveragesPerOrderFScores() {
        // "cat" vs "cats" per order: F1 = 5 * 3/4 / (4 + 3/4), F2 = 5 * 2/3 / (4 + 2/3), F3 = 5 * 1/2 / (4 + 1/2),
        // F4 = 0 (no hypothesis 4-grams: P = eps, R = 0), F5 = F6 = eps = 1e-16; chrF = 100 * sum / 6
        double sum = 5 * 0.75 / 4.75 + 5 * (2.0 / 3) / (4 + 2.0 / 3) + 5 * 0.5 / 4.5 + 2e-16;

        assertThat(chrf(new ChrfMetric.Settings(6, 0, 2, false, false, true),
                Batches.texts(List.of("cat"), List.of("cats")))).isCloseTo(100 * sum / 6, within(1e-12));
    }

    @Test
    void theCorpusScoreSumsCountsOverRows() {
        // "ab" / "ab" and "cd" / "xy": 1-grams 4 / 4 / 2, 2-grams 2 / 2 / 1: P = R = (1/2 + 1/2) / 2 = 1/2
        double expected = fBeta2(0.5, 0.5);

        assertThat(chrf(ChrfMetric.Settings.defaults(), Batches.texts(List.of("ab", "cd"), List.of("ab", "xy"))))
                .isCloseTo(expected, within(1e-12));
        assertThat(chrf(ChrfMetric.Settings.defaults(), Batches.texts(List.of("ab"), List.of("ab")),
                Batches.texts(List.of("cd"), List.of("xy")))).isCloseTo(expected, within(1e-12));
    }

    @Test
    void edgeCases() {
        assertThat(chrf("Le chat est là.", "Le chat est là.")).isCloseTo(100.0, within(1e-12));
        assertThat(chrf("", "Le chat")).isEqualTo(0.0);
        assertThat(chrf(ChrfMetric.Settings.defaults(), Batches.texts(List.of("Le Chat"), List.of("le chat"))))
                .isLessThan(100.0);
        assertThat(chrf(new ChrfMetric.Settings(6, 0, 2, true, false, false),
                Batches.texts(List.of("Le Chat"), List.of("le chat")))).isCloseTo(100.0, within(1e-12));
        assertThat(new ChrfMetric(ChrfMetric.Settings.defaults()).compute().get("chrf")).isNaN();
        assertThat(new ChrfMetric(ChrfMetric.Settings.defaults()).signature())
                .isEqualTo("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0");
    }

    @Test
    void badSettingsNameTheKey() {
        assertThatThrownBy(() -> new ChrfMetric.Settings(0, 0, 2, false, false, false))
                .isInstanceOf(ConfigurationException.class).hasMessage("char-order: 0 is not allowed; expected an integer >= 1");
        assertThatThrownBy(() -> new ChrfMetric.Settings(6, -1, 2, false, false, false))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("word-order: -1 is not allowed");
        assertThatThrownBy(() -> new ChrfMetric.Settings(6, 0, -2, false, false, false))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("beta: -2.0 is not allowed");
    }
}
