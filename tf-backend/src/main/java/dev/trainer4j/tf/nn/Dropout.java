package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import static java.util.Objects.requireNonNull;

/**
 * Inverted dropout from a stateless random mask: while training each element is kept with probability 1 - rate
 * and scaled by 1 / (1 - rate); otherwise (or when rate is 0) the layer is the identity. The mask comes from
 * {@code statelessRandomUniform(shape, scope.randomSeed())}, so it is reproducible for the scope's seed.
 */
public final class Dropout {
    private final TfModelScope scope;
    private final float rate;

    /**
     * @param scope the scope whose path and seed decide the mask; give each dropout site its own child scope
     * @param rate the drop probability in [0, 1)
     */
    public Dropout(TfModelScope scope, double rate) {
        this.scope = requireNonNull(scope, "scope is null");
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout " + scope.path() + ": rate " + rate
                    + " is not allowed; expected a number in [0, 1)");
        }
        this.rate = (float) rate;
    }

    public float rate() {
        return rate;
    }

    /** Applies dropout to {@code x} when training, otherwise returns {@code x}. */
    public Operand<TFloat32> apply(Operand<TFloat32> x) {
        if (!scope.training() || rate == 0f) {
            return x;
        }
        Ops tf = scope.tf();
        Operand<TFloat32> uniform = tf.random.statelessRandomUniform(tf.shape(x), scope.randomSeed());
        Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(uniform, tf.constant(rate)), TFloat32.class);
        return tf.math.mul(x, tf.math.mul(keep, tf.constant(1f / (1f - rate))));
    }
}
