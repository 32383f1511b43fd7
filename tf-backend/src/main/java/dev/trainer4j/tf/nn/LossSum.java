package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import static java.util.Objects.requireNonNull;

/**
 * A loss as the trainer wants it: the sum of per-item losses and what it is normalised by (the number of label
 * items, or the sum of their class weights), both float32 scalars. The mean loss is {@code sum / count}.
 */
public record LossSum(Operand<TFloat32> sum, Operand<TFloat32> count) {
    public LossSum {
        requireNonNull(sum, "sum is null");
        requireNonNull(count, "count is null");
    }
}
