package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Log loss, the mean negative log-likelihood of the true class ({@code log-loss}), as scikit-learn 1.2's
 * {@code log_loss(y, p, labels=range(C))} with its default {@code eps="auto"}: probabilities are clipped to
 * [ε, 1 − ε] where ε is the machine epsilon of the predictions' type (2.2e-16 for FLOAT64, 1.19e-7 for FLOAT32), each
 * row is divided by its sum, and the loss of a row is −log p(true class); a single column is the probability of class
 * 1 (rows [1 − p, p], labels 0 or 1). The mean is weighted by sample weight. Logits ({@code inputs = logits}) go
 * through softmax (sigmoid for one column) first. Computed in double precision: scikit-learn computes FLOAT32
 * probabilities in float32, so results for FLOAT32 predictions differ from it by float32 rounding (about 1e-7
 * relative). Streams: keeps two sums.
 */
public final class LogLossMetric implements Metric {

    /**
     * @param inputs logits or probabilities ({@code inputs})
     * @param sampleWeightColumn the label tensor of sample weights ({@code sample-weight-column}); empty: none
     */
    public record Settings(ScoreInputs inputs, String sampleWeightColumn) {
        public Settings {
            requireNonNull(inputs, "inputs is null");
            requireNonNull(sampleWeightColumn, "sampleWeightColumn is null");
        }

        public static Settings from(Config settings) {
            return new Settings(ScoreInputs.parse("inputs", SettingsReader.string(settings, "inputs")),
                    InputSettings.weightColumn(settings));
        }
    }

    private final Settings settings;
    private double lossSum;
    private double weightSum;
    private long examples;

    public LogLossMetric(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    @Override
    public String name() {
        return "log-loss";
    }

    @Override
    public void reset() {
        lossSum = 0;
        weightSum = 0;
        examples = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        Probabilities probabilities = Probabilities.read(name(), batch, settings.inputs(),
                settings.sampleWeightColumn(), true);
        double epsilon = probabilities.dataType() == DataType.FLOAT32 ? Math.ulp(1.0f) : Math.ulp(1.0);
        int columns = probabilities.columns();
        for (int row = 0; row < probabilities.rows(); row++) {
            int label = probabilities.labels()[row];
            if (label == MetricInputs.IGNORED_LABEL) {
                continue;
            }
            int classes = Math.max(columns, 2);
            if (label >= classes) {
                throw new DataException(name() + ": label " + label + " at row " + row + " is not allowed with "
                        + columns + " prediction column(s); expected a class id < " + classes);
            }
            double[] clipped = new double[classes];
            if (columns == 1) {
                double positive = clip(probabilities.score(row, 0), epsilon);
                clipped[0] = 1 - positive;
                clipped[1] = positive;
            } else {
                for (int column = 0; column < columns; column++) {
                    clipped[column] = clip(probabilities.score(row, column), epsilon);
                }
            }
            double sum = 0;
            for (double value : clipped) {
                sum += value;
            }
            double weight = probabilities.weight(row);
            lossSum += weight * -Math.log(clipped[label] / sum);
            weightSum += weight;
            examples++;
        }
    }

    private static double clip(double probability, double epsilon) {
        return Math.min(Math.max(probability, epsilon), 1 - epsilon);
    }

    @Override
    public Map<String, Double> compute() {
        return Map.of(name(), examples == 0 ? Double.NaN : lossSum / weightSum);
    }
}
