package dev.trainer4j.spi;

import dev.trainer4j.api.HostTensor;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The engine's result for one evaluation or prediction batch.
 *
 * @param lossSum the sum of per-item losses (0 when the batch has no labels)
 * @param itemCount the number of label items (0 when the batch has no labels)
 * @param hasLoss true when the batch had labels and a loss was computed
 * @param predictions the model's outputs by name (e.g. {@code logits}); empty when not asked for
 */
public record EvalBatchOutput(double lossSum, double itemCount, boolean hasLoss, Map<String, HostTensor> predictions) {
    public EvalBatchOutput {
        predictions = Map.copyOf(requireNonNull(predictions, "predictions is null"));
    }
}
