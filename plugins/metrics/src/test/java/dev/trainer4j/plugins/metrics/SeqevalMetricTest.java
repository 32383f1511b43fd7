package dev.trainer4j.plugins.metrics;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SeqevalMetricTest {
    private static final List<String> NAMES = List.of("O", "B-PER", "I-PER", "B-LOC", "I-LOC");
    private static final int O = 0;
    private static final int B_PER = 1;
    private static final int I_PER = 2;
    private static final int B_LOC = 3;
    private static final int I_LOC = 4;
    private static final int IGNORED = -100;

    private static Map<String, Double> run(List<String> names, EvalPrediction... batches) {
        SeqevalMetric metric = new SeqevalMetric(names);
        for (EvalPrediction batch : batches) {
            metric.update(batch);
        }
        return metric.compute();
    }

    /** One-hot logits [rows, length, 5] predicting {@code predicted}. */
    private static HostTensor logits(int[] predicted, int rows, int length) {
        float[] values = new float[predicted.length * NAMES.size()];
        for (int i = 0; i < predicted.length; i++) {
            values[i * NAMES.size() + predicted[i]] = 1;
        }
        return HostTensor.ofFloats(values, rows, length, NAMES.size());
    }

    /**
     * Three sequences of length 5 (-100 marks padding and a dropped sub-word position):
     * <pre>
     *   1 true  B-PER I-PER O     B-LOC  -100   entities PER[0,1] LOC[3,3]
     *     pred  B-PER I-PER O     B-PER  (any)  entities PER[0,1] PER[3,3]         correct: PER[0,1]
     *   2 true  O     B-LOC -100  I-LOC  O      (-100 dropped: O B-LOC I-LOC O)    LOC[1,2]
     *     pred  O     B-LOC (any) O      O      LOC[1,1]                           correct: none
     *   3 true  O     B-PER I-PER -100   -100   PER[1,2]
     *     pred  O     I-PER I-PER (any)  (any)  PER[1,2] (an I- after O starts an entity in seqeval's default mode)
     *                                                                             correct: PER[1,2]
     * </pre>
     * Entities: 4 true, 4 predicted, 2 correct, so precision 2/4, recall 2/4, F1 0.5. PER: 2 true, 3 predicted, 2
     * correct: precision 2/3, recall 1, F1 2·(2/3)·1/(2/3 + 1) = 0.8. LOC: 2 true, 1 predicted, 0 correct: all 0.
     * Tags: sequence 1 has 3 of 4 equal, sequence 2 3 of 4 (I-LOC vs O), sequence 3 2 of 3 (B-PER vs I-PER): 8/11.
     */
    @Test
    void scoresEntitiesOfAWorkedExample() {
        int[] labels = {
                B_PER, I_PER, O, B_LOC, IGNORED,
                O, B_LOC, IGNORED, I_LOC, O,
                O, B_PER, I_PER, IGNORED, IGNORED};
        int[] predicted = {
                B_PER, I_PER, O, B_PER, B_LOC,
                O, B_LOC, I_PER, O, O,
                O, I_PER, I_PER, B_PER, O};
        EvalPrediction batch = Batches.of(logits(predicted, 3, 5), HostTensor.ofInts(labels, 3, 5));

        Map<String, Double> scores = run(NAMES, batch);

        assertThat(scores.get("overall_precision")).isCloseTo(0.5, within(1e-12));
        assertThat(scores.get("overall_recall")).isCloseTo(0.5, within(1e-12));
        assertThat(scores.get("overall_f1")).isCloseTo(0.5, within(1e-12));
        assertThat(scores.get("overall_accuracy")).isCloseTo(8.0 / 11, within(1e-12));
        assertThat(scores.get("PER_precision")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(scores.get("PER_recall")).isCloseTo(1.0, within(1e-12));
        assertThat(scores.get("PER_f1")).isCloseTo(0.8, within(1e-12));
        assertThat(scores.get("PER_number")).isEqualTo(2.0);
        assertThat(scores.get("LOC_precision")).isZero();
        assertThat(scores.get("LOC_recall")).isZero();
        assertThat(scores.get("LOC_f1")).isZero();
        assertThat(scores.get("LOC_number")).isEqualTo(2.0);
        assertThat(scores.keySet()).isEqualTo(new SeqevalMetric(NAMES).keys());
    }

    @Test
    void batchesAccumulateLikeOnePassAndClassIdsWorkAsPredictions() {
        // the worked example's sequence 1 then sequence 3, as class ids in two batches: 3 true, 3 predicted, 2 correct
        EvalPrediction first = Batches.of(HostTensor.ofInts(new int[] {B_PER, I_PER, O, B_PER}, 1, 4),
                HostTensor.ofInts(new int[] {B_PER, I_PER, O, B_LOC}, 1, 4));
        EvalPrediction second = Batches.of(HostTensor.ofInts(new int[] {O, I_PER, I_PER}, 1, 3),
                HostTensor.ofInts(new int[] {O, B_PER, I_PER}, 1, 3));

        Map<String, Double> scores = run(NAMES, first, second);

        assertThat(scores.get("overall_precision")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(scores.get("overall_recall")).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(scores.get("overall_accuracy")).isCloseTo(5.0 / 7, within(1e-12));
    }

    @Test
    void anEntityOfAnotherTypeOrBoundaryIsWrong() {
        // B-PER I-LOC: the type change ends PER[0,0] and starts LOC[1,1]; true is PER[0,1]
        EvalPrediction batch = Batches.of(HostTensor.ofInts(new int[] {B_PER, I_LOC}, 1, 2),
                HostTensor.ofInts(new int[] {B_PER, I_PER}, 1, 2));

        Map<String, Double> scores = run(NAMES, batch);

        assertThat(scores.get("overall_precision")).isZero();
        assertThat(scores.get("overall_recall")).isZero();
        assertThat(scores.get("overall_f1")).isZero();
        assertThat(scores.get("overall_accuracy")).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void badLabelNamesAndIdsAreRefused() {
        assertThatThrownBy(() -> SeqevalMetric.fromSettings(ConfigFactory.parseString("label-names = []")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("label-names is empty; expected the tag of every class id in order, e.g. [O, B-PER, I-PER]");
        assertThatThrownBy(() -> new SeqevalMetric(List.of("O", "PER")))
                .hasMessage("label-names: 'PER' (class 1) is not an IOB2 tag; expected O or B-/I-/E-/S- followed by"
                        + " the entity type, e.g. B-PER");
        EvalPrediction outOfRange = Batches.of(HostTensor.ofInts(new int[] {0, 7}, 1, 2),
                HostTensor.ofInts(new int[] {0, 1}, 1, 2));
        assertThatThrownBy(() -> run(NAMES, outOfRange))
                .isInstanceOf(DataException.class)
                .hasMessage("seqeval: predicted class 7 at element 1 has no name in label-names (5 names); expected a"
                        + " class id in [0, 5)");
        assertThat(run(NAMES).get("overall_f1")).isNaN();
    }
}
