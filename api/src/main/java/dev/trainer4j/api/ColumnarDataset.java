package dev.trainer4j.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * An in-memory map-style dataset stored as columns, like Keras {@code fit(x, y)}, PyTorch's {@code TensorDataset} or
 * a Hugging Face (Arrow) dataset: each column is a {@link HostTensor} whose first dimension is the number of examples.
 * Made by {@link Dataset#ofColumns(Map)}.
 *
 * <p>A column is either rank 1 ({@code [N]}, one value per example, e.g. a label) or rank 2 ({@code [N, width]}, one
 * row per example, e.g. features or token ids). Higher ranks are refused: the {@link DefaultCollator} stacks only
 * scalars and flat rows, and the two ways of reading this dataset (below) must agree; reshape such a column to
 * {@code [N, rowSize]} over the same storage ({@code HostTensor.ofFloats(column.floats(), n, rowSize)}).
 *
 * <p>Two ways to read it give the same batches:
 * <ul>
 *   <li>{@link #get(int)} returns an {@link Example} view of one row (a rank-1 column becomes an {@code Integer},
 *   {@code Long}, {@code Float} or {@code Double}; a rank-2 column a copy of the row as {@code int[]}, {@code long[]},
 *   {@code float[]} or {@code double[]}), for custom collators, samplers that read lengths, and debugging;</li>
 *   <li>{@link #gather(int[], int, int)} builds the batch the {@link DefaultCollator} makes of those rows straight
 *   from the columns, with one {@code System.arraycopy} per column and run of consecutive rows. A
 *   {@code MapDataLoader} with {@code DefaultCollator.INSTANCE} uses it, so training on in-memory arrays creates
 *   no per-example objects.</li>
 * </ul>
 * As with the default collator, a column named {@code label} or {@code label_ids} becomes the batch tensor
 * {@code labels}, and FLOAT64 columns become FLOAT32 batch tensors. An empty dataset (first dimension 0) is allowed,
 * like an empty {@code Dataset.of(List.of())}: it has no batches, and training on it fails with the loop's error.
 *
 * <p>The columns' storage arrays are shared, not copied (like the arrays of an {@link Example}): do not change them
 * afterwards. Instances are immutable and safe to read from several threads.
 */
public final class ColumnarDataset implements MapDataset {
    private final Map<String, HostTensor> columns;
    private final String[] names;
    private final String[] batchNames;
    private final HostTensor[] tensors;
    private final int[] widths;
    private final int size;

    ColumnarDataset(Map<String, HostTensor> columns) {
        requireNonNull(columns, "columns is null");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a columnar dataset needs at least one column");
        }
        Map<String, HostTensor> copy = new LinkedHashMap<>();
        Map<String, String> sourceOfBatchName = new LinkedHashMap<>();
        String firstName = null;
        HostTensor first = null;
        for (Map.Entry<String, HostTensor> entry : columns.entrySet()) {
            String name = requireNonNull(entry.getKey(), "column name is null");
            HostTensor column = requireNonNull(entry.getValue(), () -> "column '" + name + "' is null");
            if (column.rank() == 0) {
                throw new IllegalArgumentException("column '" + name + "' is a scalar (shape []); a column needs a first"
                        + " dimension, the number of examples");
            }
            if (column.rank() > 2) {
                throw new IllegalArgumentException("column '" + name + "' has shape " + Arrays.toString(column.shape())
                        + " (rank " + column.rank() + "); a columnar dataset takes columns of shape [examples] or"
                        + " [examples, width]: reshape it to [" + column.dimension(0) + ", " + rowElements(column) + "]");
            }
            if (first == null) {
                firstName = name;
                first = column;
            }
            else if (column.dimension(0) != first.dimension(0)) {
                throw new IllegalArgumentException("column '" + name + "' has " + column.dimension(0) + " examples (shape "
                        + Arrays.toString(column.shape()) + ") but column '" + firstName + "' has " + first.dimension(0)
                        + " (shape " + Arrays.toString(first.shape()) + "); every column needs the same first dimension");
            }
            String batchName = batchName(name);
            String clash = sourceOfBatchName.putIfAbsent(batchName, name);
            if (clash != null) {
                throw new IllegalArgumentException("columns '" + clash + "' and '" + name + "' would both become batch tensor '"
                        + batchName + "' (label and label_ids are renamed labels); keep one of them");
            }
            copy.put(name, column);
        }
        this.columns = Collections.unmodifiableMap(copy);
        this.names = copy.keySet().toArray(String[]::new);
        this.batchNames = Arrays.stream(names).map(ColumnarDataset::batchName).toArray(String[]::new);
        this.tensors = copy.values().toArray(HostTensor[]::new);
        this.widths = Arrays.stream(tensors).mapToInt(column -> column.rank() == 1 ? 1 : Math.toIntExact(column.dimension(1)))
                .toArray();
        this.size = Math.toIntExact(first.dimension(0));
    }

    private static long rowElements(HostTensor column) {
        long elements = 1;
        for (int axis = 1; axis < column.rank(); axis++) {
            elements *= column.dimension(axis);
        }
        return elements;
    }

    /** The name {@link DefaultCollator} gives the batch tensor of field {@code name}. */
    private static String batchName(String name) {
        return name.equals("label") || name.equals("label_ids") ? "labels" : name;
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Row {@code index} as an example, with the columns' names in their order: a rank-1 column gives a boxed scalar
     * of its type, a rank-2 column a copy of the row as a primitive array of its type. Collating these examples with
     * the {@link DefaultCollator} gives the same batch as {@link #gather(int[], int, int)}.
     */
    @Override
    public Example get(int index) {
        checkRow(index);
        Example.Builder example = Example.builder();
        for (int c = 0; c < tensors.length; c++) {
            example.put(names[c], tensors[c].rank() == 1 ? scalar(tensors[c], index) : row(tensors[c], index, widths[c]));
        }
        return example.build();
    }

    private static Object scalar(HostTensor column, int index) {
        return switch (column.dataType()) {
            case FLOAT32 -> column.floats()[index];
            case FLOAT64 -> column.doubles()[index];
            case INT32 -> column.ints()[index];
            case INT64 -> column.longs()[index];
        };
    }

    private static Object row(HostTensor column, int index, int width) {
        int from = index * width;
        return switch (column.dataType()) {
            case FLOAT32 -> Arrays.copyOfRange(column.floats(), from, from + width);
            case FLOAT64 -> Arrays.copyOfRange(column.doubles(), from, from + width);
            case INT32 -> Arrays.copyOfRange(column.ints(), from, from + width);
            case INT64 -> Arrays.copyOfRange(column.longs(), from, from + width);
        };
    }

    /**
     * The batch of rows {@code indices[from] .. indices[to - 1]}, in that order: exactly (names, types, shapes and
     * bits) what {@code DefaultCollator.INSTANCE} makes of {@code get(indices[from]) .. get(indices[to - 1])}, built
     * straight from the columns into fresh arrays. Each run of consecutive row indices is copied with one
     * {@code System.arraycopy} per column (a FLOAT64 column is converted to FLOAT32 element by element).
     *
     * @throws IndexOutOfBoundsException if {@code [from, to)} is not within {@code indices} or a row index is not
     *                                   within {@code [0, size())}
     * @throws IllegalArgumentException if the range is empty (the default collator refuses an empty batch too)
     */
    public Batch gather(int[] indices, int from, int to) {
        requireNonNull(indices, "indices is null");
        Objects.checkFromToIndex(from, to, indices.length);
        int rows = to - from;
        if (rows == 0) {
            throw new IllegalArgumentException("cannot gather an empty batch (rows " + from + " to " + to + ")");
        }
        // runs of consecutive rows: runStart[r] (dataset row), runAt[r] (batch row), runLength[r]
        int[] runStart = new int[rows];
        int[] runAt = new int[rows];
        int[] runLength = new int[rows];
        int runs = 0;
        for (int i = from; i < to; i++) {
            int row = checkRow(indices[i]);
            if (runs > 0 && row == runStart[runs - 1] + runLength[runs - 1]) {
                runLength[runs - 1]++;
            }
            else {
                runStart[runs] = row;
                runAt[runs] = i - from;
                runLength[runs] = 1;
                runs++;
            }
        }
        Map<String, HostTensor> batch = new LinkedHashMap<>();
        for (int c = 0; c < tensors.length; c++) {
            HostTensor column = tensors[c];
            int width = widths[c];
            long[] shape = column.rank() == 1 ? new long[] {rows} : new long[] {rows, width};
            int length = rows * width;
            // one run (a sequential batch) is one copyOfRange, which the JIT fills without zeroing the new array first
            int first = runStart[0] * width;
            HostTensor gathered = switch (column.dataType()) {
                case FLOAT32 -> HostTensor.ofFloats(runs == 1 ? Arrays.copyOfRange(column.floats(), first, first + length)
                        : copyRuns(column.storage(), new float[length], width, runStart, runAt, runLength, runs), shape);
                case INT32 -> HostTensor.ofInts(runs == 1 ? Arrays.copyOfRange(column.ints(), first, first + length)
                        : copyRuns(column.storage(), new int[length], width, runStart, runAt, runLength, runs), shape);
                case INT64 -> HostTensor.ofLongs(runs == 1 ? Arrays.copyOfRange(column.longs(), first, first + length)
                        : copyRuns(column.storage(), new long[length], width, runStart, runAt, runLength, runs), shape);
                case FLOAT64 -> HostTensor.ofFloats(narrowRuns(column.doubles(), new float[length], width, runStart, runAt, runLength, runs), shape);
            };
            batch.put(batchNames[c], gathered);
        }
        return new Batch(batch);
    }

    private static <T> T copyRuns(Object source, T target, int width, int[] runStart, int[] runAt, int[] runLength, int runs) {
        for (int r = 0; r < runs; r++) {
            System.arraycopy(source, runStart[r] * width, target, runAt[r] * width, runLength[r] * width);
        }
        return target;
    }

    private static float[] narrowRuns(double[] source, float[] target, int width, int[] runStart, int[] runAt, int[] runLength,
                                      int runs) {
        for (int r = 0; r < runs; r++) {
            int from = runStart[r] * width;
            int at = runAt[r] * width;
            int length = runLength[r] * width;
            for (int i = 0; i < length; i++) {
                target[at + i] = (float) source[from + i];
            }
        }
        return target;
    }

    private int checkRow(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("row " + index + " is outside [0, " + size + ") of " + this);
        }
        return index;
    }

    /** The columns by name, in the order they were given (the tensors are shared, not copied). */
    public Map<String, HostTensor> columns() {
        return columns;
    }

    /** The column named {@code name}; a clear error names the present columns when it is missing. */
    public HostTensor column(String name) {
        HostTensor column = columns.get(name);
        if (column == null) {
            throw new IllegalArgumentException("dataset has no column '" + name + "'; present: " + columns.keySet());
        }
        return column;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("ColumnarDataset[").append(size).append(" examples: ");
        for (int c = 0; c < names.length; c++) {
            text.append(c == 0 ? "" : ", ").append(names[c]).append(' ').append(tensors[c].dataType())
                    .append(' ').append(Arrays.toString(tensors[c].shape()));
        }
        return text.append(']').toString();
    }
}
