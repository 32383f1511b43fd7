package dev.trainer4j.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HF's {@code default_data_collator}: stacks each field of the examples into one tensor, with no padding (every
 * example must have the same shape). Field names are taken from the first example; {@code label} and
 * {@code label_ids} become {@code labels}; strings are left out.
 *
 * <p>Types: {@code Integer}, {@code Short}, {@code Byte} and {@code int[]} become INT32; {@code Long} and
 * {@code long[]} INT64; {@code Float}, {@code Double}, {@code float[]} and {@code double[]} FLOAT32; booleans
 * INT32 (0/1).
 *
 * <p>A {@code MapDataLoader} over a {@link ColumnarDataset} does not call this collator: it builds the same batch
 * straight from the columns ({@link ColumnarDataset#gather(int[], int, int)}), so keep the two in step.
 */
public final class DefaultCollator implements Collator {

    public static final DefaultCollator INSTANCE = new DefaultCollator();

    private DefaultCollator() {
    }

    @Override
    public Batch collate(List<Example> examples, CollateContext context) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty list of examples");
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> field : examples.get(0).fields().entrySet()) {
            String name = field.getKey();
            Object first = field.getValue();
            if (first instanceof String) {
                continue;
            }
            String target = name.equals("label") || name.equals("label_ids") ? "labels" : name;
            tensors.put(target, stack(name, first, examples));
        }
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("examples have no numeric fields to collate: " + examples.get(0).names());
        }
        return new Batch(tensors);
    }

    private static HostTensor stack(String name, Object first, List<Example> examples) {
        int rows = examples.size();
        if (first instanceof Long) {
            long[] values = new long[rows];
            for (int i = 0; i < rows; i++) {
                values[i] = examples.get(i).getLong(name);
            }
            return HostTensor.ofLongs(values, rows);
        }
        if (first instanceof Integer || first instanceof Short || first instanceof Byte || first instanceof Boolean) {
            int[] values = new int[rows];
            for (int i = 0; i < rows; i++) {
                Object value = examples.get(i).get(name);
                values[i] = value instanceof Boolean flag ? (flag ? 1 : 0) : Math.toIntExact(((Number) value).longValue());
            }
            return HostTensor.ofInts(values, rows);
        }
        if (first instanceof Number) {
            float[] values = new float[rows];
            for (int i = 0; i < rows; i++) {
                values[i] = (float) examples.get(i).getDouble(name);
            }
            return HostTensor.ofFloats(values, rows);
        }
        if (first instanceof long[] firstRow) {
            int width = firstRow.length;
            long[] values = new long[rows * width];
            for (int i = 0; i < rows; i++) {
                Object row = examples.get(i).get(name);
                if (!(row instanceof long[] longs) || longs.length != width) {
                    throw shapeMismatch(name, i, width, row);
                }
                System.arraycopy(longs, 0, values, i * width, width);
            }
            return HostTensor.ofLongs(values, rows, width);
        }
        if (first instanceof int[] || (first instanceof List<?> list && !list.isEmpty() && isIntegral(list.get(0)))) {
            int width = examples.get(0).getIntArray(name).length;
            int[] values = new int[rows * width];
            for (int i = 0; i < rows; i++) {
                int[] row = examples.get(i).getIntArray(name);
                if (row.length != width) {
                    throw shapeMismatch(name, i, width, row);
                }
                System.arraycopy(row, 0, values, i * width, width);
            }
            return HostTensor.ofInts(values, rows, width);
        }
        if (first instanceof float[] || first instanceof double[] || first instanceof List<?>) {
            int width = examples.get(0).getFloatArray(name).length;
            float[] values = new float[rows * width];
            for (int i = 0; i < rows; i++) {
                float[] row = examples.get(i).getFloatArray(name);
                if (row.length != width) {
                    throw shapeMismatch(name, i, width, row);
                }
                System.arraycopy(row, 0, values, i * width, width);
            }
            return HostTensor.ofFloats(values, rows, width);
        }
        throw new IllegalArgumentException("field '" + name + "' has type " + first.getClass().getSimpleName()
                + ", which the default collator cannot stack; use a custom collator");
    }

    private static boolean isIntegral(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte;
    }

    private static IllegalArgumentException shapeMismatch(String name, int row, int width, Object value) {
        int length = value instanceof int[] ints ? ints.length
                : value instanceof float[] floats ? floats.length
                : value instanceof long[] longs ? longs.length : -1;
        return new IllegalArgumentException("field '" + name + "' of example " + row + " has length " + length
                + " but the first example has " + width + "; the default collator does not pad (use the padding collator)");
    }
}
