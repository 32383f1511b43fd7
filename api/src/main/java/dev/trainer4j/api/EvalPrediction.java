package dev.trainer4j.api;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Predictions and labels for metrics: for one batch (streaming {@link Metric}s) or for a whole set
 * ({@link ComputeMetrics}).
 *
 * @param predictions the model outputs by name (e.g. {@code logits}), batch-first
 * @param labels the label tensors by name (usually just {@code labels}); empty when the data has none
 */
public record EvalPrediction(Map<String, HostTensor> predictions, Map<String, HostTensor> labels) {
    public EvalPrediction {
        predictions = Map.copyOf(requireNonNull(predictions, "predictions is null"));
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
    }

    /** The first prediction (the logits of a classifier). */
    public HostTensor primaryPrediction() {
        if (predictions.containsKey("logits")) {
            return predictions.get("logits");
        }
        return predictions.values().stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("no predictions"));
    }

    /** The {@code labels} tensor, or the only label tensor. */
    public Optional<HostTensor> labelIds() {
        if (labels.containsKey("labels")) {
            return Optional.of(labels.get("labels"));
        }
        return labels.size() == 1 ? labels.values().stream().findFirst() : Optional.empty();
    }
}
