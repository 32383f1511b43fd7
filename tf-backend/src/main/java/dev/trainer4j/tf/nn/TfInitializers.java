package dev.trainer4j.tf.nn;

import org.tensorflow.ndarray.Shape;

/** Common initializers, all deterministic given the seed. */
public final class TfInitializers {
    private TfInitializers() {
    }

    public static TfInitializer zeros() {
        return (tf, shape, seed) -> tf.zeros(tf.constant(shape), org.tensorflow.types.TFloat32.class);
    }

    public static TfInitializer ones() {
        return (tf, shape, seed) -> tf.fill(tf.constant(shape), tf.constant(1f));
    }

    /** Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fan_in + fan_out)) over the last two dimensions. */
    public static TfInitializer glorotUniform() {
        return (tf, shape, seed) -> {
            double fanIn = shape.numDimensions() >= 2 ? shape.size(shape.numDimensions() - 2) : shape.size(0);
            double fanOut = shape.size(shape.numDimensions() - 1);
            if (shape.numDimensions() > 2) {
                double receptive = shape.size() / (fanIn * fanOut);
                fanIn *= receptive;
                fanOut *= receptive;
            }
            float limit = (float) Math.sqrt(6.0 / (fanIn + fanOut));
            return uniform(tf, shape, seed, -limit, limit);
        };
    }

    /** Normal(0, stddev) truncated at two standard deviations (BERT's initializer with stddev 0.02). */
    public static TfInitializer truncatedNormal(double stddev) {
        return (tf, shape, seed) -> tf.math.mul(
                tf.random.statelessTruncatedNormal(tf.constant(shape), seed),
                tf.constant((float) stddev));
    }

    /** Uniform in [low, high). */
    public static TfInitializer uniform(double low, double high) {
        return (tf, shape, seed) -> uniform(tf, shape, seed, (float) low, (float) high);
    }

    private static org.tensorflow.Operand<org.tensorflow.types.TFloat32> uniform(
            org.tensorflow.op.Ops tf, Shape shape, org.tensorflow.Operand<org.tensorflow.types.TInt64> seed, float low, float high) {
        return tf.math.add(
                tf.math.mul(tf.random.statelessRandomUniform(tf.constant(shape), seed), tf.constant(high - low)),
                tf.constant(low));
    }
}
