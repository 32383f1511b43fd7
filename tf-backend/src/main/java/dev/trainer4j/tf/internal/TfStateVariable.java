package dev.trainer4j.tf.internal;

import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

import java.util.function.Function;

/**
 * A variable of engine state (optimizer slot or counter, loss accumulator, accumulation buffer).
 *
 * @param name the stable name, also the checkpoint key
 * @param reset the op that assigns the initial value again
 * @param initialValue builds the initial value under the given ops
 */
public record TfStateVariable<T extends TType>(String name, Class<T> type, Shape shape, TfVariableStore.StateGroup group,
                                               Output<T> ref, Operand<T> read, Op reset, Function<Ops, Operand<T>> initialValue) {

    /** A new op that assigns the initial value again, built under {@code ops} (e.g. after control dependencies). */
    public Op resetUnder(Ops ops) {
        return ops.assign(ref, initialValue.apply(ops));
    }
}
