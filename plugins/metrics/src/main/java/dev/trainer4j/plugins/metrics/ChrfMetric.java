package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Corpus chrF of generated text ({@code chrf}) exactly as sacreBLEU 2.x's {@code CHRF} with one reference per row:
 * character n-grams of orders 1 to {@code char-order} (6) over the text without whitespace, and with
 * {@code word-order} 2 also word 1- and 2-grams (chrF++; punctuation split off word ends as sacreBLEU does). For each
 * order the hypothesis, reference and matched (clipped) n-gram counts are summed over the corpus; precision and recall
 * are averaged over the orders where both hypothesis and reference have n-grams, and chrF is
 * 100 · (1 + β²) P R / (β² P + R) with β = {@code beta} (2). With {@code eps-smoothing} the per-order F-scores are
 * averaged instead (chrF++.py's style). Result: {@code chrf} (0 to 100). Keeps only the counts; the signature
 * ({@link #signature()}) is logged with the first result.
 */
public final class ChrfMetric implements Metric {
    private static final Logger LOG = LoggerFactory.getLogger(ChrfMetric.class);
    private static final double EPSILON = 1e-16;
    /** Python's {@code string.punctuation}, which chrF++ splits off the ends of words. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /**
     * @param characterOrder the highest character n-gram order ({@code char-order}), at least 1
     * @param wordOrder the highest word n-gram order ({@code word-order}); 0 is chrF, 2 chrF++
     * @param beta recall counts beta times as much as precision ({@code beta}), at least 0
     * @param lowercase lower-case both texts first ({@code lowercase})
     * @param whitespace keep whitespace inside character n-grams ({@code whitespace})
     * @param epsilonSmoothing average per-order F-scores with epsilon smoothing ({@code eps-smoothing})
     */
    public record Settings(int characterOrder, int wordOrder, double beta, boolean lowercase, boolean whitespace,
                           boolean epsilonSmoothing) {
        public Settings {
            if (characterOrder < 1) {
                throw new ConfigurationException("char-order", characterOrder, "an integer >= 1");
            }
            if (wordOrder < 0) {
                throw new ConfigurationException("word-order", wordOrder, "an integer >= 0 (2 for chrF++)");
            }
            if (!(beta >= 0) || Double.isInfinite(beta)) {
                throw new ConfigurationException("beta", beta, "a finite number >= 0");
            }
        }

        /** sacreBLEU's chrF2: character order 6, no word n-grams, beta 2, mixed case, whitespace dropped. */
        public static Settings defaults() {
            return new Settings(6, 0, 2, false, false, false);
        }

        public static Settings from(Config settings) {
            return new Settings(SettingsReader.integer(settings, "char-order"),
                    SettingsReader.integer(settings, "word-order"), SettingsReader.number(settings, "beta"),
                    SettingsReader.flag(settings, "lowercase"), SettingsReader.flag(settings, "whitespace"),
                    SettingsReader.flag(settings, "eps-smoothing"));
        }
    }

    private final Settings settings;
    /** Per order (characters first, then words): hypothesis n-grams, reference n-grams, matches. */
    private final long[] statistics;
    private long rows;
    private boolean signatureLogged;

    public ChrfMetric(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.statistics = new long[3 * (settings.characterOrder() + settings.wordOrder())];
    }

    public Settings settings() {
        return settings;
    }

    /** The signature sacreBLEU prints, e.g. {@code nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0}. */
    public String signature() {
        return SacreBleuSignatures.chrf(settings.lowercase(), settings.epsilonSmoothing(), settings.characterOrder(),
                settings.wordOrder(), settings.whitespace());
    }

    @Override
    public String name() {
        return "chrf";
    }

    @Override
    public void reset() {
        Arrays.fill(statistics, 0);
        rows = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        TextInputs.require(name(), batch);
        for (int row = 0; row < batch.predictedTexts().size(); row++) {
            List<Map<String, Integer>> hypothesis = ngrams(batch.predictedTexts().get(row));
            List<Map<String, Integer>> reference = ngrams(batch.labelTexts().get(row));
            for (int order = 0; order < hypothesis.size(); order++) {
                Map<String, Integer> referenceCounts = reference.get(order);
                long hypothesisCount = 0;
                long matches = 0;
                for (Map.Entry<String, Integer> ngram : hypothesis.get(order).entrySet()) {
                    hypothesisCount += ngram.getValue();
                    matches += Math.min(ngram.getValue(), referenceCounts.getOrDefault(ngram.getKey(), 0));
                }
                // sacreBLEU counts no hypothesis n-grams of an order the reference has none of
                statistics[3 * order] += referenceCounts.isEmpty() ? 0 : hypothesisCount;
                statistics[3 * order + 1] += referenceCounts.values().stream().mapToLong(Integer::longValue).sum();
                statistics[3 * order + 2] += matches;
            }
            rows++;
        }
    }

    /** The character n-gram counts of orders 1 to char-order, then the word n-gram counts of orders 1 to word-order. */
    private List<Map<String, Integer>> ngrams(String text) {
        String cased = settings.lowercase() ? text.toLowerCase(Locale.ROOT) : text;
        List<Map<String, Integer>> counts = new ArrayList<>();
        int[] characters = (settings.whitespace() ? cased : PythonWhitespace.remove(cased)).codePoints().toArray();
        for (int order = 1; order <= settings.characterOrder(); order++) {
            Map<String, Integer> orderCounts = new HashMap<>();
            for (int start = 0; start + order <= characters.length; start++) {
                orderCounts.merge(new String(characters, start, order), 1, Integer::sum);
            }
            counts.add(orderCounts);
        }
        if (settings.wordOrder() > 0) {
            List<String> words = splitPunctuation(cased);
            for (int order = 1; order <= settings.wordOrder(); order++) {
                counts.add(WordNgrams.count(words, order));
            }
        }
        return counts;
    }

    /** sacreBLEU's {@code _remove_punctuation}: one punctuation mark split off the end (else the start) of a word. */
    static List<String> splitPunctuation(String text) {
        List<String> words = new ArrayList<>();
        for (String word : PythonWhitespace.split(text)) {
            int length = word.codePointCount(0, word.length());
            int last = word.codePointBefore(word.length());
            int first = word.codePointAt(0);
            if (length == 1) {
                words.add(word);
            } else if (PUNCTUATION.indexOf(last) >= 0) {
                words.add(word.substring(0, word.length() - 1));
                words.add(word.substring(word.length() - 1));
            } else if (PUNCTUATION.indexOf(first) >= 0) {
                words.add(word.substring(0, 1));
                words.add(word.substring(1));
            } else {
                words.add(word);
            }
        }
        return words;
    }

    @Override
    public Map<String, Double> compute() {
        if (rows == 0) {
            return Map.of(name(), Double.NaN);
        }
        if (!signatureLogged) {
            signatureLogged = true;
            LOG.info("chrf: chrF signature {}", signature());
        }
        return Map.of(name(), fScore(statistics, settings.beta(), settings.epsilonSmoothing()));
    }

    /** sacreBLEU's {@code _compute_f_score} over summed statistics (hypothesis, reference, match per order). */
    static double fScore(long[] statistics, double beta, boolean epsilonSmoothing) {
        int orders = statistics.length / 3;
        double factor = beta * beta;
        double score = 0.0;
        double averagePrecision = 0.0;
        double averageRecall = 0.0;
        int effectiveOrder = 0;
        for (int order = 0; order < orders; order++) {
            long hypothesisCount = statistics[3 * order];
            long referenceCount = statistics[3 * order + 1];
            long matches = statistics[3 * order + 2];
            double precision = hypothesisCount > 0 ? (double) matches / hypothesisCount : EPSILON;
            double recall = referenceCount > 0 ? (double) matches / referenceCount : EPSILON;
            double denominator = factor * precision + recall;
            score += denominator > 0 ? (1 + factor) * precision * recall / denominator : EPSILON;
            if (hypothesisCount > 0 && referenceCount > 0) {
                averagePrecision += precision;
                averageRecall += recall;
                effectiveOrder++;
            }
        }
        if (epsilonSmoothing) {
            return 100 * score / orders;
        }
        if (effectiveOrder == 0) {
            averagePrecision = 0.0;
            averageRecall = 0.0;
        } else {
            averagePrecision /= effectiveOrder;
            averageRecall /= effectiveOrder;
        }
        if (averagePrecision + averageRecall != 0) {
            double result = (1 + factor) * averagePrecision * averageRecall;
            result /= factor * averagePrecision + averageRecall;
            return 100 * result;
        }
        return 0.0;
    }
}
