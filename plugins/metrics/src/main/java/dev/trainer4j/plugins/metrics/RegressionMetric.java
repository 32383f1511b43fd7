package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Regression metrics from streaming sums: {@code mse} (mean squared error), {@code mae} (mean absolute error) and
 * {@code r2} (coefficient of determination, 1 − SSres/SStot). Predictions and targets must have the same shape
 * ({@code [N]} and {@code [N, 1]} count as the same). {@code mse} and {@code mae} average over every element (for
 * several outputs this equals scikit-learn's uniform average); {@code r2} needs a single output.
 *
 * <p>SStot is accumulated with Welford's update (count, running mean, sum of squared deviations) rather than
 * {@code Σy² − (Σy)²/n}, which loses precision when the targets' mean is large against their spread. As in
 * scikit-learn, r2 is 1 when both sums are 0, 0 when only SStot is 0, and {@code NaN} with fewer than two samples.
 * The other two give {@code NaN} for an empty pass.
 */
public final class RegressionMetric implements Metric {

    /** Which value {@link RegressionMetric} reports. */
    enum Kind {
        MSE, MAE, R2
    }

    private final Kind kind;
    private long samples;
    private double squaredErrorSum;
    private double absoluteErrorSum;
    private double targetMean;
    private double targetDeviationSquaredSum;

    private RegressionMetric(Kind kind) {
        this.kind = requireNonNull(kind, "kind is null");
    }

    /** {@code mse}: mean of (y − ŷ)². */
    public static RegressionMetric meanSquaredError() {
        return new RegressionMetric(Kind.MSE);
    }

    /** {@code mae}: mean of |y − ŷ|. */
    public static RegressionMetric meanAbsoluteError() {
        return new RegressionMetric(Kind.MAE);
    }

    /** {@code r2}: 1 − Σ(y − ŷ)² / Σ(y − ȳ)². */
    public static RegressionMetric r2() {
        return new RegressionMetric(Kind.R2);
    }

    @Override
    public String name() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void reset() {
        samples = 0;
        squaredErrorSum = 0;
        absoluteErrorSum = 0;
        targetMean = 0;
        targetDeviationSquaredSum = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        MetricInputs.Values values = MetricInputs.values(name(), batch);
        if (kind == Kind.R2 && values.shape().length > 1) {
            throw new DataException(name() + ": predictions and labels shaped "
                    + Arrays.toString(values.shape()) + " have several outputs; expected a single output, [N] or [N, 1]");
        }
        for (int element = 0; element < values.actual().length; element++) {
            double target = values.actual()[element];
            double error = target - values.predicted()[element];
            squaredErrorSum += error * error;
            absoluteErrorSum += Math.abs(error);
            samples++;
            double delta = target - targetMean;
            targetMean += delta / samples;
            targetDeviationSquaredSum += delta * (target - targetMean);
        }
    }

    @Override
    public Map<String, Double> compute() {
        return Map.of(name(), value());
    }

    private double value() {
        return switch (kind) {
            case MSE -> samples == 0 ? Double.NaN : squaredErrorSum / samples;
            case MAE -> samples == 0 ? Double.NaN : absoluteErrorSum / samples;
            case R2 -> r2Value();
        };
    }

    private double r2Value() {
        if (samples < 2) {
            return Double.NaN;
        }
        if (targetDeviationSquaredSum == 0) {
            return squaredErrorSum == 0 ? 1.0 : 0.0;
        }
        return 1.0 - squaredErrorSum / targetDeviationSquaredSum;
    }
}
