package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Rows and the rank of their label: row 0 {@code [0.1, 0.5, 0.2, 0.9]} label 1 → rank 1 (0.9 is higher);
 * row 1 {@code [0.3, 0.3, 0.1, 0.0]} label 1 → rank 1 (tie with the lower class 0); row 2
 * {@code [0.0, 0.1, 0.2, 0.3]} label 0 → rank 3. Found with k=1: none; k=2, 3: rows 0, 1; k=4: all.
 */
class TopKAccuracyMetricTest {
    private static final float[][] ROWS = {
            {0.1f, 0.5f, 0.2f, 0.9f},
            {0.3f, 0.3f, 0.1f, 0.0f},
            {0.0f, 0.1f, 0.2f, 0.3f}};
    private static final int[] LABELS = {1, 1, 0};

    private static double topK(int k, EvalPrediction... batches) {
        TopKAccuracyMetric metric = new TopKAccuracyMetric(k);
        for (EvalPrediction batch : batches) {
            metric.update(batch);
        }
        return metric.compute().get("top-k-accuracy");
    }

    @Test
    void countsLabelsAmongTheKHighestLogits() {
        EvalPrediction batch = Batches.logits(ROWS, LABELS);

        assertThat(topK(1, batch)).isEqualTo(0.0);
        assertThat(topK(2, batch)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(topK(3, batch)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(topK(4, batch)).isEqualTo(1.0);
        assertThat(topK(5, batch)).isEqualTo(1.0);
    }

    @Test
    void topOneAgreesWithAccuracyOnTies() {
        EvalPrediction batch = Batches.logits(ROWS, LABELS);
        AccuracyMetric accuracy = new AccuracyMetric();
        accuracy.update(batch);

        assertThat(topK(1, batch)).isEqualTo(accuracy.compute().get("accuracy"));
    }

    @Test
    void streamsOverBatchesAndIgnoresMinusHundred() {
        EvalPrediction first = Batches.logits(new float[][] {ROWS[0], ROWS[2]}, new int[] {1, -100});
        EvalPrediction second = Batches.logits(new float[][] {ROWS[1], ROWS[2]}, new int[] {1, 0});

        // rows 0 and 1 are found at k = 2, row 2 is not; the ignored row does not count
        assertThat(topK(2, first, second)).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void rejectsClassIdsAndLabelsBeyondTheClasses() {
        EvalPrediction ids = Batches.classIds(new int[] {1, 2}, new int[] {1, 2});
        EvalPrediction tooLarge = Batches.logits(ROWS, new int[] {1, 4, 0});

        assertThatThrownBy(() -> topK(2, ids)).hasMessageContaining("top-k-accuracy").hasMessageContaining("INT32 [2]");
        assertThatThrownBy(() -> topK(2, tooLarge)).hasMessageContaining("label 4").hasMessageContaining("< 4");
    }

    @Test
    void rejectsKBelowOne() {
        assertThatThrownBy(() -> new TopKAccuracyMetric(0))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("k: 0");
    }

    @Test
    void acceptsLabelsWithATrailingAxisOfOne() {
        float[] logits = {0.1f, 0.5f, 0.2f, 0.9f};
        EvalPrediction batch = Batches.of(HostTensor.ofFloats(logits, 1, 4), HostTensor.ofLongs(new long[] {3}, 1, 1));

        assertThat(topK(1, batch)).isEqualTo(1.0);
    }
}
