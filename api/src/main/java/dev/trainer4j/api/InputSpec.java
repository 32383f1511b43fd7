package dev.trainer4j.api;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * An input a model declares: its name, element type and shape, where -1 marks a dimension that varies
 * (the batch dimension always does).
 *
 * @param name the batch key, e.g. {@code input_ids}
 * @param dataType the element type a batch must provide
 * @param shape the shape including the batch dimension; -1 for any size
 * @param label true for a label input (used for the loss, not needed for prediction)
 */
public record InputSpec(String name, DataType dataType, long[] shape, boolean label) {
    public InputSpec {
        requireNonNull(name, "name is null");
        requireNonNull(dataType, "dataType is null");
        shape = requireNonNull(shape, "shape is null").clone();
        if (shape.length == 0 || shape[0] != -1) {
            throw new IllegalArgumentException("input '" + name + "' shape " + Arrays.toString(shape)
                    + " must start with the batch dimension -1");
        }
    }

    public static InputSpec feature(String name, DataType dataType, long... shape) {
        return new InputSpec(name, dataType, shape, false);
    }

    public static InputSpec label(String name, DataType dataType, long... shape) {
        return new InputSpec(name, dataType, shape, true);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** True when a tensor of {@code tensorShape} fits this input's shape. */
    public boolean accepts(long[] tensorShape) {
        if (tensorShape.length != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != -1 && shape[i] != tensorShape[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof InputSpec spec && name.equals(spec.name) && dataType == spec.dataType
                && Arrays.equals(shape, spec.shape) && label == spec.label;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ":" + dataType + Arrays.toString(shape) + (label ? " (label)" : "");
    }
}
