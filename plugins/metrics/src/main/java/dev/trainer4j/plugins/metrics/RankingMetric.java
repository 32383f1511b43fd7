package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Metric;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * ROC-AUC ({@code roc-auc}) and average precision ({@code average-precision}, the PR-AUC as a step sum), as
 * scikit-learn's {@code roc_auc_score} (one-vs-rest) and {@code average_precision_score} (see {@link BinaryRanking}).
 *
 * <p>Inputs: binary, predictions {@code [N]} / {@code [N, 1]} (the positive class's score, used as it is) or
 * {@code [N, 2]} (the probability of class 1, after softmax for logits) with labels 0 or 1 (1 is positive);
 * multiclass, {@code [N, C]} with labels {@code [N]}, scored one-vs-rest on the probabilities (softmax of logits;
 * given probabilities must sum to 1 per row, as scikit-learn checks); multilabel, scores {@code [N, L]} with 0/1
 * labels {@code [N, L]}, one binary problem per column (raw scores). {@code average} combines the one-vs-rest
 * problems: {@code macro}, {@code weighted} (by the weight of each class's positives; 0 when none), {@code micro}
 * (all columns as one problem), {@code samples} (multilabel: one problem per row) or {@code none}
 * ({@code <metric>_<class>} keys); binary inputs ignore it.
 *
 * <p>Memory: these metrics keep every score, exactly, up to {@code max-stored-scores} (examples × score columns)
 * and refuse a larger evaluation with an error naming that setting. ROC-AUC of a problem without positives or
 * negatives is undefined and refused, as scikit-learn does.
 */
public final class RankingMetric implements Metric {

    /** Which value a {@link RankingMetric} reports. */
    enum Kind {
        ROC_AUC("roc-auc"), AVERAGE_PRECISION("average-precision");

        private final String metricName;

        Kind(String metricName) {
            this.metricName = metricName;
        }
    }

    /**
     * @param average how one-vs-rest problems combine ({@code average}: none, micro, macro, weighted, samples)
     * @param inputs logits or probabilities ({@code inputs})
     * @param classNames class names by id for per-class keys ({@code class-names})
     * @param maxStoredScores the most scores a pass keeps ({@code max-stored-scores})
     * @param sampleWeightColumn the label tensor of sample weights ({@code sample-weight-column}); empty: none
     */
    public record Settings(Average average, ScoreInputs inputs, List<String> classNames, int maxStoredScores,
            String sampleWeightColumn) {
        public Settings {
            requireNonNull(average, "average is null");
            if (average == Average.BINARY) {
                throw new ConfigurationException("average", average.toString(),
                        "one of none, micro, macro, weighted, samples (binary inputs are recognised by their shape)");
            }
            requireNonNull(inputs, "inputs is null");
            classNames = ClassNames.validate("class-names", requireNonNull(classNames, "classNames is null"));
            if (maxStoredScores < 1) {
                throw new ConfigurationException("max-stored-scores", maxStoredScores, "an integer >= 1");
            }
            requireNonNull(sampleWeightColumn, "sampleWeightColumn is null");
        }

        public static Settings from(Config settings) {
            return new Settings(Average.parse("average", SettingsReader.string(settings, "average")),
                    ScoreInputs.parse("inputs", SettingsReader.string(settings, "inputs")),
                    SettingsReader.strings(settings, "class-names"),
                    SettingsReader.integer(settings, "max-stored-scores"), InputSettings.weightColumn(settings));
        }
    }

    private final Kind kind;
    private final Settings settings;
    private final ScoreStore store;
    private boolean binary;

    private RankingMetric(Kind kind, Settings settings) {
        this.kind = kind;
        this.settings = requireNonNull(settings, "settings is null");
        this.store = new ScoreStore(kind.metricName, settings.maxStoredScores());
    }

    public static RankingMetric rocAuc(Settings settings) {
        return new RankingMetric(Kind.ROC_AUC, settings);
    }

    public static RankingMetric averagePrecision(Settings settings) {
        return new RankingMetric(Kind.AVERAGE_PRECISION, settings);
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return kind.metricName;
    }

    /** The name, or per-class keys when {@code average = none} and {@code class-names} lists the classes. */
    @Override
    public Set<String> keys() {
        if (settings.average() != Average.NONE) {
            return Set.of(name());
        }
        Set<String> keys = new java.util.LinkedHashSet<>();
        settings.classNames().forEach(className -> keys.add(name() + "_" + className));
        return keys;
    }

    @Override
    public void reset() {
        store.reset();
    }

    @Override
    public void update(EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        HostTensor labels = MetricInputs.labels(name(), batch, settings.sampleWeightColumn());
        HostTensor predictions = batch.primaryPrediction();
        long[] labelShape = MetricInputs.withoutTrailingOne(labels.shape());
        if (labelShape.length == 2 && Arrays.equals(predictions.shape(), labelShape)) {
            addMultilabel(batch, labels, predictions, labelShape);
            return;
        }
        Probabilities probabilities = Probabilities.read(name(), batch, settings.inputs(),
                settings.sampleWeightColumn(), false);
        int columns = probabilities.columns();
        binary = columns <= 2;
        for (int row = 0; row < probabilities.rows(); row++) {
            int label = probabilities.labels()[row];
            if (label == MetricInputs.IGNORED_LABEL) {
                continue;
            }
            if (label >= Math.max(columns, 2) || (binary && label > 1)) {
                throw new DataException(name() + ": label " + label + " at row " + row + " is not allowed with "
                        + columns + " score column(s); expected " + (binary ? "0 or 1" : "a class id < " + columns));
            }
            double[] scores;
            if (binary) {
                scores = new double[] {probabilities.score(row, columns - 1)};
            } else {
                scores = new double[columns];
                double sum = 0;
                for (int column = 0; column < columns; column++) {
                    scores[column] = probabilities.score(row, column);
                    sum += scores[column];
                }
                if (Math.abs(1 - sum) > 1e-8 + 1e-5 * Math.abs(sum)) {
                    throw new DataException(name() + ": the scores of row " + row + " sum to " + sum + "; one-vs-rest"
                            + " scoring of " + columns + " classes needs probabilities that sum to 1 (as scikit-learn);"
                            + " set inputs = logits for raw model outputs");
                }
            }
            store.add(scores, new int[] {label}, false, probabilities.weight(row));
        }
    }

    private void addMultilabel(EvalPrediction batch, HostTensor labels, HostTensor predictions, long[] shape) {
        if (!predictions.dataType().isFloating()) {
            throw MetricInputs.shapeMismatch(name(), predictions, labels, "floating scores " + Arrays.toString(shape));
        }
        binary = false;
        int rows = Math.toIntExact(shape[0]);
        int columns = Math.toIntExact(shape[1]);
        double[] weights = settings.sampleWeightColumn().isEmpty() ? null
                : MetricInputs.weights(name(), batch, settings.sampleWeightColumn(), new long[] {rows}, rows);
        for (int row = 0; row < rows; row++) {
            double[] scores = new double[columns];
            int[] truth = new int[columns];
            for (int column = 0; column < columns; column++) {
                int element = row * columns + column;
                double label = labels.getDouble(element);
                if (label != 0 && label != 1) {
                    throw new DataException(name() + ": label " + label + " at element " + element + " of " + labels
                            + " is not a multilabel indicator; expected 0 or 1");
                }
                truth[column] = (int) label;
                scores[column] = predictions.getDouble(element);
            }
            store.add(scores, truth, true, weights == null ? 1.0 : weights[row]);
        }
    }

    @Override
    public Map<String, Double> compute() {
        int rows = store.rows();
        if (rows == 0) {
            return Map.of(name(), Double.NaN);
        }
        double[] weights = new double[rows];
        for (int row = 0; row < rows; row++) {
            weights[row] = store.weight(row);
        }
        if (binary) {
            double[] scores = new double[rows];
            boolean[] positive = new boolean[rows];
            for (int row = 0; row < rows; row++) {
                scores[row] = store.score(row, 0);
                positive[row] = store.label(row) == 1;
            }
            return Map.of(name(), value(new BinaryRanking(scores, positive, weights), "the labels"));
        }
        int columns = store.columns();
        return switch (settings.average()) {
            case NONE -> perClass(weights, columns);
            case MICRO -> Map.of(name(), micro(weights, columns));
            case MACRO, WEIGHTED -> Map.of(name(), averaged(weights, columns));
            case SAMPLES -> Map.of(name(), samples(weights, columns));
            case BINARY -> throw new IllegalStateException("binary is refused by the settings");
        };
    }

    private double value(BinaryRanking ranking, String problem) {
        if (kind == Kind.AVERAGE_PRECISION) {
            return ranking.averagePrecision();
        }
        if (!ranking.hasPositives() || !ranking.hasNegatives()) {
            throw new DataException(name() + ": " + problem + " hold only " + (ranking.hasPositives() ? "positive"
                    : "negative") + " examples; ROC AUC is not defined then (as scikit-learn)");
        }
        return ranking.rocAuc();
    }

    private BinaryRanking column(double[] weights, int column) {
        int rows = store.rows();
        double[] scores = new double[rows];
        boolean[] positive = new boolean[rows];
        for (int row = 0; row < rows; row++) {
            scores[row] = store.score(row, column);
            positive[row] = store.isPositive(row, column);
        }
        return new BinaryRanking(scores, positive, weights);
    }

    private String classKey(int column) {
        return name() + "_" + ClassNames.token(name(), settings.classNames(), column);
    }

    private Map<String, Double> perClass(double[] weights, int columns) {
        Map<String, Double> result = new LinkedHashMap<>();
        for (int column = 0; column < columns; column++) {
            result.put(classKey(column), value(column(weights, column), "the one-vs-rest labels of column " + column));
        }
        return result;
    }

    private double averaged(double[] weights, int columns) {
        double sum = 0;
        double weightSum = 0;
        for (int column = 0; column < columns; column++) {
            double classWeight = 1;
            if (settings.average() == Average.WEIGHTED) {
                classWeight = 0;
                for (int row = 0; row < store.rows(); row++) {
                    classWeight += store.isPositive(row, column) ? weights[row] : 0;
                }
            }
            double score = value(column(weights, column), "the one-vs-rest labels of column " + column);
            sum += classWeight == 0 ? 0 : score * classWeight;
            weightSum += classWeight;
        }
        if (settings.average() == Average.WEIGHTED && Math.abs(weightSum) <= 1e-8) {
            return 0.0;
        }
        return sum / weightSum;
    }

    private double micro(double[] weights, int columns) {
        int rows = store.rows();
        double[] scores = new double[rows * columns];
        boolean[] positive = new boolean[rows * columns];
        double[] repeated = new double[rows * columns];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                scores[row * columns + column] = store.score(row, column);
                positive[row * columns + column] = store.isPositive(row, column);
                repeated[row * columns + column] = weights[row];
            }
        }
        return value(new BinaryRanking(scores, positive, repeated), "the labels of all columns");
    }

    private double samples(double[] weights, int columns) {
        if (!store.isMultilabel()) {
            throw new DataException(name() + ": average = samples needs multilabel indicators (labels [N, L] with"
                    + " scores [N, L]); set average to macro, weighted, micro or none");
        }
        double sum = 0;
        double weightSum = 0;
        for (int row = 0; row < store.rows(); row++) {
            double[] scores = new double[columns];
            boolean[] positive = new boolean[columns];
            for (int column = 0; column < columns; column++) {
                scores[column] = store.score(row, column);
                positive[column] = store.isPositive(row, column);
            }
            double score = value(new BinaryRanking(scores, positive, null), "the labels of row " + row);
            sum += weights[row] == 0 ? 0 : score * weights[row];
            weightSum += weights[row];
        }
        return sum / weightSum;
    }
}
