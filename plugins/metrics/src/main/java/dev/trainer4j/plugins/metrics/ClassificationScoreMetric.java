package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Precision, recall, F1 or F-beta as scikit-learn's {@code precision_recall_fscore_support} (see
 * {@link ClassificationSettings}): per-class counts weighted by sample weight, divided with the
 * {@link ZeroDivision} rule, combined by {@link Average}. Without {@code labels} the classes are those present in
 * the labels or the predictions (every column for multilabel indicators); {@code average = none} gives one key per
 * class, {@code <metric>_<class>} (see {@link ClassNames}). {@code samples} (multilabel only) averages the score of
 * each row's label set, so it sums one score per row as the rows arrive: memory stays bounded for every average.
 */
public final class ClassificationScoreMetric extends ClassCountMetric {
    private final ClassificationScore score;
    private final ClassificationSettings settings;
    private double rowScoreSum;
    private double rowWeightSum;

    private ClassificationScoreMetric(String name, ClassificationScore score, ClassificationSettings settings) {
        super(name, settings.inputs(), true);
        this.score = score;
        this.settings = requireNonNull(settings, "settings is null");
    }

    /** {@code precision}: tp / (tp + fp). */
    public static ClassificationScoreMetric precision(ClassificationSettings settings) {
        return new ClassificationScoreMetric("precision", ClassificationScore.PRECISION, settings);
    }

    /** {@code recall}: tp / (tp + fn). */
    public static ClassificationScoreMetric recall(ClassificationSettings settings) {
        return new ClassificationScoreMetric("recall", ClassificationScore.RECALL, settings);
    }

    /** {@code f1}: the harmonic mean of precision and recall (F-beta with β = 1 whatever {@code beta} says). */
    public static ClassificationScoreMetric f1(ClassificationSettings settings) {
        return new ClassificationScoreMetric("f1", ClassificationScore.F_SCORE, new ClassificationSettings(
                settings.average(), settings.positiveLabel(), 1.0, settings.labels(), settings.zeroDivision(),
                settings.classNames(), settings.inputs()));
    }

    /** {@code fbeta}: (1 + β²)·P·R / (β²·P + R), recall weighted β times as much as precision. */
    public static ClassificationScoreMetric fbeta(ClassificationSettings settings) {
        return new ClassificationScoreMetric("fbeta", ClassificationScore.F_SCORE, settings);
    }

    public ClassificationSettings settings() {
        return settings;
    }

    /**
     * Per-class keys for {@code average = none} when {@code labels} (or else {@code class-names}) says which classes
     * there will be; without either they are known only once the data has been seen.
     */
    @Override
    public Set<String> keys() {
        if (settings.average() != Average.NONE) {
            return Set.of(name());
        }
        Set<String> keys = new LinkedHashSet<>();
        if (!settings.labels().isEmpty()) {
            settings.labels().forEach(label -> keys.add(classKey(label)));
        } else {
            settings.classNames().forEach(className -> keys.add(name() + "_" + className));
        }
        return keys;
    }

    @Override
    Map<String, Double> emptyResult() {
        Map<String, Double> result = new LinkedHashMap<>();
        keys().forEach(key -> result.put(key, Double.NaN));
        return settings.average() == Average.NONE ? result : Map.of(name(), Double.NaN);
    }

    @Override
    Map<String, Double> scores(ClassCounts counts) {
        List<Integer> classes = classes(counts);
        if (settings.average() == Average.NONE) {
            Map<String, Double> result = new LinkedHashMap<>();
            for (int label : classes) {
                result.put(classKey(label), classScore(counts, label));
            }
            return result;
        }
        return Map.of(name(), average(counts, classes));
    }

    @Override
    double score(ClassCounts counts) {
        return average(counts, classes(counts));
    }

    private double average(ClassCounts counts, List<Integer> classes) {
        return switch (settings.average()) {
            case NONE, BINARY, MACRO -> mean(counts, classes);
            case MICRO -> micro(counts, classes);
            case WEIGHTED -> weighted(counts, classes);
            case SAMPLES -> samples(counts);
        };
    }

    private double micro(ClassCounts counts, List<Integer> classes) {
        double truePositives = 0;
        double predicted = 0;
        double actual = 0;
        for (int label : classes) {
            truePositives += counts.truePositives(label);
            predicted += counts.predictedCount(label);
            actual += counts.support(label);
        }
        return score.of(truePositives, predicted, actual, settings.beta(), settings.zeroDivision());
    }

