package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Corpus BLEU on worked examples, derived by hand from sacreBLEU's definition: 13a tokens, clipped n-gram matches
 * per order, precision 100 · matched / total, exp smoothing 100 / (2^k · total) for the k-th order without matches,
 * BLEU = BP · exp(mean log precision), BP = exp(1 − ref_len / sys_len) when the hypotheses are shorter.
 */
class SacreBleuMetricTest {

    private static Map<String, Double> score(SacreBleuMetric.Settings settings, EvalPrediction... batches) {
        SacreBleuMetric metric = new SacreBleuMetric(settings);
        for (EvalPrediction batch : batches) {
            metric.update(batch);
        }
        return metric.compute();
    }

    private static Map<String, Double> score(String hypothesis, String reference) {
        return score(SacreBleuMetric.Settings.defaults(), Batches.texts(List.of(hypothesis), List.of(reference)));
    }

    private static double geometricMean(double... precisions) {
        double logSum = 0;
        for (double precision : precisions) {
            logSum += Math.log(precision);
        }
        return Math.exp(logSum / precisions.length);
    }

    @Test
    void aPerfectMatchScoresOneHundred() {
        // "The cat sat on the mat ." : 7 tokens, every n-gram matched, BP 1
        Map<String, Double> result = score("The cat sat on the mat.", "The cat sat on the mat.");

        assertThat(result.get("bleu")).isCloseTo(100.0, within(1e-9));
        assertThat(result).containsEntry("bleu_precisions_1", 100.0).containsEntry("bleu_precisions_4", 100.0)
                .containsEntry("bleu_bp", 1.0).containsEntry("bleu_sys_len", 7.0).containsEntry("bleu_ref_len", 7.0);
    }

    @Test
    void papinenisExampleCountsClippedNgrams() {
        // hypothesis (19 tokens): It is a guide to action which ensures that the military always obeys the commands
        //   of the party .
        // reference (17 tokens): It is a guide to action that ensures that the military will forever heed Party
        //   commands .
        // 1-grams: It is a guide to action ensures that the(3, clipped to 1) military commands . = 12 of 19
        //   ("party" is not "Party")
        // 2-grams: It is, is a, a guide, guide to, to action, ensures that, that the, the military = 8 of 18
        // 3-grams: It is a, is a guide, a guide to, guide to action, ensures that the, that the military = 6 of 17
        // 4-grams: It is a guide, is a guide to, a guide to action, ensures that the military = 4 of 16
        // BP = 1 (19 >= 17)
        Map<String, Double> result = score(
                "It is a guide to action which ensures that the military always obeys the commands of the party.",
                "It is a guide to action that ensures that the military will forever heed Party commands.");

        assertThat(result.get("bleu_precisions_1")).isCloseTo(100.0 * 12 / 19, within(1e-12));
        assertThat(result.get("bleu_precisions_2")).isCloseTo(100.0 * 8 / 18, within(1e-12));
        assertThat(result.get("bleu_precisions_3")).isCloseTo(100.0 * 6 / 17, within(1e-12));
        assertThat(result.get("bleu_precisions_4")).isCloseTo(100.0 * 4 / 16, within(1e-12));
        assertThat(result.get("bleu")).isCloseTo(100 * geometricMean(12.0 / 19, 8.0 / 18, 6.0 / 17, 4.0 / 16),
                within(1e-9));
        assertThat(result.get("bleu")).isCloseTo(39.67, within(0.01));
    }

    @Test
    void ordersWithoutMatchesGetExpSmoothing() {
        // hypothesis: 7 x "the"; reference "The cat is on the mat ." (7 tokens, "the" once)
        // 1-grams: "the" clipped to 1 of 7; 2-, 3-, 4-grams: 0 of 6, 5, 4
        // exp smoothing: 100 / (2 * 6), 100 / (4 * 5), 100 / (8 * 4)
        Map<String, Double> result = score("the the the the the the the", "The cat is on the mat.");

        assertThat(result.get("bleu_precisions_1")).isCloseTo(100.0 / 7, within(1e-12));
        assertThat(result.get("bleu_precisions_2")).isCloseTo(100.0 / 12, within(1e-12));
        assertThat(result.get("bleu_precisions_3")).isCloseTo(5.0, within(1e-12));
        assertThat(result.get("bleu_precisions_4")).isCloseTo(3.125, within(1e-12));
        assertThat(result.get("bleu")).isCloseTo(geometricMean(100.0 / 7, 100.0 / 12, 5.0, 3.125), within(1e-9));
    }

