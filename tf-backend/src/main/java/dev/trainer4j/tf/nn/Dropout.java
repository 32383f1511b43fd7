package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint16;

import static java.util.Objects.requireNonNull;

/**
 * Inverted dropout from a stateless random mask: while training each element is kept with probability 1 - rate
 * and scaled by 1 / (1 - rate); otherwise (or when rate is 0) the layer is the identity. The mask compares the
 * scope's 16-bit uniforms ({@link TfModelScope#randomUint16}) with a threshold, so it is reproducible for the
 * scope's seed and step, and the drop probability is {@code rate} rounded to a multiple of 2^-16.
 */
public final class Dropout {
    private static final int LEVELS = 1 << 16;

    private final TfModelScope scope;
    private final float rate;
    private final int threshold;

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
        // an element is dropped when its 16-bit uniform is below the threshold
        this.threshold = (int) Math.min(LEVELS - 1, Math.round(rate * LEVELS));
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
        Operand<TUint16> uniform = scope.randomUint16(x);
        // the kept elements' factor in one op (a select between two scalars), not a cast and a multiply
        Operand<TFloat32> factor = tf.select(tf.math.greaterEqual(uniform,
                tf.dtypes.cast(tf.constant(threshold), TUint16.class)), tf.constant(1f / (1f - rate)), tf.constant(0f));
        return tf.math.mul(x, factor);
    }
}
