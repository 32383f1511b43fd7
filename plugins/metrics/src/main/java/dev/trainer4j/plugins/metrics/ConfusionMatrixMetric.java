package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The confusion matrix as a metric output ({@code confusion-matrix}, scikit-learn's {@code confusion_matrix}): one key
 * per cell, {@code confusion-matrix/<true class>/<predicted class>} (classes named as {@link ClassNames} says), holding
 * the (sample-weighted) number of examples of the true class predicted as the other. The classes are {@code labels}
 * in that order (examples of other classes are left out) or else the classes present, ascending. {@code normalize}
 * divides by the row sums ({@code true}), the column sums ({@code pred}) or the total ({@code all}); 0/0 gives 0.
 * The run's HTML report draws the matrix of the last evaluation. Keeps a confusion matrix ({@link ConfusionCounts}).
 */
public final class ConfusionMatrixMetric implements Metric {
    /** The first part of every key. */
    public static final String NAME = "confusion-matrix";

    /** How cells are normalised ({@code normalize}). */
    public enum Normalization {
        NONE, TRUE, PRED, ALL;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param normalize how cells are normalised ({@code normalize})
     * @param labels the classes shown, in this order; empty: the present classes ascending ({@code labels})
     * @param classNames class names by id for the keys ({@code class-names}); empty: {@code class_<id>}
     * @param sampleWeightColumn the label tensor of sample weights ({@code sample-weight-column}); empty: none
     */
    public record Settings(Normalization normalize, List<Integer> labels, List<String> classNames,
            String sampleWeightColumn) {
        public Settings {
            requireNonNull(normalize, "normalize is null");
            labels = List.copyOf(requireNonNull(labels, "labels is null"));
            classNames = ClassNames.validate("class-names", requireNonNull(classNames, "classNames is null"));
            requireNonNull(sampleWeightColumn, "sampleWeightColumn is null");
        }

        public static Settings from(Config settings) {
            return new Settings(SettingsReader.choice("normalize", SettingsReader.string(settings, "normalize"),
                    Normalization.values()), SettingsReader.classIds(settings, "labels"),
                    SettingsReader.strings(settings, "class-names"), InputSettings.weightColumn(settings));
        }
    }

    private final Settings settings;
    private final ConfusionCounts counts = new ConfusionCounts();

    public ConfusionMatrixMetric(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Every cell's key when {@code labels} (or else {@code class-names}) fixes the classes; else unknown (empty). */
    @Override
    public Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>();
        if (!settings.labels().isEmpty()) {
            for (int actual : settings.labels()) {
                for (int predicted : settings.labels()) {
                    keys.add(key(actual, predicted));
                }
            }
        } else {
            for (String actual : settings.classNames()) {
                for (String predicted : settings.classNames()) {
                    keys.add(NAME + "/" + actual + "/" + predicted);
                }
            }
        }
        return keys;
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
        List<Integer> classes = settings.labels().isEmpty() ? counts.presentClasses() : settings.labels();
        double[][] matrix = counts.matrix(classes);
        int size = classes.size();
        ConfusionCounts.Margins margins = ConfusionCounts.Margins.of(matrix);
        Map<String, Double> result = new LinkedHashMap<>();
        for (int row = 0; row < size; row++) {
            for (int column = 0; column < size; column++) {
                double divisor = switch (settings.normalize()) {
                    case NONE -> 1.0;
                    case TRUE -> margins.rows()[row];
                    case PRED -> margins.columns()[column];
                    case ALL -> margins.total();
                };
                double value = divisor == 0 ? 0.0 : matrix[row][column] / divisor;
                result.put(key(classes.get(row), classes.get(column)), value);
            }
        }
        return result;
    }

    private String key(int actual, int predicted) {
        return NAME + "/" + ClassNames.token(NAME, settings.classNames(), actual) + "/"
                + ClassNames.token(NAME, settings.classNames(), predicted);
    }
}
