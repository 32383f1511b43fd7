package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Cohen's kappa ({@code cohen-kappa}), scikit-learn's {@code cohen_kappa_score}: 1 − Σ w·C / Σ w·E over the confusion
 * matrix C (sample-weighted) and the matrix E expected by chance (outer product of its row and column sums over
 * the total), with disagreement weights w ({@code weights}): {@code none} (0 on the diagonal, 1 elsewhere),
 * {@code linear} (|i − j|) or {@code quadratic} ((i − j)²), where i, j are positions in {@code labels} (or in the
 * ascending present classes). Examples whose label or prediction is not in {@code labels} are left out. NaN when
 * Σ w·E is 0 or the pass is empty. Keeps a confusion matrix ({@link ConfusionCounts}).
 */
public final class CohenKappaMetric implements Metric {

    /** Disagreement weights of Cohen's kappa. */
    public enum Weights {
        NONE, LINEAR, QUADRATIC;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param weights disagreement weights ({@code weights})
     * @param labels the classes compared, in this order; empty: the present classes ascending ({@code labels})
     * @param sampleWeightColumn the label tensor of sample weights ({@code sample-weight-column}); empty: none
     */
    public record Settings(Weights weights, List<Integer> labels, String sampleWeightColumn) {
        public Settings {
            requireNonNull(weights, "weights is null");
            labels = List.copyOf(requireNonNull(labels, "labels is null"));
            requireNonNull(sampleWeightColumn, "sampleWeightColumn is null");
        }

        public static Settings from(Config settings) {
            return new Settings(SettingsReader.choice("weights", SettingsReader.string(settings, "weights"),
                    Weights.values()), SettingsReader.classIds(settings, "labels"), InputSettings.weightColumn(settings));
        }
    }

    private final Settings settings;
    private final ConfusionCounts counts = new ConfusionCounts();

    public CohenKappaMetric(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "cohen-kappa";
    }

    @Override
    public void reset() {
        counts.reset();
    }

    @Override
    public void update(EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        counts.add(name(), (MetricInputs.ClassIds) MetricInputs.classification(name(), batch,
                new InputSettings(settings.sampleWeightColumn(), 0.0), false));
    }

    @Override
    public Map<String, Double> compute() {
        if (counts.samples() == 0) {
            return Map.of(name(), Double.NaN);
        }
        List<Integer> classes = settings.labels().isEmpty() ? counts.presentClasses() : settings.labels();
        double[][] confusion = counts.matrix(classes);
        int size = classes.size();
        ConfusionCounts.Margins margins = ConfusionCounts.Margins.of(confusion);
        double observed = 0;
        double expected = 0;
        for (int row = 0; row < size; row++) {
            for (int column = 0; column < size; column++) {
                double weight = weight(row, column);
                observed += weight * confusion[row][column];
                expected += weight * (margins.rows()[row] * margins.columns()[column] / margins.total());
            }
        }
        return Map.of(name(), 1 - observed / expected);
    }

    private double weight(int row, int column) {
        return switch (settings.weights()) {
            case NONE -> row == column ? 0 : 1;
            case LINEAR -> Math.abs(row - column);
            case QUADRATIC -> (double) (row - column) * (row - column);
        };
    }
}
