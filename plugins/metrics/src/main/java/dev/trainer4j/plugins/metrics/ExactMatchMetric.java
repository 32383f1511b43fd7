package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The share of sequences predicted exactly ({@code exact-match}): a row of the labels ({@code [N, T]}) matches when
 * the predicted ids (or the argmax of logits {@code [N, T, V]}) equal the labels at every position not labelled
 * {@value MetricInputs#IGNORED_LABEL}. A row whose positions are all ignored is not counted. When the batch carries
 * decoded text (generation with {@code predict-with-generate}), a row matches when its generated text equals its
 * reference text exactly, as HF evaluate's {@code exact_match} with its defaults. An empty pass gives {@code NaN}.
 */
public final class ExactMatchMetric implements Metric {
    private long matches;
    private long sequences;

    @Override
    public String name() {
        return "exact-match";
    }

    @Override
    public void reset() {
        matches = 0;
        sequences = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        if (batch.hasTexts()) {
            TextInputs.require(name(), batch);
            for (int row = 0; row < batch.predictedTexts().size(); row++) {
                sequences++;
                if (batch.predictedTexts().get(row).equals(batch.labelTexts().get(row))) {
                    matches++;
                }
            }
            return;
        }
        MetricInputs.ClassIds ids = MetricInputs.sequenceClassIds(name(), batch);
        long[] shape = ids.labelShape();
        int rows = shape.length == 0 ? 1 : Math.toIntExact(shape[0]);
        int length = rows == 0 ? 0 : ids.actual().length / rows;
        for (int row = 0; row < rows; row++) {
            boolean compared = false;
            boolean equal = true;
            for (int position = row * length; position < (row + 1) * length; position++) {
                int label = ids.actual()[position];
                if (label != MetricInputs.IGNORED_LABEL) {
                    compared = true;
                    equal &= label == ids.predicted()[position];
                }
            }
            if (compared) {
                sequences++;
                if (equal) {
                    matches++;
                }
            }
        }
    }

    @Override
    public Map<String, Double> compute() {
        return Map.of(name(), sequences == 0 ? Double.NaN : (double) matches / sequences);
    }
}
