package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Metric;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Options the scikit-learn 1.2.1 fixture cannot check (zero-division = nan is newer; class names, key sets, the
 * score store's cap, FLOAT32 clipping and the ways weights reach a metric are trainer4j's), against hand derivations.
 */
class MetricOptionsTest {
    private static final double TOLERANCE = 1e-12;

    private static Map<String, Double> run(Metric metric, EvalPrediction... batches) {
        metric.reset();
        for (EvalPrediction batch : batches) {
            metric.update(batch);
        }
        return metric.compute();
    }

    private static ClassificationSettings settings(Average average, List<Integer> labels, ZeroDivision zeroDivision,
            List<String> names) {
        return new ClassificationSettings(average, 1, 1.0, labels, zeroDivision, names, InputSettings.DEFAULT);
    }

    @Test
    void zeroDivisionNanLeavesUndefinedClassesOutOfTheAverages() {
        // labels [0, 0, 1], predictions [0, 0, 0]; labels = [0, 1, 2] adds class 2, absent everywhere.
        // class 0: tp 2, predicted 3, true 2 -> P 2/3, R 1, F1 4/5
        // class 1: tp 0, predicted 0, true 1 -> P NaN, R 0, F1 = 2·0 / (1 + 0) = 0 (scikit-learn 1.3's count formula)
        // class 2: nothing -> P, R, F1 NaN
        // macro without NaN: P 2/3, R (1 + 0) / 2, F1 (4/5 + 0) / 2
        EvalPrediction batch = Batches.classIds(new int[] {0, 0, 0}, new int[] {0, 0, 1});
        List<Integer> labels = List.of(0, 1, 2);

        assertThat(run(ClassificationScoreMetric.precision(settings(Average.MACRO, labels, ZeroDivision.NAN, List.of())),
                batch).get("precision")).isCloseTo(2.0 / 3, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.recall(settings(Average.MACRO, labels, ZeroDivision.NAN, List.of())),
                batch).get("recall")).isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(ClassificationScoreMetric.f1(settings(Average.MACRO, labels, ZeroDivision.NAN, List.of())),
                batch).get("f1")).isCloseTo(0.4, within(TOLERANCE));
        Map<String, Double> perClass = run(ClassificationScoreMetric.f1(
                settings(Average.NONE, labels, ZeroDivision.NAN, List.of())), batch);
        assertThat(perClass.get("f1_class_0")).isCloseTo(0.8, within(TOLERANCE));
        assertThat(perClass.get("f1_class_1")).isEqualTo(0.0);
        assertThat(perClass.get("f1_class_2")).isNaN();
        // only undefined classes: NaN
        assertThat(run(ClassificationScoreMetric.precision(settings(Average.MACRO, List.of(1, 2), ZeroDivision.NAN,
                List.of())), batch).get("precision")).isNaN();
    }

    @Test
    void zeroDivisionParsesScikitLearnsValues() {
        assertThat(ZeroDivision.parse("zero-division", "warn")).isEqualTo(ZeroDivision.WARN);
        assertThat(ZeroDivision.parse("zero-division", "0")).isEqualTo(ZeroDivision.ZERO);
        assertThat(ZeroDivision.parse("zero-division", "1")).isEqualTo(ZeroDivision.ONE);
        assertThat(ZeroDivision.parse("zero-division", "NaN")).isEqualTo(ZeroDivision.NAN);
        assertThatThrownBy(() -> ZeroDivision.parse("zero-division", "2"))
                .hasMessage("zero-division: '2' is not allowed; expected one of warn, 0, 1, nan");
    }

    @Test
    void classNamesNameThePerClassKeysWhichAreKnownBeforeEvaluation() {
        Metric precision = ClassificationScoreMetric.precision(
                settings(Average.NONE, List.of(), ZeroDivision.WARN, List.of("ham", "spam")));
        Metric byLabels = ClassificationScoreMetric.recall(settings(Average.NONE, List.of(1), ZeroDivision.WARN,
                List.of()));

        assertThat(precision.keys()).containsExactly("precision_ham", "precision_spam");
        assertThat(byLabels.keys()).containsExactly("recall_class_1");
        // labels [0, 1, 1], predictions [0, 0, 1]: ham P 1/2, spam P 1
        EvalPrediction batch = Batches.classIds(new int[] {0, 0, 1}, new int[] {0, 1, 1});
        assertThat(run(precision, batch)).containsOnlyKeys("precision_ham", "precision_spam");
        assertThat(run(precision, batch).get("precision_ham")).isCloseTo(0.5, within(TOLERANCE));
        assertThat(run(byLabels, batch)).containsOnlyKeys("recall_class_1");
        Metric matrix = new ConfusionMatrixMetric(new ConfusionMatrixMetric.Settings(
                ConfusionMatrixMetric.Normalization.NONE, List.of(), List.of("ham", "spam"), ""));
        assertThat(matrix.keys()).containsExactly("confusion-matrix/ham/ham", "confusion-matrix/ham/spam",
                "confusion-matrix/spam/ham", "confusion-matrix/spam/spam");
        assertThat(run(matrix, batch)).isEqualTo(Map.of("confusion-matrix/ham/ham", 1.0,
                "confusion-matrix/ham/spam", 0.0, "confusion-matrix/spam/ham", 1.0, "confusion-matrix/spam/spam", 1.0));
    }

    @Test
    void aClassBeyondTheNamesIsReported() {
        Metric f1 = ClassificationScoreMetric.f1(settings(Average.NONE, List.of(), ZeroDivision.WARN, List.of("a")));

        assertThatThrownBy(() -> run(f1, Batches.classIds(new int[] {0, 1}, new int[] {0, 1})))
                .isInstanceOf(DataException.class)
                .hasMessage("f1: class 1 occurred but class-names has only 1 names [a]; expected a name for every"
                        + " class id");
    }

    @Test
    void perExampleWeightsCoverEveryPositionOfTheExample() {
        // labels [[0, -100], [0, 2]] with logits predicting [[0, 1], [1, 2]], weights [3, 1]:
        // kept (0,0) right w 3, (1,0) wrong w 1, (1,1) right w 1 -> accuracy 4/5
        float[] logits = {5, 0, 0, 0, 5, 0, 0, 5, 0, 0, 0, 5};
        EvalPrediction batch = new EvalPrediction(Map.of("logits", HostTensor.ofFloats(logits, 2, 2, 3)),
                Map.of("label", HostTensor.ofInts(new int[] {0, -100, 0, 2}, 2, 2),
                        "weight", HostTensor.ofDoubles(new double[] {3, 1}, 2)));

        assertThat(run(new AccuracyMetric(new InputSettings("weight", 0.0)), batch).get("accuracy"))
                .isCloseTo(0.8, within(TOLERANCE));
    }

    @Test
    void aMissingOrNegativeWeightIsExplained() {
        EvalPrediction noWeights = Batches.classIds(new int[] {0, 1}, new int[] {0, 1});
        EvalPrediction negative = new EvalPrediction(Map.of("logits", HostTensor.ofInts(new int[] {0, 1}, 2)),
                Map.of("labels", HostTensor.ofInts(new int[] {0, 1}, 2),
                        "w", HostTensor.ofDoubles(new double[] {1, -1}, 2)));

        assertThatThrownBy(() -> run(new AccuracyMetric(new InputSettings("w", 0.0)), noWeights))
                .isInstanceOf(DataException.class)
                .hasMessage("accuracy: sample-weight-column = 'w' is not among the label tensors [labels]; list it"
                        + " in the run's label-names (args) so that the evaluation hands it to the metrics");
        assertThatThrownBy(() -> run(new AccuracyMetric(new InputSettings("w", 0.0)), negative))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("sample weight -1.0 at element 1").hasMessageContaining("finite number >= 0");
    }

    @Test
    void logLossClipsByTheMachineEpsilonOfThePredictionsType() {
        // the true class has probability 0: clipped to eps, row [eps, 1 - eps] sums to 1 -> loss -ln(eps)
        // FLOAT32 eps 2^-23 -> 23 ln 2; FLOAT64 eps 2^-52 -> 52 ln 2
        HostTensor labels = HostTensor.ofInts(new int[] {0}, 1);
        Metric logLoss = new LogLossMetric(new LogLossMetric.Settings(ScoreInputs.PROBABILITIES, ""));

        assertThat(run(logLoss, Batches.of(HostTensor.ofFloats(new float[] {0f, 1f}, 1, 2), labels))
                .get("log-loss")).isCloseTo(23 * Math.log(2), within(1e-9));
        assertThat(run(logLoss, Batches.of(HostTensor.ofDoubles(new double[] {0, 1}, 1, 2), labels))
                .get("log-loss")).isCloseTo(52 * Math.log(2), within(1e-9));
    }

    @Test
    void brierScoreConvertsLogits() {
        // [0, ln 3] -> softmax p1 = 3/4, label 1: (1/4)^2; single logit 0 -> sigmoid 1/2, label 0: (1/2)^2
        Metric brier = new BrierScoreMetric(new BrierScoreMetric.Settings(ScoreInputs.LOGITS, 1, ""));
        EvalPrediction twoColumns = Batches.of(HostTensor.ofDoubles(new double[] {0, Math.log(3)}, 1, 2),
                HostTensor.ofInts(new int[] {1}, 1));
        EvalPrediction oneColumn = Batches.of(HostTensor.ofDoubles(new double[] {0}, 1, 1),
                HostTensor.ofInts(new int[] {0}, 1));

        assertThat(run(brier, twoColumns).get("brier-score")).isCloseTo(1.0 / 16, within(TOLERANCE));
        assertThat(run(brier, oneColumn).get("brier-score")).isCloseTo(0.25, within(TOLERANCE));
        assertThatThrownBy(() -> run(brier, Batches.of(HostTensor.ofDoubles(new double[] {0, 0, 0}, 3),
                HostTensor.ofInts(new int[] {0, 1, 2}, 3)))).hasMessageContaining("needs binary labels");
    }

    @Test
    void rankingMetricsKeepScoresUpToTheirCap() {
        Metric rocAuc = RankingMetric.rocAuc(new RankingMetric.Settings(Average.MACRO, ScoreInputs.LOGITS, List.of(),
                3, ""));
        EvalPrediction three = Batches.of(HostTensor.ofDoubles(new double[] {0.1, 0.9, 0.4}, 3),
                HostTensor.ofInts(new int[] {0, 1, 1}, 3));
        EvalPrediction four = Batches.of(HostTensor.ofDoubles(new double[] {0.1, 0.9, 0.4, 0.2}, 4),
                HostTensor.ofInts(new int[] {0, 1, 1, 0}, 4));

        // positives 0.9, 0.4 both above the negative 0.1: AUC 1
        assertThat(run(rocAuc, three).get("roc-auc")).isEqualTo(1.0);
        assertThatThrownBy(() -> run(rocAuc, four)).isInstanceOf(DataException.class)
                .hasMessageContaining("more than max-stored-scores = 3 scores");
    }

    @Test
    void rocAucOfOneClassIsRefusedAndTiesCountHalf() {
        Metric rocAuc = RankingMetric.rocAuc(new RankingMetric.Settings(Average.MACRO, ScoreInputs.LOGITS, List.of(),
                100, ""));
        // scores tied across a positive and a negative: the trapezoid gives that pair 1/2.
        // positives {0.5, 0.9}, negatives {0.5, 0.1}: pairs (0.9 > both) 2, (0.5 vs 0.5) 1/2, (0.5 > 0.1) 1 -> 3.5/4
        EvalPrediction ties = Batches.of(HostTensor.ofDoubles(new double[] {0.5, 0.9, 0.5, 0.1}, 4),
                HostTensor.ofInts(new int[] {1, 1, 0, 0}, 4));

        assertThat(run(rocAuc, ties).get("roc-auc")).isCloseTo(3.5 / 4, within(TOLERANCE));
        assertThatThrownBy(() -> run(rocAuc, Batches.of(HostTensor.ofDoubles(new double[] {0.5, 0.9}, 2),
                HostTensor.ofInts(new int[] {1, 1}, 2)))).hasMessageContaining("hold only positive examples");
    }
}
