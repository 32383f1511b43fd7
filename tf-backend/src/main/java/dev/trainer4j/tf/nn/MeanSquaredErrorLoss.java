package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * Squared error for regression as {@link LossSum}: the sum of squared differences and the number of target
 * elements (torch's {@code MSELoss} is sum / count). Predictions are reshaped to the targets' shape, so [B, 1]
 * predictions match [B] targets (HF squeezes them for one label); the element counts must agree.
 */
public final class MeanSquaredErrorLoss {

    public LossSum compute(Ops tf, Operand<TFloat32> predictions, Operand<? extends TNumber> targets) {
        Operand<TFloat32> floatTargets = tf.dtypes.cast(targets, TFloat32.class);
        Operand<TFloat32> shaped = tf.reshape(predictions, tf.shape(floatTargets));
        Operand<TFloat32> flat = tf.reshape(tf.math.squaredDifference(shaped, floatTargets),
                tf.constant(new int[] {-1}));
        Operand<TInt32> axis = tf.constant(0);
        Operand<TFloat32> sum = tf.sum(flat, axis);
        Operand<TFloat32> count = tf.dtypes.cast(tf.size(flat, TInt32.class), TFloat32.class);
        return new LossSum(sum, count);
    }
}
