package dev.trainer4j.tf.nn;

import dev.trainer4j.api.ConfigurationException;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.Arrays;
import java.util.Locale;

/** An element-wise activation, built only from ops that have a gradient in TensorFlow Java 1.1.0. */
public enum Activation {
    /** The identity. */
    NONE,
    /** max(x, 0). */
    RELU,
    /** The exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (BERT's and HF's {@code gelu}). */
    GELU,
    /**
     * The tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (HF's {@code gelu_new}, GPT-2's and some
     * BERT ports').
     */
    GELU_NEW,
    /** tanh(x). */
    TANH;

    /** The name used in settings, e.g. {@code gelu} or {@code gelu_new} (HF's {@code hidden_act} names). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Applies the activation. */
    public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
        return switch (this) {
            case NONE -> x;
            case RELU -> tf.nn.relu(x);
            case GELU -> tf.math.mul(tf.math.mul(x, tf.constant(0.5f)),
                    tf.math.add(tf.constant(1f), tf.math.erf(tf.math.mul(x, tf.constant((float) (1 / Math.sqrt(2)))))));
            case GELU_NEW -> geluTanh(tf, x);
            case TANH -> tf.math.tanh(x);
        };
    }

    private static Operand<TFloat32> geluTanh(Ops tf, Operand<TFloat32> x) {
        Operand<TFloat32> cube = tf.math.mul(tf.math.mul(x, x), x);
        Operand<TFloat32> inner = tf.math.mul(tf.constant((float) Math.sqrt(2 / Math.PI)),
                tf.math.add(x, tf.math.mul(tf.constant(0.044715f), cube)));
        return tf.math.mul(tf.math.mul(x, tf.constant(0.5f)), tf.math.add(tf.constant(1f), tf.math.tanh(inner)));
    }

    /**
     * The activation named {@code name} (case-insensitive).
     *
     * @param key the settings key, for the error message
     */
    public static Activation fromName(String key, String name) {
        for (Activation activation : values()) {
            if (activation.configName().equalsIgnoreCase(name)) {
                return activation;
            }
        }
        throw new dev.trainer4j.api.ConfigurationException(key, name,
                "one of " + Arrays.stream(values()).map(Activation::configName).toList());
    }
}
