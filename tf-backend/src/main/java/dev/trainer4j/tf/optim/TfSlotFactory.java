package dev.trainer4j.tf.optim;

import dev.trainer4j.tf.TfVariable;
import org.tensorflow.Output;
import org.tensorflow.types.TFloat32;

/**
 * Creates optimizer slots: zero-initialised float variables shaped like their variable, named
 * {@code optimizer/<variable name>/<slot>}, saved in FULL checkpoints and reset by {@code resetOptimizer()}.
 */
@FunctionalInterface
public interface TfSlotFactory {

    /** The ref output of a new slot for {@code variable}; pass it to apply kernels. */
    Output<TFloat32> zerosSlot(TfVariable variable, String slotName);
}
