package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigurationException;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.Arrays;
import java.util.Locale;

/** How a sequence classifier turns token states into one vector. */
public enum Pooling {
    /** The state of the first token (BERT's [CLS]). */
    CLS,
    /** The mean over tokens whose attention mask is 1. */
    MEAN;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The pooling named {@code name} (case-insensitive); errors name {@code key}. */
    public static Pooling fromName(String key, String name) {
        for (Pooling pooling : values()) {
            if (pooling.configName().equalsIgnoreCase(name)) {
                return pooling;
            }
        }
        throw new ConfigurationException(key, name,
                "one of " + Arrays.stream(values()).map(Pooling::configName).toList());
    }

    /**
     * The mean of {@code states} [B, T, H] over the tokens whose {@code mask} [B, T] is 1 (all tokens when the mask
     * is null): {@code Σ_t m_t·h_t / max(Σ_t m_t, 1)}, giving [B, H] (sentence-transformers' mean pooling).
     */
    static Operand<TFloat32> maskedMean(Ops tf, Operand<TFloat32> states, Operand<TInt32> mask) {
        Operand<TInt32> time = tf.constant(1);
        if (mask == null) {
            return tf.math.mean(states, time);
        }
        Operand<TFloat32> weights = tf.expandDims(tf.dtypes.cast(mask, TFloat32.class), tf.constant(-1));
        Operand<TFloat32> total = tf.reduceSum(tf.math.mul(states, weights), time);
        Operand<TFloat32> count = tf.math.maximum(tf.reduceSum(weights, time, ReduceSum.keepDims(false)),
                tf.constant(1f));
        return tf.math.div(total, count);
    }
}
