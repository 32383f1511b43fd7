package dev.trainer4j.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Predictions and labels for metrics: for one batch (streaming {@link Metric}s) or for a whole set
 * ({@link ComputeMetrics}).
 *
 * @param predictions the model outputs by name (e.g. {@code logits}), batch-first
 * @param labels the label tensors by name (usually just {@code labels}); empty when the data has none
 * @param predictedTexts the decoded generated text per row when the trainer generates ({@code predict-with-generate}
 *     and a tokenizer), else empty
 * @param labelTexts the decoded reference text per row (label ids without -100 and padding), else empty
 * @param inputs the batch's input tensors (not the labels) with {@code include-for-metrics = [inputs]}, else empty
 * @param losses the loss per row with {@code include-for-metrics = [loss]} (as HF: the batch's mean loss, repeated
 *     for each row), else empty
 * @param batches with {@code eval-do-concat-batches = false}, the whole set as one prediction per batch (each with
 *     the batch's own shapes; HF's nested lists) and every other component empty; else empty
 */
public record EvalPrediction(Map<String, HostTensor> predictions, Map<String, HostTensor> labels,
                             List<String> predictedTexts, List<String> labelTexts,
                             Map<String, HostTensor> inputs, Optional<HostTensor> losses, List<EvalPrediction> batches) {
    public EvalPrediction {
        batches = List.copyOf(requireNonNull(batches, "batches is null"));
        if (batches.stream().anyMatch(batch -> !batch.batches().isEmpty())) {
            throw new IllegalArgumentException("a batch of an EvalPrediction has batches of its own");
        }
        inputs = Map.copyOf(requireNonNull(inputs, "inputs is null"));
        requireNonNull(losses, "losses is null");
        predictions = Map.copyOf(requireNonNull(predictions, "predictions is null"));
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
        predictedTexts = List.copyOf(requireNonNull(predictedTexts, "predictedTexts is null"));
        labelTexts = List.copyOf(requireNonNull(labelTexts, "labelTexts is null"));
        if (!labelTexts.isEmpty() && labelTexts.size() != predictedTexts.size()) {
            throw new IllegalArgumentException("labelTexts has " + labelTexts.size() + " rows but predictedTexts has "
                    + predictedTexts.size());
        }
    }

    /** Predictions, labels, texts, inputs and losses of one batch, or concatenated over a set. */
    public EvalPrediction(Map<String, HostTensor> predictions, Map<String, HostTensor> labels,
                          List<String> predictedTexts, List<String> labelTexts,
                          Map<String, HostTensor> inputs, Optional<HostTensor> losses) {
        this(predictions, labels, predictedTexts, labelTexts, inputs, losses, List.of());
    }

    /** A whole set kept per batch ({@code eval-do-concat-batches = false}): every component but {@link #batches()} is empty. */
    public static EvalPrediction ofBatches(List<EvalPrediction> batches) {
        return new EvalPrediction(Map.of(), Map.of(), List.of(), List.of(), Map.of(), Optional.empty(), batches);
    }

    /** False when the set is kept per batch ({@code eval-do-concat-batches = false}): read {@link #batches()}. */
    public boolean isConcatenated() {
        return batches.isEmpty();
    }

    /** Predictions and labels as tensors only, without decoded text. */
    public EvalPrediction(Map<String, HostTensor> predictions, Map<String, HostTensor> labels) {
        this(predictions, labels, List.of(), List.of());
    }

    /** Predictions, labels and decoded texts, without inputs or losses. */
    public EvalPrediction(Map<String, HostTensor> predictions, Map<String, HostTensor> labels,
                          List<String> predictedTexts, List<String> labelTexts) {
        this(predictions, labels, predictedTexts, labelTexts, Map.of(), Optional.empty());
    }

    /** Whether the rows come with decoded text (generation with a tokenizer). */
    public boolean hasTexts() {
        return !predictedTexts.isEmpty();
    }

    /** The first prediction (the logits of a classifier). */
    public HostTensor primaryPrediction() {
        requireConcatenated("primaryPrediction()");
        if (predictions.containsKey("logits")) {
            return predictions.get("logits");
        }
        return predictions.values().stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("no predictions"));
    }

    /** The {@code labels} tensor, or the only label tensor. */
    public Optional<HostTensor> labelIds() {
        requireConcatenated("labelIds()");
        if (labels.containsKey("labels")) {
            return Optional.of(labels.get("labels"));
        }
        return labels.size() == 1 ? labels.values().stream().findFirst() : Optional.empty();
    }

    private void requireConcatenated(String accessor) {
        if (!batches.isEmpty()) {
            throw new IllegalStateException("eval-do-concat-batches = false: the predictions are kept per batch ("
                    + batches.size() + " batches); call " + accessor + " on each of batches(), or set"
                    + " eval-do-concat-batches = true");
        }
    }
}
