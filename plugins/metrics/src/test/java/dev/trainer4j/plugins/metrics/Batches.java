package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;

import java.util.List;
import java.util.Map;

/** Builds evaluation batches for metric tests. */
final class Batches {
    private Batches() {
    }

    static EvalPrediction of(HostTensor predictions, HostTensor labels) {
        return new EvalPrediction(Map.of("logits", predictions), Map.of("labels", labels));
    }

    /** Generated texts and their reference texts, one per row, as the trainer hands them with predict-with-generate. */
    static EvalPrediction texts(List<String> predicted, List<String> references) {
        return new EvalPrediction(Map.of(), Map.of(), predicted, references);
    }

    /** Class-id predictions {@code [N]} and int labels {@code [N]}. */
    static EvalPrediction classIds(int[] predicted, int[] labels) {
        return of(HostTensor.ofInts(predicted, predicted.length), HostTensor.ofInts(labels, labels.length));
    }

    /** Logits {@code [N, C]} from rows and int labels {@code [N]}. */
    static EvalPrediction logits(float[][] rows, int[] labels) {
        int classes = rows[0].length;
        float[] values = new float[rows.length * classes];
        for (int row = 0; row < rows.length; row++) {
            System.arraycopy(rows[row], 0, values, row * classes, classes);
        }
        return of(HostTensor.ofFloats(values, rows.length, classes), HostTensor.ofInts(labels, labels.length));
    }

    /** One-hot-like logits that make {@code predicted} the argmax over {@code classes} classes. */
    static EvalPrediction logitsPredicting(int[] predicted, int classes, int[] labels) {
        float[][] rows = new float[predicted.length][classes];
        for (int row = 0; row < predicted.length; row++) {
            for (int column = 0; column < classes; column++) {
                rows[row][column] = column == predicted[row] ? 2.0f : -1.0f;
            }
        }
        return logits(rows, labels);
    }

    static EvalPrediction values(double[] predicted, double[] targets) {
        return of(HostTensor.ofDoubles(predicted, predicted.length), HostTensor.ofDoubles(targets, targets.length));
    }
}
