package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/** Dynamic-shape helpers (batch and sequence sizes are known only at run time). */
final class TensorShapes {
    private TensorShapes() {
    }

    /** The dynamic shape of {@code x} without its last dimension, as int64 [rank - 1]. */
    static Operand<TInt64> leadingDimensions(Ops tf, Operand<? extends TType> x) {
        Operand<TInt64> shape = tf.shape(x, TInt64.class);
        Operand<TInt32> rankMinusOne = tf.math.sub(tf.rank(x), tf.constant(1));
        return tf.slice(shape, tf.constant(new long[] {0}), tf.reshape(tf.dtypes.cast(rankMinusOne, TInt64.class),
                tf.constant(new long[] {1})));
    }

    /** Dimension {@code axis} of {@code x} as an int64 scalar (negative axes count from the end). */
    static Operand<TInt64> dimension(Ops tf, Operand<? extends TType> x, int axis) {
        Operand<TInt64> shape = tf.shape(x, TInt64.class);
        Operand<TInt32> index = axis >= 0 ? tf.constant(axis) : tf.math.add(tf.rank(x), tf.constant(axis));
        return tf.gather(shape, index, tf.constant(0));
    }
}
