package dev.trainer4j.tf;

import dev.trainer4j.api.ComputeLossFunction;
import dev.trainer4j.api.ModelOutput;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

import java.util.Map;

/**
 * HF's {@code compute_loss_func} on TensorFlow ({@code TrainerSpec.Builder.computeLossFunc}): graph code called while
 * the training and evaluation passes are built, as {@link TfTrainerHooks#computeLoss}, instead of the model's loss.
 * It returns the outputs with the loss as (sum of per-item losses, number of items), e.g.
 * {@code outputs.withLoss(sum, count)}: the trainer divides by the item count of the whole accumulation window.
 */
@FunctionalInterface
public interface TfComputeLoss extends ComputeLossFunction {

    /**
     * @param outputs what the model returned (its own loss included, when it has labels)
     * @param inputs the pass's placeholders by name, labels included
     * @param tf ops under the pass's name scope
     */
    ModelOutput<Operand<?>> computeLoss(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf);

    /** Whether the loss is a sum of per-row terms, so a training batch may be split into towers; false unless said. */
    default boolean rowIndependent() {
        return false;
    }
}
