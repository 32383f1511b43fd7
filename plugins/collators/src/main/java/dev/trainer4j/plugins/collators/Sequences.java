package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Helpers shared by the collators: reading and right-padding integer sequences, stacking the other fields. */
final class Sequences {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String SPECIAL_TOKENS_MASK = "special_tokens_mask";
    static final String LABELS = "labels";
    static final Set<String> LABEL_ALIASES = Set.of("label", "label_ids", "labels");

    private Sequences() {
    }

    /** The integer sequence {@code name} of every example; a clear error names the example lacking it. */
    static int[][] read(List<Example> examples, String name) {
        int[][] rows = new int[examples.size()][];
        for (int i = 0; i < rows.length; i++) {
            Example example = examples.get(i);
            if (!example.has(name)) {
                throw new IllegalArgumentException("example " + i + " of the batch has no field '" + name + "'; present: " + example.names());
            }
            try {
                rows[i] = example.getIntArray(name);
            }
            catch (RuntimeException e) {
                throw new IllegalArgumentException("example " + i + ": " + e.getMessage(), e);
            }
        }
        return rows;
    }

    static int longest(int[][] rows) {
        return Arrays.stream(rows).mapToInt(row -> row.length).max().orElse(0);
    }

    /** The rows right-padded with {@code value} to {@code length}, row-major [rows, length]. */
    static int[] pad(int[][] rows, int length, int value) {
        int[] values = new int[rows.length * length];
        Arrays.fill(values, value);
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, values, i * length, rows[i].length);
        }
        return values;
    }

    /** 1 for the real tokens of each row, 0 for padding, [rows, length]. */
    static int[] realTokenMask(int[][] rows, int length) {
        int[] values = new int[rows.length * length];
        for (int i = 0; i < rows.length; i++) {
            Arrays.fill(values, i * length, i * length + rows[i].length, 1);
        }
        return values;
    }

    static HostTensor matrix(int[] values, int rows, int length) {
        return HostTensor.ofInts(values, rows, length);
    }

    /**
     * Pads {@code input_ids} (with the pad id), {@code attention_mask} (given or derived; 0 on padding) and, when the
     * examples carry them, {@code token_type_ids} (0) and {@code special_tokens_mask} (1) into {@code tensors}.
     *
     * @return the padded length
     */
    static int padInputs(List<Example> examples, PaddingSettings padding, boolean keepSpecialTokensMask, Map<String, HostTensor> tensors) {
        int[][] ids = read(examples, INPUT_IDS);
        int rows = ids.length;
        int length = padding.paddedLength(longest(ids), INPUT_IDS);
        tensors.put(INPUT_IDS, matrix(pad(ids, length, padding.padTokenId()), rows, length));
        if (examples.get(0).has(ATTENTION_MASK)) {
            tensors.put(ATTENTION_MASK, matrix(pad(sameLengths(examples, ATTENTION_MASK, ids), length, 0), rows, length));
        }
        else {
            tensors.put(ATTENTION_MASK, matrix(realTokenMask(ids, length), rows, length));
        }
        if (examples.get(0).has(TOKEN_TYPE_IDS)) {
            tensors.put(TOKEN_TYPE_IDS, matrix(pad(sameLengths(examples, TOKEN_TYPE_IDS, ids), length, 0), rows, length));
        }
        if (keepSpecialTokensMask && examples.get(0).has(SPECIAL_TOKENS_MASK)) {
            tensors.put(SPECIAL_TOKENS_MASK, matrix(pad(sameLengths(examples, SPECIAL_TOKENS_MASK, ids), length, 1), rows, length));
        }
        return length;
    }

    /** The sequences {@code name}, checked to be as long as the examples' {@code input_ids}. */
    static int[][] sameLengths(List<Example> examples, String name, int[][] ids) {
        int[][] rows = read(examples, name);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != ids[i].length) {
                throw new IllegalArgumentException("example " + i + " has " + rows[i].length + " '" + name + "' but "
                        + ids[i].length + " input_ids; they must be equally long");
            }
        }
        return rows;
    }

    /**
     * Stacks the remaining fields of the first example's names that are not in {@code handled}: scalar labels
     * ({@code label}, {@code label_ids}, {@code labels}) become {@code labels} [B] (INT32, or FLOAT32 for real
     * values); other numbers and booleans are stacked (int/short/byte/boolean INT32, long INT64, float/double
     * FLOAT32); equal-length arrays become [B, n]; strings are dropped.
     */
    static void stackOthers(List<Example> examples, Set<String> handled, Map<String, HostTensor> tensors) {
        for (Map.Entry<String, Object> field : examples.get(0).fields().entrySet()) {
            String name = field.getKey();
            Object first = field.getValue();
            if (handled.contains(name) || first instanceof String) {
                continue;
            }
            String target = LABEL_ALIASES.contains(name) ? LABELS : name;
            if (tensors.containsKey(target)) {
                throw new IllegalArgumentException("examples carry both '" + name + "' and another field collated as '" + target + "'");
            }
            tensors.put(target, stack(examples, name, first));
        }
    }

    private static HostTensor stack(List<Example> examples, String name, Object first) {
        int rows = examples.size();
        if (first instanceof Long) {
            long[] values = new long[rows];
            for (int i = 0; i < rows; i++) {
                values[i] = number(examples, i, name).longValue();
            }
            return HostTensor.ofLongs(values, rows);
        }
        if (first instanceof Integer || first instanceof Short || first instanceof Byte || first instanceof Boolean) {
            int[] values = new int[rows];
            for (int i = 0; i < rows; i++) {
                Object value = examples.get(i).get(name);
                values[i] = value instanceof Boolean flag ? (flag ? 1 : 0) : Math.toIntExact(number(examples, i, name).longValue());
            }
            return HostTensor.ofInts(values, rows);
        }
        if (first instanceof Number) {
            float[] values = new float[rows];
            for (int i = 0; i < rows; i++) {
                values[i] = number(examples, i, name).floatValue();
            }
            return HostTensor.ofFloats(values, rows);
        }
        if (first instanceof int[] || first instanceof long[] || first instanceof List<?>) {
            int[][] values = read(examples, name);
            checkEqualLengths(values, name);
            int width = values[0].length;
            return HostTensor.ofInts(pad(values, width, 0), rows, width);
        }
        if (first instanceof float[] || first instanceof double[]) {
            int width = examples.get(0).getFloatArray(name).length;
            float[] values = new float[rows * width];
            for (int i = 0; i < rows; i++) {
                float[] row = examples.get(i).getFloatArray(name);
                if (row.length != width) {
                    throw new IllegalArgumentException("field '" + name + "' of example " + i + " has length " + row.length
                            + " but the first example has " + width + "; this collator pads only token sequences");
                }
                System.arraycopy(row, 0, values, i * width, width);
            }
            return HostTensor.ofFloats(values, rows, width);
        }
        throw new IllegalArgumentException("field '" + name + "' has type " + first.getClass().getSimpleName() + ", which cannot be collated");
    }

    private static void checkEqualLengths(int[][] rows, String name) {
        for (int i = 1; i < rows.length; i++) {
            if (rows[i].length != rows[0].length) {
                throw new IllegalArgumentException("field '" + name + "' of example " + i + " has length " + rows[i].length
                        + " but the first example has " + rows[0].length
                        + "; this collator does not pad it (token-level labels: use the seq2seq collator)");
            }
        }
    }

    private static Number number(List<Example> examples, int row, String name) {
        Object value = examples.get(row).get(name);
        if (value instanceof Number number) {
            return number;
        }
        throw new IllegalArgumentException("field '" + name + "' of example " + row + " is " + value.getClass().getSimpleName()
                + " but the first example's is a number");
    }

    static void requireExamples(List<Example> examples) {
        if (examples == null || examples.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty list of examples");
        }
    }
}
