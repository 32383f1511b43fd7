package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Metric;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Classification metrics against values computed by hand.
 *
 * <p>Example A (three classes): labels {@code [0, 0, 1, 1, 1, 2]}, predictions {@code [0, 1, 1, 1, 2, 1]}.
 * Class 0: tp 1, predicted 1, support 2 → P 1, R 1/2, F1 2/3. Class 1: tp 2, predicted 4, support 3 → P 1/2, R 2/3,
 * F1 4/7. Class 2: tp 0, predicted 1, support 1 → P 0, R 0, F1 0. Accuracy 3/6.
 */
class ClassificationMetricsTest {
    private static final int[] LABELS_A = {0, 0, 1, 1, 1, 2};
    private static final int[] PREDICTED_A = {0, 1, 1, 1, 2, 1};
    private static final double TOLERANCE = 1e-12;

    private static double run(Metric metric, EvalPrediction... batches) {
        metric.reset();
        for (EvalPrediction batch : batches) {
            metric.update(batch);
        }
        Map<String, Double> result = metric.compute();
        assertThat(result).containsOnlyKeys(metric.name());
        return result.get(metric.name());
    }

    private static ClassificationSettings average(Average average) {
        return new ClassificationSettings(average, 1);
    }

    @Test
    void accuracyCountsMatchingArgmaxes() {
        EvalPrediction batch = Batches.logitsPredicting(PREDICTED_A, 3, LABELS_A);

        assertThat(run(new AccuracyMetric(), batch)).isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void macroAveragesThePerClassScores() {
        EvalPrediction batch = Batches.classIds(PREDICTED_A, LABELS_A);

        assertThat(run(ClassificationScoreMetric.precision(average(Average.MACRO)), batch))
                .isCloseTo((1 + 0.5 + 0) / 3, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.recall(average(Average.MACRO)), batch))
                .isCloseTo(7.0 / 18, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.f1(average(Average.MACRO)), batch))
                .isCloseTo(26.0 / 63, within(TOLERANCE));
    }

    @Test
    void weightedAveragesBySupport() {
        EvalPrediction batch = Batches.classIds(PREDICTED_A, LABELS_A);

        // supports 2, 3, 1 of 6
        assertThat(run(ClassificationScoreMetric.precision(average(Average.WEIGHTED)), batch))
                .isCloseTo(7.0 / 12, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.recall(average(Average.WEIGHTED)), batch))
                .isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.f1(average(Average.WEIGHTED)), batch))
                .isCloseTo(32.0 / 63, within(TOLERANCE));
    }

    @Test
    void microEqualsAccuracyForSingleLabelMulticlass() {
        EvalPrediction batch = Batches.classIds(PREDICTED_A, LABELS_A);

        assertThat(run(ClassificationScoreMetric.precision(average(Average.MICRO)), batch)).isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.recall(average(Average.MICRO)), batch)).isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.f1(average(Average.MICRO)), batch)).isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void aClassNeverPredictedScoresZeroPrecision() {
        // labels [0, 1, 2, 2], predictions [0, 1, 1, 1]: class 2 is never predicted.
        // P: class 0 1, class 1 1/3, class 2 0 (zero division); R: 1, 1, 0; F1: 1, 1/2, 0.
        EvalPrediction batch = Batches.classIds(new int[] {0, 1, 1, 1}, new int[] {0, 1, 2, 2});

        assertThat(run(ClassificationScoreMetric.precision(average(Average.MACRO)), batch))
                .isCloseTo(4.0 / 9, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.recall(average(Average.MACRO)), batch))
                .isCloseTo(2.0 / 3, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.f1(average(Average.MACRO)), batch))
                .isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void aClassOnlyPredictedCountsInMacroButHasNoWeight() {
        // labels [0, 0, 1], predictions [0, 2, 1]: class 2 occurs only among the predictions.
        // R: class 0 1/2, class 1 1, class 2 0 (no support) → macro 1/2, weighted (2·1/2 + 1·1) / 3 = 2/3.
        EvalPrediction batch = Batches.classIds(new int[] {0, 2, 1}, new int[] {0, 0, 1});

        assertThat(run(ClassificationScoreMetric.recall(average(Average.MACRO)), batch))
                .isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.recall(average(Average.WEIGHTED)), batch))
                .isCloseTo(2.0 / 3, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.precision(average(Average.MACRO)), batch))
                .isCloseTo(2.0 / 3, within(TOLERANCE));
    }

    @Test
    void binaryScoresThePositiveLabel() {
        // labels [1, 0, 1, 1, 0, 0], predictions [1, 1, 0, 1, 1, 0]
        // pos 1: tp 2, fp 2, fn 1 → P 1/2, R 2/3, F1 4/7
        // pos 0: tp 1 (index 5), fp 1 (index 2), fn 2 (indices 1, 4) → P 1/2, R 1/3, F1 2/5
        EvalPrediction batch = Batches.classIds(new int[] {1, 1, 0, 1, 1, 0}, new int[] {1, 0, 1, 1, 0, 0});
        ClassificationSettings positiveOne = new ClassificationSettings(Average.BINARY, 1);
        ClassificationSettings positiveZero = new ClassificationSettings(Average.BINARY, 0);

        assertThat(run(ClassificationScoreMetric.precision(positiveOne), batch)).isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.recall(positiveOne), batch)).isCloseTo(2.0 / 3, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.f1(positiveOne), batch)).isCloseTo(4.0 / 7, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.precision(positiveZero), batch)).isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.recall(positiveZero), batch)).isCloseTo(1.0 / 3, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.f1(positiveZero), batch)).isCloseTo(0.4, within(TOLERANCE));
    }

    @Test
    void singleLogitIsThresholdedAtZero() {
        // logits [2, -1, 0, 0.5] → predictions [1, 0, 0, 1]; labels [1, 1, 0, 0]: tp 1, fp 1, fn 1
        EvalPrediction batch = Batches.of(HostTensor.ofFloats(new float[] {2f, -1f, 0f, 0.5f}, 4, 1),
                HostTensor.ofInts(new int[] {1, 1, 0, 0}, 4));

        assertThat(run(new AccuracyMetric(), batch)).isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.precision(new ClassificationSettings(Average.BINARY, 1)), batch))
                .isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void binaryWithoutPositivePredictionsScoresZero() {
        EvalPrediction batch = Batches.classIds(new int[] {0, 0, 0}, new int[] {1, 0, 1});

        assertThat(run(ClassificationScoreMetric.precision(new ClassificationSettings(Average.BINARY, 1)), batch))
                .isEqualTo(0.0);
        assertThat(run(ClassificationScoreMetric.f1(new ClassificationSettings(Average.BINARY, 1)), batch))
                .isEqualTo(0.0);
    }

    @Test
    void binaryRejectsMoreThanTwoClasses() {
        Metric f1 = ClassificationScoreMetric.f1(new ClassificationSettings(Average.BINARY, 1));
        f1.update(Batches.classIds(PREDICTED_A, LABELS_A));

        assertThatThrownBy(f1::compute)
                .hasMessageContaining("f1")
                .hasMessageContaining("average = binary")
                .hasMessageContaining("[0, 1, 2]");
    }

    @Test
    void binaryRejectsAPositiveLabelThatIsNotAClass() {
        Metric recall = ClassificationScoreMetric.recall(new ClassificationSettings(Average.BINARY, 1));
        recall.update(Batches.classIds(new int[] {0, 2}, new int[] {2, 0}));

        assertThatThrownBy(recall::compute).hasMessageContaining("pos-label = 1").hasMessageContaining("[0, 2]");
    }

    @Test
    void matthewsCorrelationFollowsTheMulticlassFormula() {
        // t = [2, 3, 1], p = [1, 4, 1], trace 3, s 6: (3·6 − 15) / sqrt((36 − 18)(36 − 14)) = 3 / sqrt(396)
        EvalPrediction batch = Batches.classIds(PREDICTED_A, LABELS_A);

        assertThat(run(new MatthewsCorrelationMetric(), batch)).isCloseTo(3 / Math.sqrt(396), within(TOLERANCE));
    }

    @Test
    void matthewsCorrelationOfPerfectAndConstantPredictions() {
        assertThat(run(new MatthewsCorrelationMetric(), Batches.classIds(new int[] {0, 1, 1}, new int[] {0, 1, 1})))
                .isCloseTo(1.0, within(TOLERANCE));
        assertThat(run(new MatthewsCorrelationMetric(), Batches.classIds(new int[] {1, 0}, new int[] {0, 1})))
                .isCloseTo(-1.0, within(TOLERANCE));
        // every prediction the same class: the predicted variance is 0, so the score is 0
        assertThat(run(new MatthewsCorrelationMetric(), Batches.classIds(new int[] {1, 1, 1}, new int[] {0, 1, 1})))
                .isEqualTo(0.0);
    }

    @Test
    void labelsOfMinusHundredAreIgnored() {
        // rows 1 and 3 are ignored; rows 0 (correct) and 2 (wrong) remain
        EvalPrediction batch = Batches.logitsPredicting(new int[] {0, 1, 0, 1}, 2, new int[] {0, -100, 1, -100});

        assertThat(run(new AccuracyMetric(), batch)).isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.recall(new ClassificationSettings(Average.BINARY, 1)), batch))
                .isEqualTo(0.0);
    }

    @Test
    void tokenLevelLogitsAreScoredPerPosition() {
        // labels [2, 2] with logits [2, 2, 3]: positions (0,0) ok, (0,1) ignored, (1,0) wrong, (1,1) ok
        float[] logits = {
                5, 0, 0, 0, 5, 0,
                0, 5, 0, 0, 0, 5};
        EvalPrediction batch = Batches.of(HostTensor.ofFloats(logits, 2, 2, 3),
                HostTensor.ofInts(new int[] {0, -100, 0, 2}, 2, 2));

        assertThat(run(new AccuracyMetric(), batch)).isCloseTo(2.0 / 3, within(TOLERANCE));
    }

    @Test
    void streamingOverSeveralBatchesEqualsOneBatch() {
        EvalPrediction whole = Batches.classIds(PREDICTED_A, LABELS_A);
        EvalPrediction first = Batches.classIds(new int[] {0, 1}, new int[] {0, 0});
        EvalPrediction second = Batches.classIds(new int[] {1, 1, 2}, new int[] {1, 1, 1});
        EvalPrediction third = Batches.logitsPredicting(new int[] {1}, 3, new int[] {2});

        for (Average average : Average.values()) {
            if (average == Average.BINARY || average == Average.NONE || average == Average.SAMPLES) {
                continue; // binary needs two classes, none has per-class keys, samples needs multilabel
            }
            for (Metric metric : new Metric[] {
                    ClassificationScoreMetric.precision(average(average)),
                    ClassificationScoreMetric.recall(average(average)),
                    ClassificationScoreMetric.f1(average(average))}) {
                assertThat(run(metric, first, second, third)).as(metric.name() + " " + average)
                        .isCloseTo(run(metric, whole), within(TOLERANCE));
            }
        }
        assertThat(run(new AccuracyMetric(), first, second, third)).isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(new MatthewsCorrelationMetric(), first, second, third))
                .isCloseTo(3 / Math.sqrt(396), within(TOLERANCE));
    }

    @Test
    void resetStartsANewPass() {
        Metric accuracy = new AccuracyMetric();
        accuracy.update(Batches.classIds(new int[] {0, 0}, new int[] {1, 1}));
        accuracy.reset();
        accuracy.update(Batches.classIds(new int[] {1}, new int[] {1}));

        assertThat(accuracy.compute()).containsEntry("accuracy", 1.0);
    }

    @Test
    void anEmptyPassIsNotANumber() {
        Metric accuracy = new AccuracyMetric();
        accuracy.update(Batches.classIds(new int[] {1}, new int[] {-100}));

        assertThat(accuracy.compute().get("accuracy")).isNaN();
    }

    @Test
    void mismatchedShapesNameTheMetricAndBothShapes() {
        EvalPrediction batch = Batches.of(HostTensor.ofFloats(new float[6], 2, 3), HostTensor.ofInts(new int[3], 3));

        assertThatThrownBy(() -> new AccuracyMetric().update(batch))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("accuracy")
                .hasMessageContaining("[2, 3]")
                .hasMessageContaining("[3]");
    }

    @Test
    void floatingPredictionsWithoutAClassAxisAreRejected() {
        EvalPrediction batch = Batches.of(HostTensor.ofFloats(new float[3], 3), HostTensor.ofInts(new int[3], 3));

        assertThatThrownBy(() -> ClassificationScoreMetric.f1(average(Average.MACRO)).update(batch))
                .hasMessageContaining("f1")
                .hasMessageContaining("FLOAT32 [3]");
    }

    @Test
    void missingLabelsAreReported() {
        EvalPrediction batch = new EvalPrediction(Map.of("logits", HostTensor.ofFloats(new float[4], 2, 2)), Map.of());

        assertThatThrownBy(() -> new MatthewsCorrelationMetric().update(batch))
                .hasMessageContaining("mcc")
                .hasMessageContaining("no labels");
    }

    @Test
    void fractionalAndNegativeLabelsAreRejected() {
        EvalPrediction fractional = Batches.of(HostTensor.ofInts(new int[] {0, 1}, 2),
                HostTensor.ofFloats(new float[] {0f, 1.5f}, 2));
        EvalPrediction negative = Batches.classIds(new int[] {0, 1}, new int[] {0, -1});

        assertThatThrownBy(() -> new AccuracyMetric().update(fractional)).hasMessageContaining("label 1.5");
        assertThatThrownBy(() -> new AccuracyMetric().update(negative)).hasMessageContaining("label -1 at element 1");
    }

    @Test
    void floatingLabelsHoldingWholeNumbersAreClassIds() {
        EvalPrediction batch = Batches.of(HostTensor.ofLongs(new long[] {0, 2, 1}, 3, 1),
                HostTensor.ofFloats(new float[] {0f, 2f, 2f}, 3));

        assertThat(run(new AccuracyMetric(), batch)).isCloseTo(2.0 / 3, within(TOLERANCE));
    }
}
