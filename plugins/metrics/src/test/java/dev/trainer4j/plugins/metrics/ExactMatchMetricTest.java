package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ExactMatchMetricTest {

    private static double run(EvalPrediction... batches) {
        ExactMatchMetric metric = new ExactMatchMetric();
        for (EvalPrediction batch : batches) {
            metric.update(batch);
        }
        return metric.compute().get("exact-match");
    }

    @Test
    void comparesWholeSequencesIgnoringMinusHundred() {
        // row 0 equal; row 1 equal where labelled; row 2 differs at position 1; row 3 fully ignored (not counted)
        int[] labels = {1, 2, 3, 4, 5, -100, 7, 8, 9, -100, -100, -100};
        int[] predicted = {1, 2, 3, 4, 5, 0, 7, 0, 9, 1, 1, 1};
        EvalPrediction batch = Batches.of(HostTensor.ofInts(predicted, 4, 3), HostTensor.ofInts(labels, 4, 3));

        assertThat(run(batch)).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void takesTheArgmaxOfTokenLogits() {
        // one sequence of two tokens over a vocabulary of 3: argmax (2, 0); labels (2, 0), then (2, 1)
        float[] logits = {0, 1, 9, 9, 1, 0};
        EvalPrediction matching = Batches.of(HostTensor.ofFloats(logits, 1, 2, 3), HostTensor.ofInts(new int[] {2, 0}, 1, 2));
        EvalPrediction differing = Batches.of(HostTensor.ofFloats(logits, 1, 2, 3), HostTensor.ofInts(new int[] {2, 1}, 1, 2));

        assertThat(run(matching)).isEqualTo(1.0);
        assertThat(run(matching, differing)).isEqualTo(0.5);
    }

    @Test
    void rejectsSequencesOfDifferentLengths() {
        EvalPrediction batch = Batches.of(HostTensor.ofInts(new int[4], 1, 4), HostTensor.ofInts(new int[3], 1, 3));

        assertThatThrownBy(() -> run(batch))
                .hasMessageContaining("exact-match")
                .hasMessageContaining("INT32 [1, 4]")
                .hasMessageContaining("INT32 [1, 3]");
    }

    @Test
    void comparesGeneratedTextsWhenTheBatchHasThem() {
        // texts decide even though the ids would all match: "Bonjour." equals, "Salut" differs from "salut",
        // "a b" differs from "a  b" (exact string comparison, as HF evaluate's exact_match with its defaults)
        EvalPrediction texts = new EvalPrediction(Map.of("generated", HostTensor.ofInts(new int[3], 3, 1)),
                Map.of("labels", HostTensor.ofInts(new int[3], 3, 1)), List.of("Bonjour.", "Salut", "a b"),
                List.of("Bonjour.", "salut", "a  b"));

        assertThat(run(texts)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(run(texts, Batches.texts(List.of("x"), List.of("x")))).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void generatedTextsWithoutReferencesAreRefused() {
        assertThatThrownBy(() -> run(Batches.texts(List.of("x"), List.of())))
                .hasMessageStartingWith("exact-match: the batch has 1 generated texts but no reference texts");
    }
}
