package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Metric;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Multilabel indicator arrays ([N, L] of 0/1) are not scored yet, and must not be scored element by element as one
 * two-class problem. The worked example, by hand:
 *
 * <pre>
 * labels     [[1,0,1], [0,1,0], [1,1,0]]    predictions [[1,0,0], [0,1,0], [0,1,0]]
 * multilabel macro F1 (scikit-learn, per column):
 *   column 0: tp 1, fp 0, fn 1 -> 2/3;  column 1: tp 2, fp 0, fn 0 -> 1;  column 2: tp 0, fp 0, fn 1 -> 0
 *   macro = (2/3 + 1 + 0) / 3 = 0.5556
 * element-wise (the old behaviour): 9 elements, class 1: tp 3, fp 0, fn 2 -> 6/8; class 0: tp 4, fp 2, fn 0 -> 8/10
 *   macro = 0.775, a wrong answer with no warning
 * subset accuracy (exact-match): only row 1 is predicted exactly -> 1/3
 * </pre>
 */
class MultilabelInputsTest {
    private static final int[] LABELS = {1, 0, 1, 0, 1, 0, 1, 1, 0};
    private static final int[] PREDICTED = {1, 0, 0, 0, 1, 0, 0, 1, 0};

    private static EvalPrediction indicatorBatch() {
        return Batches.of(HostTensor.ofInts(PREDICTED, 3, 3), HostTensor.ofInts(LABELS, 3, 3));
    }

    private static List<Metric> singleLabelMetrics() {
        return List.of(
                ClassificationScoreMetric.f1(new ClassificationSettings(Average.MACRO, 1)),
                ClassificationScoreMetric.precision(new ClassificationSettings(Average.MACRO, 1)),
                ClassificationScoreMetric.recall(new ClassificationSettings(Average.MICRO, 1)),
                new AccuracyMetric(),
                new MatthewsCorrelationMetric(),
                new TopKAccuracyMetric(1));
    }

    @Test
    void indicatorLabelsAndPredictionsAreRefusedNamingTheMetricTheShapesAndWhatIsExpected() {
        for (Metric metric : singleLabelMetrics()) {
            assertThatThrownBy(() -> metric.update(indicatorBatch()))
                    .as(metric.name())
                    .isInstanceOf(DataException.class)
                    .hasMessageStartingWith(metric.name() + ": predictions HostTensor[INT32 [3, 3]] and labels"
                            + " HostTensor[INT32 [3, 3]] look like multilabel indicators (labels with 3 columns)")
                    .hasMessageContaining("multilabel scoring is not supported yet")
                    .hasMessageContaining("Expected labels [N]");
        }
    }

    @Test
    void sigmoidLogitsForIndicatorLabelsAreRefusedToo() {
        EvalPrediction sameShape = Batches.of(HostTensor.ofFloats(new float[9], 3, 3), HostTensor.ofInts(LABELS, 3, 3));
        EvalPrediction oneLogitPerColumn = Batches.of(HostTensor.ofFloats(new float[9], 3, 3, 1),
                HostTensor.ofInts(LABELS, 3, 3));

        for (Metric metric : singleLabelMetrics()) {
            assertThatThrownBy(() -> metric.update(sameShape)).as(metric.name())
                    .isInstanceOf(DataException.class).hasMessageContaining("multilabel scoring is not supported yet");
            assertThatThrownBy(() -> metric.update(oneLogitPerColumn)).as(metric.name())
                    .isInstanceOf(DataException.class).hasMessageContaining("multilabel scoring is not supported yet");
        }
    }

    @Test
    void exactMatchScoresIndicatorRowsAsSubsetAccuracy() {
        Metric exactMatch = new ExactMatchMetric();
        exactMatch.update(indicatorBatch());

        assertThat(exactMatch.compute().get("exact-match")).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void labelsWithATrailingAxisOfOneAreStillSingleLabel() {
        Metric accuracy = new AccuracyMetric();
        accuracy.update(Batches.of(HostTensor.ofInts(new int[] {1, 0, 1}, 3, 1), HostTensor.ofInts(new int[] {1, 1, 1}, 3, 1)));

        assertThat(accuracy.compute().get("accuracy")).isCloseTo(2.0 / 3, within(1e-12));
    }
}