    @Test
    void aLongerHypothesisHasNoBrevityPenalty() {
        // hypothesis "the cat sat on the mat today" (7), reference "the cat sat" (3)
        // 1-grams: the (2, clipped to 1), cat, sat = 3 of 7; 2-grams: the cat, cat sat = 2 of 6; 3-grams: 1 of 5;
        // 4-grams: 0 of 4 -> 100 / (2 * 4) = 12.5; BP = 1
        Map<String, Double> result = score("the cat sat on the mat today", "the cat sat");

        assertThat(result.get("bleu_bp")).isEqualTo(1.0);
        assertThat(result.get("bleu")).isCloseTo(100 * geometricMean(3.0 / 7, 2.0 / 6, 1.0 / 5, 0.125),
                within(1e-9));
    }

    @Test
    void aShorterHypothesisIsPenalisedAndOrdersWithoutNgramsGiveZero() {
        // hypothesis "the cat" (2), reference "the cat sat on the mat" (6): BP = exp(1 - 6 / 2) = exp(-2)
        // 1-grams 2 of 2, 2-grams 1 of 1, no 3-grams at all: sacreBLEU stops there and the missing orders count as
        // log 0, so BLEU is 0; with effective-order the mean runs over the two orders: exp(-2) * 100
        EvalPrediction batch = Batches.texts(List.of("the cat"), List.of("the cat sat on the mat"));

        Map<String, Double> plain = score(SacreBleuMetric.Settings.defaults(), batch);
        Map<String, Double> effective = score(
                new SacreBleuMetric.Settings(false, SacreBleuMetric.Tokenization.MTEVAL_13A,
                        SacreBleuMetric.Smoothing.EXP, 4, true), batch);

        assertThat(plain.get("bleu_bp")).isCloseTo(Math.exp(-2), within(1e-15));
        assertThat(plain.get("bleu")).isEqualTo(0.0);
        assertThat(plain.get("bleu_precisions_3")).isEqualTo(0.0);
        assertThat(effective.get("bleu")).isCloseTo(100 * Math.exp(-2), within(1e-12));
    }

    @Test
    void anEmptyHypothesisScoresZeroWithZeroBrevityPenalty() {
        Map<String, Double> result = score("", "Nothing was generated here.");

        assertThat(result).containsEntry("bleu", 0.0).containsEntry("bleu_bp", 0.0)
                .containsEntry("bleu_sys_len", 0.0).containsEntry("bleu_ref_len", 5.0);
    }

    @Test
    void theCorpusScoreSumsStatisticsOverRowsAndBatches() {
        // row 1: "a b c d" / "a b c d": 4/4, 3/3, 2/2, 1/1; row 2: "x y" / "x z": 1/2, 0/1, 0/0, 0/0
        // summed: 5/6, 3/4, 2/2, 1/1, lengths 6 and 6: BLEU = (5/6 * 3/4)^(1/4) * 100 (not the mean of row scores)
        double expected = 100 * geometricMean(5.0 / 6, 3.0 / 4, 1, 1);
        Map<String, Double> oneBatch = score(SacreBleuMetric.Settings.defaults(),
                Batches.texts(List.of("a b c d", "x y"), List.of("a b c d", "x z")));
        Map<String, Double> twoBatches = score(SacreBleuMetric.Settings.defaults(),
                Batches.texts(List.of("a b c d"), List.of("a b c d")), Batches.texts(List.of("x y"), List.of("x z")));

        assertThat(oneBatch.get("bleu")).isCloseTo(expected, within(1e-9));
        assertThat(twoBatches).isEqualTo(oneBatch);
    }

