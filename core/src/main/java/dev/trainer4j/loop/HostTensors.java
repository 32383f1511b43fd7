package dev.trainer4j.loop;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.HostTensor;

import java.util.Arrays;
import java.util.List;

/**
 * Concatenates host tensors along the batch axis, as HF's prediction loop does: tensors whose other dimensions
 * differ (sequences of different lengths) are right-padded with {@value #PAD} to the largest shape first.
 */
final class HostTensors {
    /** HF's padding index for concatenated predictions and labels. */
    public static final int PAD = -100;

    private HostTensors() {
    }

    public static HostTensor concatenate(String name, List<HostTensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to concatenate for '" + name + "'");
        }
        HostTensor first = parts.get(0);
        DataType type = first.dataType();
        int rank = first.rank();
        long[] shape = first.shape();
        shape[0] = 0;
        for (HostTensor part : parts) {
            if (part.dataType() != type || part.rank() != rank) {
                throw new IllegalArgumentException("cannot concatenate '" + name + "': " + part + " does not match " + first);
            }
            shape[0] += part.dimension(0);
            for (int axis = 1; axis < rank; axis++) {
                shape[axis] = Math.max(shape[axis], part.dimension(axis));
            }
        }
        HostTensor result = HostTensor.zeros(type, shape);
        fill(result, PAD);
        long rowOffset = 0;
        for (HostTensor part : parts) {
            copyInto(part, result, rowOffset);
            rowOffset += part.dimension(0);
        }
        return result;
    }

    /**
     * {@code tensor} (INT64) as INT32 with the same shape, converted exactly.
     *
     * @throws DataException naming {@code column}, the row of the batch and the value when a value does not fit
     */
    static HostTensor toInts(String column, HostTensor tensor) {
        long[] values = tensor.longs();
        int[] ints = new int[values.length];
        int rowSize = Math.max(1, tensor.rowSize());
        for (int index = 0; index < values.length; index++) {
            long value = values[index];
            if (value != (int) value) {
                throw new DataException("column '" + column + "' of row " + index / rowSize + " of the batch (0-based) is "
                        + value + ", which does not fit the INT32 the model expects (between " + Integer.MIN_VALUE
                        + " and " + Integer.MAX_VALUE + ")");
            }
            ints[index] = (int) value;
        }
        return HostTensor.ofInts(ints, tensor.shape());
    }

    private static void fill(HostTensor tensor, int value) {
        switch (tensor.dataType()) {
            case FLOAT32 -> Arrays.fill(tensor.floats(), value);
            case FLOAT64 -> Arrays.fill(tensor.doubles(), value);
            case INT32 -> Arrays.fill(tensor.ints(), value);
            case INT64 -> Arrays.fill(tensor.longs(), value);
        }
    }

    /** Copies {@code part} into {@code target} at row {@code rowOffset}, element by element index mapping. */
    private static void copyInto(HostTensor part, HostTensor target, long rowOffset) {
        long[] partShape = part.shape();
        long[] targetShape = target.shape();
        int rank = partShape.length;
        if (Arrays.equals(partShape, 1, rank, targetShape, 1, rank)) {
            int offset = Math.toIntExact(rowOffset * target.rowSize());
            System.arraycopy(part.storage(), 0, target.storage(), offset, part.size());
            return;
        }
        int size = part.size();
        long[] index = new long[rank];
        for (int flat = 0; flat < size; flat++) {
            long remainder = flat;
            for (int axis = rank - 1; axis >= 0; axis--) {
                index[axis] = remainder % partShape[axis];
                remainder /= partShape[axis];
            }
            long targetFlat = 0;
            for (int axis = 0; axis < rank; axis++) {
                long coordinate = axis == 0 ? index[0] + rowOffset : index[axis];
                targetFlat = targetFlat * targetShape[axis] + coordinate;
            }
            int destination = Math.toIntExact(targetFlat);
            switch (target.dataType()) {
                case FLOAT32 -> target.floats()[destination] = part.floats()[flat];
                case FLOAT64 -> target.doubles()[destination] = part.doubles()[flat];
                case INT32 -> target.ints()[destination] = part.ints()[flat];
                case INT64 -> target.longs()[destination] = part.longs()[flat];
            }
        }
    }
}
