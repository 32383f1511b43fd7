package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

import static java.util.Objects.requireNonNull;

/**
 * Layer normalisation over the last dimension: {@code (x - mean) / sqrt(var + eps) * gamma + beta}, with the
 * biased variance, built from Mean, SquaredDifference and Rsqrt. Variables {@code gamma} (ones) and {@code beta}
 * (zeros), both {@link VariableRole#NORM}.
 */
public final class LayerNorm {
    /** PyTorch's default epsilon. */
    public static final double DEFAULT_EPSILON = 1e-5;

    private final TfModelScope scope;
    private final float epsilon;
    private final Operand<TFloat32> gamma;
    private final Operand<TFloat32> beta;

    public LayerNorm(TfModelScope scope, long dimension) {
        this(scope, dimension, DEFAULT_EPSILON);
    }

    public LayerNorm(TfModelScope scope, long dimension, double epsilon) {
        this.scope = requireNonNull(scope, "scope is null");
        if (dimension <= 0) {
            throw new IllegalArgumentException("layer norm " + scope.path() + " needs a positive dimension, got "
                    + dimension);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("layer norm " + scope.path() + ": epsilon " + epsilon
                    + " is not allowed; expected a number > 0");
        }
        this.epsilon = (float) epsilon;
        this.gamma = scope.variable("gamma", Shape.of(dimension), TfInitializers.ones(), VariableRole.NORM);
        this.beta = scope.variable("beta", Shape.of(dimension), TfInitializers.zeros(), VariableRole.NORM);
    }

    /** Normalises {@code x} [..., dimension]. */
    public Operand<TFloat32> apply(Operand<TFloat32> x) {
        Ops tf = scope.tf();
        Operand<org.tensorflow.types.TInt32> lastAxis = tf.constant(-1);
        Operand<TFloat32> mean = tf.math.mean(x, lastAxis, Mean.keepDims(true));
        Operand<TFloat32> variance = tf.math.mean(tf.math.squaredDifference(x, mean), lastAxis, Mean.keepDims(true));
        Operand<TFloat32> normalised = tf.math.mul(tf.math.sub(x, mean),
                tf.math.rsqrt(tf.math.add(variance, tf.constant(epsilon))));
        return tf.math.add(tf.math.mul(normalised, gamma), beta);
    }
}
