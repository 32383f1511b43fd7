package dev.trainer4j.tf.optim;

import dev.trainer4j.tf.TfVariable;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Creates optimizer slots: zero-initialised float variables shaped like their variable, named
 * {@code optimizer/<variable name>/<slot>}, saved in FULL checkpoints and reset by {@code resetOptimizer()}.
 */
@FunctionalInterface
public interface TfSlotFactory {

    /** The ref output of a new slot for {@code variable}, shaped like it; pass it to apply kernels. */
    default Output<TFloat32> zerosSlot(TfVariable variable, String slotName) {
        return zerosSlot(variable, slotName, variable.shape());
    }

    /** The ref output of a new slot for {@code variable} of another shape (e.g. Adafactor's factored moments). */
    Output<TFloat32> zerosSlot(TfVariable variable, String slotName, Shape shape);
}