    /** The mean of the class scores, NaN scores left out (all NaN, or no class: NaN). */
    private double mean(ClassCounts counts, List<Integer> classes) {
        double sum = 0;
        int count = 0;
        for (int label : classes) {
            double value = classScore(counts, label);
            if (!Double.isNaN(value)) {
                sum += value;
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * The class scores weighted by support. As scikit-learn 1.2: when no class has support, precision is the
     * zero-division value when nothing is predicted (else 0), recall the zero-division value, F as precision.
     */
    private double weighted(ClassCounts counts, List<Integer> classes) {
        double support = 0;
        double predicted = 0;
        for (int label : classes) {
            support += counts.support(label);
            predicted += counts.predictedCount(label);
        }
        if (support == 0) {
            double zeroDivision = settings.zeroDivision().value();
            return score == ClassificationScore.RECALL || predicted == 0 ? zeroDivision : 0.0;
        }
        double sum = 0;
        double weight = 0;
        for (int label : classes) {
            double value = classScore(counts, label);
            if (!Double.isNaN(value)) {
                sum += value * counts.support(label);
                weight += counts.support(label);
            }
        }
        return weight == 0 ? Double.NaN : sum / weight;
    }

    private double samples(ClassCounts counts) {
        if (!counts.isMultilabel()) {
            throw new DataException(name() + ": average = samples needs multilabel indicators (labels [N, L] with"
                    + " predictions [N, L]), but the labels hold one class per example; set average to micro, macro,"
                    + " weighted, none or binary");
        }
        return rowWeightSum == 0 ? Double.NaN : rowScoreSum / rowWeightSum;
    }

    @Override
    void addRows(MetricInputs.Indicators indicators) {
        if (settings.average() != Average.SAMPLES) {
            return;
        }
        List<Integer> columns = multilabelColumns(indicators.columns());
        for (int row = 0; row < indicators.rows(); row++) {
            int offset = row * indicators.columns();
            int truePositives = 0;
            int predicted = 0;
            int actual = 0;
            for (int column : columns) {
                boolean isTrue = indicators.actual()[offset + column] == 1;
                boolean isPredicted = indicators.predicted()[offset + column] == 1;
                actual += isTrue ? 1 : 0;
                predicted += isPredicted ? 1 : 0;
                truePositives += isTrue && isPredicted ? 1 : 0;
            }
            double value = score.of(truePositives, predicted, actual, settings.beta(), settings.zeroDivision());
            if (!Double.isNaN(value)) {
                rowScoreSum += indicators.weight(row) * value;
                rowWeightSum += indicators.weight(row);
            }
        }
    }

    @Override
    void resetRows() {
        rowScoreSum = 0;
        rowWeightSum = 0;
    }

    private double classScore(ClassCounts counts, int label) {
        return score.of(counts.truePositives(label), counts.predictedCount(label), counts.support(label),
                settings.beta(), settings.zeroDivision());
    }

    private String classKey(int label) {
        return name() + "_" + ClassNames.token(name(), settings.classNames(), label);
    }

    /** The classes scored, with scikit-learn's checks of {@code average = binary}. */
    private List<Integer> classes(ClassCounts counts) {
        if (counts.isMultilabel()) {
            if (settings.average() == Average.BINARY) {
                throw new DataException(name() + ": average = binary does not apply to multilabel indicators"
                        + " (labels with " + counts.columns() + " columns); set average to micro, macro, weighted,"
                        + " samples or none");
            }
            return multilabelColumns(counts.columns());
        }
        List<Integer> present = new ArrayList<>();
        for (int label = 0; label < counts.classes(); label++) {
            if (counts.isPresent(label)) {
                present.add(label);
            }
        }
        if (settings.average() == Average.BINARY) {
            int positive = settings.positiveLabel();
            if (present.size() > 2) {
                throw new DataException(name() + ": average = binary needs at most two classes, but the labels"
                        + " and predictions hold classes " + present + "; set average to micro, macro, weighted or"
                        + " none");
            }
            if (present.size() == 2 && !present.contains(positive)) {
                throw new DataException(name() + ": pos-label = " + positive + " is not one of the classes "
                        + present + " of the labels and predictions");
            }
            return List.of(positive);
        }
        return settings.labels().isEmpty() ? present : settings.labels();
    }

    private List<Integer> multilabelColumns(int columns) {
        if (settings.labels().isEmpty()) {
            List<Integer> all = new ArrayList<>(columns);
            for (int column = 0; column < columns; column++) {
                all.add(column);
            }
            return all;
        }
        for (int label : settings.labels()) {
            if (label >= columns) {
                throw new DataException(name() + ": labels = " + settings.labels() + " names column " + label
                        + ", but the multilabel indicators have " + columns + " columns; expected column ids < "
                        + columns);
            }
        }
        return settings.labels();
    }
}
