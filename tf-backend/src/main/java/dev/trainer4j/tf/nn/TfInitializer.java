package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Makes a variable's initial value. Randomness comes only from {@code seed} (a [2] int64 tensor derived from the
 * run's seed and the variable's name) through stateless random ops, so initial weights are reproducible.
 */
@FunctionalInterface
public interface TfInitializer {

    Operand<TFloat32> initialValue(Ops tf, Shape shape, Operand<TInt64> seed);
}
