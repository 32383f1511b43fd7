package dev.trainer4j.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What {@code predict()} returns (HF's {@code PredictionOutput}).
 *
 * @param predictions every model output, concatenated over the set in dataset order; empty with
 *     {@code eval-do-concat-batches = false}
 * @param labelIds the labels, concatenated, when the data has them; empty with {@code eval-do-concat-batches = false}
 * @param metrics {@code test_loss} (with labels), {@code test_}-prefixed metrics and speed figures
 * @param predictionBatches with {@code eval-do-concat-batches = false}, every model output per batch in dataset order
 *     (each batch with its own padded length; HF's nested lists), else empty
 * @param labelIdBatches with {@code eval-do-concat-batches = false}, the labels per batch when the data has them, else
 *     empty
 */
public record PredictionOutput(Map<String, HostTensor> predictions, Optional<HostTensor> labelIds, Map<String, Double> metrics,
                               List<Map<String, HostTensor>> predictionBatches, List<HostTensor> labelIdBatches) {
    public PredictionOutput {
        predictions = Map.copyOf(requireNonNull(predictions, "predictions is null"));
        requireNonNull(labelIds, "labelIds is null");
        metrics = Map.copyOf(requireNonNull(metrics, "metrics is null"));
        predictionBatches = requireNonNull(predictionBatches, "predictionBatches is null").stream()
                .map(Map::copyOf).toList();
        labelIdBatches = List.copyOf(requireNonNull(labelIdBatches, "labelIdBatches is null"));
    }

    /** Concatenated predictions ({@code eval-do-concat-batches = true}). */
    public PredictionOutput(Map<String, HostTensor> predictions, Optional<HostTensor> labelIds, Map<String, Double> metrics) {
        this(predictions, labelIds, metrics, List.of(), List.of());
    }
}
