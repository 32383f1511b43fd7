package dev.trainer4j.tf.models;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

import java.util.Map;

/** Reads a model's named inputs, converting them to the type the model computes with. */
final class ModelInputs {
    private ModelInputs() {
    }

    /** The input {@code name} as {@code type}; fails naming the input and what is present when it is missing. */
    static <T extends TType> Operand<T> required(Ops tf, String model, Map<String, Operand<?>> inputs, String name,
            Class<T> type) {
        Operand<?> input = inputs.get(name);
        if (input == null) {
            throw new IllegalArgumentException(model + " needs the input '" + name + "'; present: "
                    + inputs.keySet());
        }
        return convert(tf, input, type);
    }

    /** The input {@code name} as {@code type}, or null when absent. */
    static <T extends TType> Operand<T> optional(Ops tf, Map<String, Operand<?>> inputs, String name,
            Class<T> type) {
        Operand<?> input = inputs.get(name);
        return input == null ? null : convert(tf, input, type);
    }

    @SuppressWarnings("unchecked")
    private static <T extends TType> Operand<T> convert(Ops tf, Operand<?> input, Class<T> type) {
        if (input.type() == type) {
            return (Operand<T>) input;
        }
        return tf.dtypes.cast(input, type);
    }
}
