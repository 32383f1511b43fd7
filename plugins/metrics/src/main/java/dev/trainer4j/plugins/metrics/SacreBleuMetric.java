package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Corpus BLEU of generated text ({@code sacrebleu}) exactly as sacreBLEU 2.x's {@code corpus_score} with one reference
 * per row: each text (lower-cased when {@code lowercase}) loses trailing whitespace and is tokenized ({@code 13a} by
 * default); the matched (clipped) and total n-gram counts for n = 1 to {@code max-ngram-order} and the hypothesis
 * and reference lengths are summed over the corpus; precision n is 100 · matched / total, and an order without
 * matches gets sacreBLEU's {@code exp} smoothing, 100 / (2^k · total) for the k-th such order. BLEU is
 * BP · exp(mean of the log precisions) with the brevity penalty BP = exp(1 − ref_len / sys_len) when the hypotheses
 * are shorter (0 when they are empty); 0 when nothing matches. Results (0 to 100 as sacreBLEU): {@code bleu},
 * {@code bleu_precisions_<n>}, {@code bleu_bp}, {@code bleu_sys_len}, {@code bleu_ref_len}. Keeps only the counts.
 * The sacreBLEU signature ({@link #signature()}) is logged with the first result.
 */
public final class SacreBleuMetric implements Metric {
    private static final Logger LOG = LoggerFactory.getLogger(SacreBleuMetric.class);
    /** sacreBLEU's {@code my_log(0)}: the log of a zero precision. */
    private static final double LOG_OF_ZERO = -9999999999.0;

    /** The tokenizers of the port: {@code 13a} (sacreBLEU's default) or {@code none} (split on whitespace only). */
    public enum Tokenization {
        MTEVAL_13A("13a"), NONE("none");

        private final String configName;

        Tokenization(String configName) {
            this.configName = configName;
        }

        @Override
        public String toString() {
            return configName;
        }
    }

    /** sacreBLEU's smoothing methods, with its default values for {@code floor} (0.1) and {@code add-k} (1). */
    public enum Smoothing {
        EXP("exp"), FLOOR("floor"), ADD_K("add-k"), NONE("none");

        private final String configName;

        Smoothing(String configName) {
            this.configName = configName;
        }

        @Override
        public String toString() {
            return configName;
        }
    }

    /**
     * @param lowercase lower-case hypotheses and references first ({@code lowercase})
     * @param tokenization the tokenizer ({@code tokenize})
     * @param smoothing the smoothing of orders without matches ({@code smooth-method})
     * @param maxNgramOrder the highest n-gram order ({@code max-ngram-order}), at least 1
     * @param effectiveOrder average only the orders up to the last one with n-grams ({@code effective-order})
     */
    public record Settings(boolean lowercase, Tokenization tokenization, Smoothing smoothing, int maxNgramOrder,
                           boolean effectiveOrder) {
        public Settings {
            requireNonNull(tokenization, "tokenization is null");
            requireNonNull(smoothing, "smoothing is null");
            if (maxNgramOrder < 1) {
                throw new ConfigurationException("max-ngram-order", maxNgramOrder, "an integer >= 1");
            }
        }

        /** sacreBLEU's defaults: mixed case, 13a, exp smoothing, orders 1 to 4. */
        public static Settings defaults() {
            return new Settings(false, Tokenization.MTEVAL_13A, Smoothing.EXP, 4, false);
        }

        public static Settings from(Config settings) {
            return new Settings(SettingsReader.flag(settings, "lowercase"),
                    SettingsReader.choice("tokenize", SettingsReader.string(settings, "tokenize"),
                            Tokenization.values()),
                    SettingsReader.choice("smooth-method", SettingsReader.string(settings, "smooth-method"),
                            Smoothing.values()),
                    SettingsReader.integer(settings, "max-ngram-order"),
                    SettingsReader.flag(settings, "effective-order"));
        }
    }

    private final Settings settings;
    private final Mteval13aTokenizer tokenizer = new Mteval13aTokenizer();
    private final long[] matched;
    private final long[] total;
    private long hypothesisLength;
    private long referenceLength;
    private long rows;
    private boolean signatureLogged;

    public SacreBleuMetric(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.matched = new long[settings.maxNgramOrder()];
        this.total = new long[settings.maxNgramOrder()];
    }

    public Settings settings() {
        return settings;
    }

    /** The signature sacreBLEU prints for these settings, e.g. {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0}. */
    public String signature() {
        String smoothing = switch (settings.smoothing()) {
            case FLOOR -> "floor[0.10]";
            case ADD_K -> "add-k[1.00]";
            default -> settings.smoothing().toString();
        };
        return SacreBleuSignatures.bleu(settings.lowercase(), settings.effectiveOrder(),
                settings.tokenization().toString(), smoothing);
    }

    @Override
    public String name() {
        return "sacrebleu";
    }

    @Override
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        keys.add("bleu");
        for (int order = 1; order <= settings.maxNgramOrder(); order++) {
            keys.add("bleu_precisions_" + order);
        }
        keys.addAll(List.of("bleu_bp", "bleu_sys_len", "bleu_ref_len"));
        return keys;
    }

    @Override
    public void reset() {
        Arrays.fill(matched, 0);
        Arrays.fill(total, 0);
        hypothesisLength = 0;
        referenceLength = 0;
        rows = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        TextInputs.require(name(), batch);
        for (int row = 0; row < batch.predictedTexts().size(); row++) {
            List<String> hypothesis = words(batch.predictedTexts().get(row));
            List<String> reference = words(batch.labelTexts().get(row));
            Map<String, Integer> referenceCounts = ngramCounts(reference);
            for (Map.Entry<String, Integer> ngram : ngramCounts(hypothesis).entrySet()) {
                int order = ngram.getKey().split(" ", -1).length;
                total[order - 1] += ngram.getValue();
                matched[order - 1] += Math.min(ngram.getValue(), referenceCounts.getOrDefault(ngram.getKey(), 0));
            }
            hypothesisLength += hypothesis.size();
            referenceLength += reference.size();
            rows++;
        }
    }

    private List<String> words(String text) {
        String cased = settings.lowercase() ? text.toLowerCase(Locale.ROOT) : text;
        String stripped = PythonWhitespace.stripTrailing(cased);
        String tokenized = settings.tokenization() == Tokenization.MTEVAL_13A ? tokenizer.tokenize(stripped) : stripped;
        return PythonWhitespace.split(tokenized);
    }

    /** Counts of every n-gram of orders 1 to max, keyed by its words joined with single spaces. */
    private Map<String, Integer> ngramCounts(List<String> words) {
        Map<String, Integer> counts = new HashMap<>();
        for (int order = 1; order <= settings.maxNgramOrder(); order++) {
            WordNgrams.addTo(counts, words, order);
        }
        return counts;
    }

    @Override
    public Map<String, Double> compute() {
        Map<String, Double> result = new LinkedHashMap<>();
        if (rows == 0) {
            keys().forEach(key -> result.put(key, Double.NaN));
            return result;
        }
        int maxOrder = settings.maxNgramOrder();
        double brevityPenalty = 1.0;
        if (hypothesisLength < referenceLength) {
            brevityPenalty = hypothesisLength > 0
                    ? Math.exp(1 - (double) referenceLength / hypothesisLength) : 0.0;
        }
        double[] precisions = new double[maxOrder];
        double score = 0.0;
        if (Arrays.stream(matched).anyMatch(count -> count != 0)) {
            double[] correct = new double[maxOrder];
            double[] totals = new double[maxOrder];
            double smoothingFactor = 1.0;
            int effectiveOrder = maxOrder;
            for (int order = 1; order <= maxOrder; order++) {
                correct[order - 1] = matched[order - 1];
                totals[order - 1] = total[order - 1];
                if (settings.smoothing() == Smoothing.ADD_K && order > 1) {
                    correct[order - 1] += 1;
                    totals[order - 1] += 1;
                }
                if (totals[order - 1] == 0) {
                    break;
                }
                if (settings.effectiveOrder()) {
                    effectiveOrder = order;
                }
                if (correct[order - 1] == 0) {
                    if (settings.smoothing() == Smoothing.EXP) {
                        smoothingFactor *= 2;
                        precisions[order - 1] = 100. / (smoothingFactor * totals[order - 1]);
                    } else if (settings.smoothing() == Smoothing.FLOOR) {
                        precisions[order - 1] = 100. * 0.1 / totals[order - 1];
                    }
                } else {
                    precisions[order - 1] = 100. * correct[order - 1] / totals[order - 1];
                }
            }
            double logSum = 0.0;
            for (int order = 0; order < effectiveOrder; order++) {
                logSum += precisions[order] == 0.0 ? LOG_OF_ZERO : Math.log(precisions[order]);
            }
            score = brevityPenalty * Math.exp(logSum / effectiveOrder);
        }
        result.put("bleu", score);
        for (int order = 1; order <= maxOrder; order++) {
            result.put("bleu_precisions_" + order, precisions[order - 1]);
        }
        result.put("bleu_bp", brevityPenalty);
        result.put("bleu_sys_len", (double) hypothesisLength);
        result.put("bleu_ref_len", (double) referenceLength);
        if (!signatureLogged) {
            signatureLogged = true;
            LOG.info("sacrebleu: BLEU signature {}", signature());
        }
        return result;
    }
}
