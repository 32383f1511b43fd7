package dev.trainer4j.api;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * A dense host-side array: a {@link DataType}, a shape and primitive row-major storage.
 *
 * <p>The storage array is shared, not copied: whoever builds a tensor hands its array over and must not change it
 * afterwards. Backends convert a host tensor to a device tensor with one bulk copy.
 */
public final class HostTensor {
    private final DataType dataType;
    private final long[] shape;
    private final Object storage;
    private final int size;

    private HostTensor(DataType dataType, long[] shape, Object storage, int length) {
        this.dataType = requireNonNull(dataType, "dataType is null");
        this.shape = requireNonNull(shape, "shape is null").clone();
        this.storage = requireNonNull(storage, "storage is null");
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension at " + i);
            }
            elements *= shape[i];
        }
        if (elements != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + elements
                    + " elements but the " + dataType + " storage has " + length);
        }
        this.size = length;
    }

    public static HostTensor ofFloats(float[] values, long... shape) {
        return new HostTensor(DataType.FLOAT32, shape, values, values.length);
    }

    public static HostTensor ofDoubles(double[] values, long... shape) {
        return new HostTensor(DataType.FLOAT64, shape, values, values.length);
    }

    public static HostTensor ofInts(int[] values, long... shape) {
        return new HostTensor(DataType.INT32, shape, values, values.length);
    }

    public static HostTensor ofLongs(long[] values, long... shape) {
        return new HostTensor(DataType.INT64, shape, values, values.length);
    }

    /** A tensor of the given type and shape filled with zeros. */
    public static HostTensor zeros(DataType dataType, long... shape) {
        long elements = 1;
        for (long dimension : shape) {
            elements *= dimension;
        }
        int length = Math.toIntExact(elements);
        return switch (dataType) {
            case FLOAT32 -> ofFloats(new float[length], shape);
            case FLOAT64 -> ofDoubles(new double[length], shape);
            case INT32 -> ofInts(new int[length], shape);
            case INT64 -> ofLongs(new long[length], shape);
        };
    }

    public DataType dataType() {
        return dataType;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dimension(int axis) {
        return shape[axis];
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** The backing array of a FLOAT32 tensor (shared, do not modify). */
    public float[] floats() {
        return (float[]) typed(DataType.FLOAT32);
    }

    /** The backing array of a FLOAT64 tensor (shared, do not modify). */
    public double[] doubles() {
        return (double[]) typed(DataType.FLOAT64);
    }

    /** The backing array of an INT32 tensor (shared, do not modify). */
    public int[] ints() {
        return (int[]) typed(DataType.INT32);
    }

    /** The backing array of an INT64 tensor (shared, do not modify). */
    public long[] longs() {
        return (long[]) typed(DataType.INT64);
    }

    /** Element {@code index} (row-major) as a double, whatever the type. */
    public double getDouble(int index) {
        return switch (dataType) {
            case FLOAT32 -> ((float[]) storage)[index];
            case FLOAT64 -> ((double[]) storage)[index];
            case INT32 -> ((int[]) storage)[index];
            case INT64 -> ((long[]) storage)[index];
        };
    }

    /** Element {@code index} (row-major) as a long; floating values are truncated. */
    public long getLong(int index) {
        return switch (dataType) {
            case FLOAT32 -> (long) ((float[]) storage)[index];
            case FLOAT64 -> (long) ((double[]) storage)[index];
            case INT32 -> ((int[]) storage)[index];
            case INT64 -> ((long[]) storage)[index];
        };
    }

    /** The raw backing array (float[], double[], int[] or long[]). */
    public Object storage() {
        return storage;
    }

    /** Elements per row along axis 0 (1 for a vector or scalar). */
    public int rowSize() {
        if (shape.length == 0 || shape[0] == 0) {
            return shape.length == 0 ? 1 : 0;
        }
        return Math.toIntExact(size / shape[0]);
    }

    private Object typed(DataType expected) {
        if (dataType != expected) {
            throw new IllegalStateException("tensor is " + dataType + ", not " + expected);
        }
        return storage;
    }

    @Override
    public String toString() {
        return "HostTensor[" + dataType + " " + Arrays.toString(shape) + "]";
    }
}
