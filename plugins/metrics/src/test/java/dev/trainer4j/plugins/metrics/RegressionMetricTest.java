package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Metric;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Targets {@code [3, -0.5, 2, 7]}, predictions {@code [2.5, 0, 2, 8]}: errors 0.5, -0.5, 0, -1 → MSE 1.5/4, MAE 2/4.
 * Mean target 2.875, SStot = 0.125² + 3.375² + 0.875² + 4.125² = 29.1875, so R² = 1 − 1.5/29.1875.
 */
class RegressionMetricTest {
    private static final double[] TARGETS = {3, -0.5, 2, 7};
    private static final double[] PREDICTIONS = {2.5, 0, 2, 8};

    private static double run(Metric metric, EvalPrediction... batches) {
        metric.reset();
        for (EvalPrediction batch : batches) {
            metric.update(batch);
        }
        return metric.compute().get(metric.name());
    }

    @Test
    void computesErrorsAndDetermination() {
        EvalPrediction batch = Batches.values(PREDICTIONS, TARGETS);

        assertThat(run(RegressionMetric.meanSquaredError(), batch)).isCloseTo(0.375, within(1e-12));
        assertThat(run(RegressionMetric.meanAbsoluteError(), batch)).isCloseTo(0.5, within(1e-12));
        assertThat(run(RegressionMetric.r2(), batch)).isCloseTo(1 - 1.5 / 29.1875, within(1e-12));
    }

    @Test
    void streamingOverBatchesEqualsOneBatch() {
        EvalPrediction first = Batches.values(new double[] {2.5}, new double[] {3});
        EvalPrediction second = Batches.values(new double[] {0, 2, 8}, new double[] {-0.5, 2, 7});

        assertThat(run(RegressionMetric.meanSquaredError(), first, second)).isCloseTo(0.375, within(1e-12));
        assertThat(run(RegressionMetric.meanAbsoluteError(), first, second)).isCloseTo(0.5, within(1e-12));
        assertThat(run(RegressionMetric.r2(), first, second)).isCloseTo(1 - 1.5 / 29.1875, within(1e-12));
    }

    @Test
    void acceptsAColumnOfPredictionsAgainstAVectorOfTargets() {
        float[] column = {2.5f, 0f, 2f, 8f};
        EvalPrediction batch = Batches.of(HostTensor.ofFloats(column, 4, 1), HostTensor.ofDoubles(TARGETS, 4));

        assertThat(run(RegressionMetric.meanSquaredError(), batch)).isCloseTo(0.375, within(1e-12));
    }

    @Test
    void r2KeepsPrecisionWithALargeMean() {
        // targets 1e9 + {1, 2, 3}: SStot = 2; predictions off by 0.5 on the middle value: SSres = 0.25
        double offset = 1e9;
        EvalPrediction batch = Batches.values(new double[] {offset + 1, offset + 2.5, offset + 3},
                new double[] {offset + 1, offset + 2, offset + 3});

        assertThat(run(RegressionMetric.r2(), batch)).isCloseTo(1 - 0.25 / 2, within(1e-9));
    }

    @Test
    void r2EdgeCasesFollowScikitLearn() {
        assertThat(run(RegressionMetric.r2(), Batches.values(new double[] {4, 4}, new double[] {4, 4}))).isEqualTo(1.0);
        assertThat(run(RegressionMetric.r2(), Batches.values(new double[] {3, 5}, new double[] {4, 4}))).isEqualTo(0.0);
        assertThat(run(RegressionMetric.r2(), Batches.values(new double[] {1}, new double[] {2}))).isNaN();
    }

    @Test
    void multipleOutputsAverageForErrorsButNotForR2() {
        // two outputs: errors (0, 1) and (2, -1) → MSE (0 + 1 + 4 + 1) / 4, MAE (0 + 1 + 2 + 1) / 4
        EvalPrediction batch = Batches.of(HostTensor.ofDoubles(new double[] {1, 2, 3, 4}, 2, 2),
                HostTensor.ofDoubles(new double[] {1, 3, 5, 3}, 2, 2));

        assertThat(run(RegressionMetric.meanSquaredError(), batch)).isCloseTo(1.5, within(1e-12));
        assertThat(run(RegressionMetric.meanAbsoluteError(), batch)).isCloseTo(1.0, within(1e-12));
        assertThatThrownBy(() -> run(RegressionMetric.r2(), batch))
                .hasMessageContaining("r2")
                .hasMessageContaining("[2, 2]");
    }

    @Test
    void mismatchedShapesNameTheMetricAndBothShapes() {
        EvalPrediction batch = Batches.values(new double[] {1, 2, 3}, TARGETS);

        assertThatThrownBy(() -> run(RegressionMetric.meanAbsoluteError(), batch))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("mae")
                .hasMessageContaining("FLOAT64 [3]")
                .hasMessageContaining("FLOAT64 [4]");
    }

    @Test
    void anEmptyPassIsNotANumber() {
        Metric mse = RegressionMetric.meanSquaredError();

        assertThat(mse.compute().get("mse")).isNaN();
    }
}