    @Test
    void lowercaseMakesCaseDifferencesMatch() {
        EvalPrediction batch = Batches.texts(List.of("THE CAT SAT ON THE MAT"), List.of("the cat sat on the mat"));

        assertThat(score(SacreBleuMetric.Settings.defaults(), batch).get("bleu")).isEqualTo(0.0);
        assertThat(score(new SacreBleuMetric.Settings(true, SacreBleuMetric.Tokenization.MTEVAL_13A,
                SacreBleuMetric.Smoothing.EXP, 4, false), batch).get("bleu")).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void thirteenATokenizationSplitsAsciiPunctuationButNotUnicodePunctuation() {
        Mteval13aTokenizer tokenizer = new Mteval13aTokenizer();

        assertThat(tokenizer.tokenize("Hello, world!")).isEqualTo("Hello , world !");
        // periods and commas between digits stay; a dash after a digit is split; an apostrophe is not
        assertThat(tokenizer.tokenize("It's 3.14, not 5-3.")).isEqualTo("It's 3.14 , not 5 - 3 .");
        assertThat(tokenizer.tokenize("&quot;x&quot; &amp; y")).isEqualTo("\" x \" & y");
        // guillemets, ellipsis, dashes and curly quotes are not ASCII: they stay attached
        assertThat(tokenizer.tokenize("« Bonjour », dit-il… C’est “fini”")).isEqualTo("« Bonjour » , dit-il… C’est “fini”");
        // so "fini”" does not match "fini" while "fini." does (the period is split off)
        Map<String, Double> curly = score("“fini”", "fini");
        Map<String, Double> period = score("fini.", "fini");
        assertThat(curly.get("bleu_precisions_1")).isEqualTo(0.0);
        assertThat(period.get("bleu_precisions_1")).isCloseTo(50.0, within(1e-12));
    }

    @Test
    void theSignatureIsSacreBleusDefault() {
        SacreBleuMetric metric = new SacreBleuMetric(SacreBleuMetric.Settings.defaults());

        assertThat(metric.signature()).isEqualTo("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
        assertThat(new SacreBleuMetric(new SacreBleuMetric.Settings(true, SacreBleuMetric.Tokenization.NONE,
                SacreBleuMetric.Smoothing.FLOOR, 4, true)).signature())
                .isEqualTo("nrefs:1|case:lc|eff:yes|tok:none|smooth:floor[0.10]|version:2.6.0");
        assertThat(metric.keys()).containsExactly("bleu", "bleu_precisions_1", "bleu_precisions_2",
                "bleu_precisions_3", "bleu_precisions_4", "bleu_bp", "bleu_sys_len", "bleu_ref_len");
    }

    @Test
    void anEmptyPassGivesNaNAndResetForgets() {
        SacreBleuMetric metric = new SacreBleuMetric(SacreBleuMetric.Settings.defaults());
        assertThat(metric.compute().get("bleu")).isNaN();

        metric.update(Batches.texts(List.of("a b"), List.of("c d")));
        metric.reset();
        metric.update(Batches.texts(List.of("a b c d"), List.of("a b c d")));
        assertThat(metric.compute().get("bleu")).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void aRunWithoutGeneratedTextIsToldHowToGetIt() {
        SacreBleuMetric metric = new SacreBleuMetric(SacreBleuMetric.Settings.defaults());
        EvalPrediction ids = Batches.of(HostTensor.ofInts(new int[] {1, 2}, 1, 2), HostTensor.ofInts(new int[] {1, 2}, 1, 2));

        assertThatThrownBy(() -> metric.update(ids)).isInstanceOf(ConfigurationException.class)
                .hasMessage("sacrebleu scores generated text, but the evaluation has none: set"
                        + " args.predict-with-generate = true and give the run a tokenizer to decode the generated ids");
        assertThatThrownBy(() -> metric.update(Batches.texts(List.of("a"), List.of())))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("sacrebleu: the batch has 1 generated texts but no reference texts");
    }
}
