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
 * @param numClasses for a class-index label, the number of classes C: every value must be in [0, C) or the ignore
 *        index {@value #IGNORE_INDEX}; 0 when the input is not a class index
 */
public record InputSpec(String name, DataType dataType, long[] shape, boolean label, int numClasses) {
    /** The label value of items that are not items (padding, unlabelled tokens), as in HF and torch. */
    public static final int IGNORE_INDEX = -100;

    public InputSpec {
        requireNonNull(name, "name is null");
        requireNonNull(dataType, "dataType is null");
        shape = requireNonNull(shape, "shape is null").clone();
        if (shape.length == 0 || shape[0] != -1) {
            throw new IllegalArgumentException("input '" + name + "' shape " + Arrays.toString(shape)
                    + " must start with the batch dimension -1");
        }
        if (numClasses < 0) {
            throw new IllegalArgumentException("input '" + name + "' numClasses " + numClasses + " must be >= 0");
        }
        if (numClasses > 0 && dataType != DataType.INT32 && dataType != DataType.INT64) {
            throw new IllegalArgumentException("input '" + name + "' is a class index (" + numClasses
                    + " classes) but its type " + dataType + " is not an integer type");
        }
    }

    /** An input that is not a class index. */
    public InputSpec(String name, DataType dataType, long[] shape, boolean label) {
        this(name, dataType, shape, label, 0);
    }

    public static InputSpec feature(String name, DataType dataType, long... shape) {
        return new InputSpec(name, dataType, shape, false);
    }

    public static InputSpec label(String name, DataType dataType, long... shape) {
        return new InputSpec(name, dataType, shape, true);
    }

    /**
     * A label holding class indices: every value must be in [0, {@code numClasses}) or {@value #IGNORE_INDEX}.
     */
    public static InputSpec classLabel(String name, DataType dataType, int numClasses, long... shape) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("class label '" + name + "' needs at least one class, got " + numClasses);
        }
        return new InputSpec(name, dataType, shape, true, numClasses);
    }

    /** True when this input holds class indices with a known number of classes. */
    public boolean isClassIndex() {
        return numClasses > 0;
    }

    /** True when {@code value} is a valid class index of this input (or the ignore index); any value otherwise. */
    public boolean acceptsValue(long value) {
        return numClasses == 0 || value == IGNORE_INDEX || (value >= 0 && value < numClasses);
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
                && Arrays.equals(shape, spec.shape) && label == spec.label
                && numClasses == spec.numClasses;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + ":" + dataType + Arrays.toString(shape) + (label ? " (label)" : "")
                + (numClasses > 0 ? " (class index in [0, " + numClasses + "))" : "");
    }
}
