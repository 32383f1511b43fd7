package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;

import java.util.Map;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The Brier score ({@code brier-score}), scikit-learn's {@code brier_score_loss}: the (sample-weighted) mean of
 * (y − p)², y = 1 when the label is {@code pos-label} else 0, p the probability of the positive class: a single
 * prediction column is that probability, two columns are the classes' (column {@code pos-label} is taken). Logits
 * ({@code inputs = logits}) go through sigmoid or softmax first. Binary only: labels with more than two distinct
 * values and probabilities outside [0, 1] are refused. Streams: keeps two sums and the distinct labels seen (at
 * most three).
 */
public final class BrierScoreMetric implements Metric {

    /**
     * @param inputs logits or probabilities ({@code inputs})
     * @param positiveLabel the positive class ({@code pos-label})
     * @param sampleWeightColumn the label tensor of sample weights ({@code sample-weight-column}); empty: none
     */
    public record Settings(ScoreInputs inputs, int positiveLabel, String sampleWeightColumn) {
        public Settings {
            requireNonNull(inputs, "inputs is null");
            if (positiveLabel < 0) {
                throw new ConfigurationException("pos-label", positiveLabel, "a class id >= 0");
            }
            requireNonNull(sampleWeightColumn, "sampleWeightColumn is null");
        }

        public static Settings from(Config settings) {
            return new Settings(ScoreInputs.parse("inputs", SettingsReader.string(settings, "inputs")),
                    SettingsReader.integer(settings, "pos-label"), InputSettings.weightColumn(settings));
        }
    }

    private final Settings settings;
    private final TreeSet<Integer> labelsSeen = new TreeSet<>();
    private double squaredErrorSum;
    private double weightSum;
    private long examples;

    public BrierScoreMetric(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    @Override
    public String name() {
        return "brier-score";
    }

    @Override
    public void reset() {
        labelsSeen.clear();
        squaredErrorSum = 0;
        weightSum = 0;
        examples = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        Probabilities probabilities = Probabilities.read(name(), batch, settings.inputs(),
                settings.sampleWeightColumn(), true);
        int columns = probabilities.columns();
        if (columns > 2) {
            throw new DataException(name() + ": predictions with " + columns + " class columns are not binary;"
                    + " expected [N] or [N, 1] (the positive class's probability) or [N, 2]");
        }
        for (int row = 0; row < probabilities.rows(); row++) {
            int label = probabilities.labels()[row];
            if (label == MetricInputs.IGNORED_LABEL) {
                continue;
            }
            labelsSeen.add(label);
            if (labelsSeen.size() > 2) {
                throw new DataException(name() + ": the labels hold classes " + labelsSeen + "; the Brier score"
                        + " needs binary labels (at most two classes)");
            }
            double positive = columns == 1 ? probabilities.score(row, 0)
                    : probabilities.score(row, checkedPositiveColumn());
            if (positive < 0 || positive > 1) {
                throw new DataException(name() + ": probability " + positive + " at row " + row + " is outside"
                        + " [0, 1]; expected probabilities (or set inputs = logits)");
            }
            double error = (label == settings.positiveLabel() ? 1 : 0) - positive;
            double weight = probabilities.weight(row);
            squaredErrorSum += weight * error * error;
            weightSum += weight;
            examples++;
        }
    }

    private int checkedPositiveColumn() {
        if (settings.positiveLabel() > 1) {
            throw new DataException(name() + ": pos-label = " + settings.positiveLabel() + " has no column among two"
                    + " prediction columns; expected pos-label 0 or 1");
        }
        return settings.positiveLabel();
    }

    @Override
    public Map<String, Double> compute() {
        return Map.of(name(), examples == 0 ? Double.NaN : squaredErrorSum / weightSum);
    }
}
