package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Corpus translation edit rate of generated text ({@code ter}) exactly as sacreBLEU 2.x's {@code TER} with one
 * reference per row: both texts lose trailing whitespace and are lower-cased unless {@code case-sensitive}
 * (sacreBLEU's default is case-insensitive); {@code normalized} and {@code no-punct} apply Tercom's normalization and
 * punctuation removal. Per row, the edits are Tercom's block shifts plus word insertions, deletions and substitutions
 * ({@link TranslationEditRate}); TER is 100 · Σ edits / Σ reference words (100 when the references are empty but the
 * hypotheses are not, 0 when both are). Lower is better. Results: {@code ter}, {@code ter_num_edits},
 * {@code ter_ref_length}. Keeps only the sums; the signature ({@link #signature()}) is logged with the first result.
 */
public final class TerMetric implements Metric {
    private static final Logger LOG = LoggerFactory.getLogger(TerMetric.class);

    /**
     * @param caseSensitive compare with case ({@code case-sensitive}); sacreBLEU lower-cases by default
     * @param normalized apply Tercom's normalization ({@code normalized})
     * @param removePunctuation remove {@code . , ? : ; ! " ( )} ({@code no-punct})
     */
    public record Settings(boolean caseSensitive, boolean normalized, boolean removePunctuation) {
        /** sacreBLEU's defaults: case-insensitive, no normalization, punctuation kept. */
        public static Settings defaults() {
            return new Settings(false, false, false);
        }

        public static Settings from(Config settings) {
            return new Settings(SettingsReader.flag(settings, "case-sensitive"),
                    SettingsReader.flag(settings, "normalized"), SettingsReader.flag(settings, "no-punct"));
        }
    }

    private final Settings settings;
    private final TercomTokenizer tokenizer;
    private long edits;
    private long referenceLength;
    private long rows;
    private boolean signatureLogged;

    public TerMetric(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.tokenizer = new TercomTokenizer(settings.caseSensitive(), settings.normalized(),
                settings.removePunctuation());
    }

    public Settings settings() {
        return settings;
    }

    /** The signature sacreBLEU prints, e.g. {@code nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0}. */
    public String signature() {
        return SacreBleuSignatures.ter(settings.caseSensitive(), settings.normalized(), settings.removePunctuation());
    }

    @Override
    public String name() {
        return "ter";
    }

    @Override
    public Set<String> keys() {
        return Set.of("ter", "ter_num_edits", "ter_ref_length");
    }

    @Override
    public void reset() {
        edits = 0;
        referenceLength = 0;
        rows = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        TextInputs.require(name(), batch);
        for (int row = 0; row < batch.predictedTexts().size(); row++) {
            List<String> hypothesis = words(batch.predictedTexts().get(row));
            List<String> reference = words(batch.labelTexts().get(row));
            edits += TranslationEditRate.edits(hypothesis, reference);
            referenceLength += reference.size();
            rows++;
        }
    }

    private List<String> words(String text) {
        return PythonWhitespace.split(tokenizer.tokenize(PythonWhitespace.stripTrailing(text)));
    }

    @Override
    public Map<String, Double> compute() {
        Map<String, Double> result = new LinkedHashMap<>();
        if (rows == 0) {
            keys().forEach(key -> result.put(key, Double.NaN));
            return result;
        }
        double rate;
        if (referenceLength > 0) {
            rate = (double) edits / referenceLength;
        } else {
            rate = edits > 0 ? 1.0 : 0.0;
        }
        result.put("ter", 100 * rate);
        result.put("ter_num_edits", (double) edits);
        result.put("ter_ref_length", (double) referenceLength);
        if (!signatureLogged) {
            signatureLogged = true;
            LOG.info("ter: TER signature {}", signature());
        }
        return result;
    }
}
