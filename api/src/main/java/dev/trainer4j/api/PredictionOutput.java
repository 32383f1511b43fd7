package dev.trainer4j.api;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What {@code predict()} returns (HF's {@code PredictionOutput}).
 *
 * @param predictions every model output, concatenated over the set in dataset order
 * @param labelIds the labels, concatenated, when the data has them
 * @param metrics {@code test_loss} (with labels), {@code test_}-prefixed metrics and speed figures
 */
public record PredictionOutput(Map<String, HostTensor> predictions, Optional<HostTensor> labelIds, Map<String, Double> metrics) {
    public PredictionOutput {
        predictions = Map.copyOf(requireNonNull(predictions, "predictions is null"));
        requireNonNull(labelIds, "labelIds is null");
        metrics = Map.copyOf(requireNonNull(metrics, "metrics is null"));
    }
}
