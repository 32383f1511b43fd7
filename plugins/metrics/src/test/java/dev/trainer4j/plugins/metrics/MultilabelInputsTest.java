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
 * Multilabel indicator arrays ([N, L] of 0/1) are scored as multilabel (scikit-learn's multilabel-indicator), never
 * element by element as one two-class problem. The worked example, by hand:
 *
 * <pre>
 * labels     [[1,0,1], [0,1,0], [1,1,0]]    predictions [[1,0,0], [0,1,0], [0,1,0]]
 * per column: column 0: tp 1, fp 0, fn 1 -> F1 2/3;  column 1: tp 2, fp 0, fn 0 -> 1;  column 2: tp 0, fp 0, fn 1 -> 0
 *   macro F1 = (2/3 + 1 + 0) / 3 = 5/9  (element-wise as one two-class problem it would be 0.775)
 *   micro: tp 3, fp 0, fn 2 -> P 1, R 3/5, F1 6/8
 * samples: row 0 P 1, R 1/2, F1 2/3; row 1 P 1, R 1, F1 1; row 2 P 1, R 1/2, F1 2/3 -> F1 7/9
 * subset accuracy: only row 1 is predicted exactly -> 1/3;  Hamming loss: 2 wrong of 9 indicators -> 2/9
 * </pre>
 */
class MultilabelInputsTest {
    private static final int[] LABELS = {1, 0, 1, 0, 1, 0, 1, 1, 0};
    private static final int[] PREDICTED = {1, 0, 0, 0, 1, 0, 0, 1, 0};
    private static final double TOLERANCE = 1e-12;

    private static EvalPrediction indicatorBatch() {
        return Batches.of(HostTensor.ofInts(PREDICTED, 3, 3), HostTensor.ofInts(LABELS, 3, 3));
    }

    private static double score(Metric metric, EvalPrediction batch) {
        metric.update(batch);
        return metric.compute().get(metric.name());
    }

    private static ClassificationSettings average(Average average) {
        return new ClassificationSettings(average, 1);
    }

    @Test
    void indicatorsAreScoredPerColumnAndPerRow() {
        assertThat(score(ClassificationScoreMetric.f1(average(Average.MACRO)), indicatorBatch()))
                .isCloseTo(5.0 / 9, within(TOLERANCE));
        assertThat(score(ClassificationScoreMetric.f1(average(Average.MICRO)), indicatorBatch()))
                .isCloseTo(6.0 / 8, within(TOLERANCE));
        assertThat(score(ClassificationScoreMetric.recall(average(Average.MICRO)), indicatorBatch()))
                .isCloseTo(3.0 / 5, within(TOLERANCE));
        assertThat(score(ClassificationScoreMetric.f1(average(Average.SAMPLES)), indicatorBatch()))
                .isCloseTo(7.0 / 9, within(TOLERANCE));
        assertThat(score(new AccuracyMetric(), indicatorBatch())).isCloseTo(1.0 / 3, within(TOLERANCE));
        assertThat(score(new HammingLossMetric(InputSettings.DEFAULT), indicatorBatch()))
                .isCloseTo(2.0 / 9, within(TOLERANCE));
    }

    @Test
    void noneGivesOneKeyPerColumn() {
        Metric f1 = ClassificationScoreMetric.f1(average(Average.NONE));
        f1.update(indicatorBatch());

        assertThat(f1.compute()).containsOnlyKeys("f1_class_0", "f1_class_1", "f1_class_2");
        assertThat(f1.compute().get("f1_class_0")).isCloseTo(2.0 / 3, within(TOLERANCE));
        assertThat(f1.compute().get("f1_class_2")).isEqualTo(0.0);
    }

    @Test
    void floatingScoresAreThresholded() {
        // logits: positive above 0; as probabilities (threshold 0.5) the same decisions
        float[] logits = {2f, -1f, -0.5f, -3f, 0.1f, -2f, -0.1f, 4f, -1f};
        float[] probabilities = {0.9f, 0.2f, 0.4f, 0.1f, 0.6f, 0.3f, 0.45f, 0.99f, 0.2f};
        EvalPrediction fromLogits = Batches.of(HostTensor.ofFloats(logits, 3, 3), HostTensor.ofInts(LABELS, 3, 3));
        EvalPrediction fromProbabilities = Batches.of(HostTensor.ofFloats(probabilities, 3, 3, 1),
                HostTensor.ofInts(LABELS, 3, 3));

        assertThat(score(new AccuracyMetric(), fromLogits)).isCloseTo(1.0 / 3, within(TOLERANCE));
        assertThat(score(new AccuracyMetric(new InputSettings("", 0.5)), fromProbabilities))
                .isCloseTo(1.0 / 3, within(TOLERANCE));
    }

    @Test
    void metricsWithoutAMultilabelDefinitionRefuseIndicators() {
        for (Metric metric : List.of(new MatthewsCorrelationMetric(), new CohenKappaMetric(new CohenKappaMetric.Settings(
                CohenKappaMetric.Weights.NONE, List.of(), "")), new ConfusionMatrixMetric(new ConfusionMatrixMetric.Settings(
                ConfusionMatrixMetric.Normalization.NONE, List.of(), List.of(), "")))) {
            assertThatThrownBy(() -> metric.update(indicatorBatch()))
                    .as(metric.name())
                    .isInstanceOf(DataException.class)
                    .hasMessageStartingWith(metric.name() + ": predictions HostTensor[INT32 [3, 3]] and labels"
                            + " HostTensor[INT32 [3, 3]] are multilabel indicators (labels with 3 columns)")
                    .hasMessageContaining("Expected labels [N]");
        }
    }

    @Test
    void binaryAverageAndNonIndicatorValuesAreRefused() {
        Metric binary = ClassificationScoreMetric.f1(average(Average.BINARY));
        binary.update(indicatorBatch());
        EvalPrediction classIds = Batches.of(HostTensor.ofInts(new int[] {0, 2, 1, 1}, 2, 2),
                HostTensor.ofInts(new int[] {0, 2, 1, 0}, 2, 2));

        assertThatThrownBy(binary::compute).isInstanceOf(DataException.class)
                .hasMessageContaining("average = binary does not apply to multilabel indicators");
        assertThatThrownBy(() -> new AccuracyMetric().update(classIds)).isInstanceOf(DataException.class)
                .hasMessageContaining("label 2 at element 1").hasMessageContaining("expected 0 or 1")
                .hasMessageContaining("for one class per position give logits [2, 2] + [C]");
    }

    @Test
    void samplesNeedsMultilabel() {
        Metric samples = ClassificationScoreMetric.precision(average(Average.SAMPLES));
        samples.update(Batches.classIds(new int[] {0, 1}, new int[] {0, 0}));

        assertThatThrownBy(samples::compute).isInstanceOf(DataException.class)
                .hasMessageContaining("average = samples needs multilabel indicators");
    }

    @Test
    void exactMatchScoresIndicatorRowsAsSubsetAccuracy() {
        Metric exactMatch = new ExactMatchMetric();
        exactMatch.update(indicatorBatch());

        assertThat(exactMatch.compute().get("exact-match")).isCloseTo(1.0 / 3, within(TOLERANCE));
    }

    @Test
    void labelsWithATrailingAxisOfOneAreStillSingleLabel() {
        Metric accuracy = new AccuracyMetric();
        accuracy.update(Batches.of(HostTensor.ofInts(new int[] {1, 0, 1}, 3, 1), HostTensor.ofInts(new int[] {1, 1, 1}, 3, 1)));

        assertThat(accuracy.compute().get("accuracy")).isCloseTo(2.0 / 3, within(TOLERANCE));
    }
}
