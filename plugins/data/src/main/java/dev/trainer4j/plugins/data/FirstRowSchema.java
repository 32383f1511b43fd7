package dev.trainer4j.plugins.data;

import dev.trainer4j.api.DataException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The shape of a file's first row, which every later row must keep, so that a bad row is reported with its file and
 * line when the file is read rather than as a batch position during training: each field of the first row must be
 * present, of the same kind (integer, decimal, string, boolean, list of numbers, list, object) and, for a list of
 * numbers, of the same length unless the field is declared variable-length (token ids padded by a collator). An
 * integer field refuses a value with a fraction; a decimal field takes integers as decimals ({@link Double},
 * {@code float[]}).
 */
final class FirstRowSchema {
    /** The kind of a field's value. */
    enum Kind {
        INTEGER("an integer"),
        DECIMAL("a number"),
        STRING("a string"),
        BOOLEAN("true or false"),
        INTEGER_LIST("a list of integers"),
        DECIMAL_LIST("a list of numbers"),
        LIST("a list"),
        OBJECT("an object");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        static Kind of(Object value) {
            if (value instanceof Integer || value instanceof Long) {
                return INTEGER;
            }
            if (value instanceof Double) {
                return DECIMAL;
            }
            if (value instanceof String) {
                return STRING;
            }
            if (value instanceof Boolean) {
                return BOOLEAN;
            }
            if (value instanceof int[] || value instanceof long[]) {
                return INTEGER_LIST;
            }
            if (value instanceof float[]) {
                return DECIMAL_LIST;
            }
            if (value instanceof List) {
                return LIST;
            }
            if (value instanceof Map) {
                return OBJECT;
            }
            throw new IllegalArgumentException("unexpected value type " + value.getClass().getName());
        }
    }

    private record Field(Kind kind, int length) {
    }

    private final Path file;
    private final Set<String> variableLengthFields;
    private final Map<String, Field> firstRowFields = new LinkedHashMap<>();
    private long firstLine;

    FirstRowSchema(Path file, Set<String> variableLengthFields) {
        this.file = requireNonNull(file, "file is null");
        this.variableLengthFields = Set.copyOf(requireNonNull(variableLengthFields, "variableLengthFields is null"));
    }

    /**
     * Checks a row read from {@code line} against the first row (or records it, for the first row) and returns its
     * fields with integers in decimal fields turned into decimals.
     */
    Map<String, Object> check(Map<String, Object> row, long line) {
        requireNonNull(row, "row is null");
        if (firstLine == 0) {
            firstLine = line;
            row.forEach((name, value) -> firstRowFields.put(name, new Field(Kind.of(value), length(value))));
            return row;
        }
        Map<String, Object> checked = new LinkedHashMap<>(row);
        for (Map.Entry<String, Field> expected : firstRowFields.entrySet()) {
            String name = expected.getKey();
            Field first = expected.getValue();
            if (!row.containsKey(name)) {
                throw new DataException(file, line, "field '" + name + "' is missing; the first row (line " + firstLine
                        + ") has it, and this row has only " + new ArrayList<>(row.keySet()));
            }
            Object value = row.get(name);
            checked.put(name, matching(name, value, first, line));
        }
        return checked;
    }

    private Object matching(String name, Object value, Field first, long line) {
        Kind kind = Kind.of(value);
        if (kind == first.kind()) {
            checkLength(name, value, first, line);
            return value;
        }
        if (first.kind() == Kind.DECIMAL && kind == Kind.INTEGER) {
            return ((Number) value).doubleValue();
        }
        if (first.kind() == Kind.INTEGER && kind == Kind.DECIMAL) {
            double decimal = (Double) value;
            if (decimal == Math.rint(decimal) && Math.abs(decimal) <= Integer.MAX_VALUE) {
                return (int) decimal;
            }
            throw mismatch(name, value, "an integer as in the first row (line " + firstLine + "); the field holds"
                    + " integers, so a value with a fraction is not allowed (write every value of a decimal field"
                    + " with a fraction in the first row, e.g. 1.0)", line);
        }
        if (first.kind() == Kind.DECIMAL_LIST && kind == Kind.INTEGER_LIST) {
            checkLength(name, value, first, line);
            return decimals(value);
        }
        if (first.kind() == Kind.INTEGER_LIST && kind == Kind.DECIMAL_LIST) {
            checkLength(name, value, first, line);
            throw mismatch(name, value, "a list of integers as in the first row (line " + firstLine
                    + "); a value with a fraction is not allowed in it", line);
        }
        throw mismatch(name, value, first.kind().description + " as in the first row (line " + firstLine + ")", line);
    }

    private void checkLength(String name, Object value, Field first, long line) {
        int length = length(value);
        if (first.length() >= 0 && length != first.length() && !variableLengthFields.contains(name)) {
            throw new DataException(file, line, "field '" + name + "' has " + length + " values; expected "
                    + first.length() + " as in the first row (line " + firstLine + "): a list of numbers has a fixed"
                    + " width unless the dataset lists the field in variable-length-fields");
        }
    }

    private DataException mismatch(String name, Object value, String expected, long line) {
        return new DataException(file, line, "field '" + name + "' is " + describe(value) + " ("
                + Kind.of(value).description + "); expected " + expected);
    }

    /** The number of values of a list of numbers, or -1 for any other value. */
    private static int length(Object value) {
        if (value instanceof int[] ints) {
            return ints.length;
        }
        if (value instanceof long[] longs) {
            return longs.length;
        }
        if (value instanceof float[] floats) {
            return floats.length;
        }
        return -1;
    }

    private static float[] decimals(Object integers) {
        if (integers instanceof int[] ints) {
            float[] values = new float[ints.length];
            for (int index = 0; index < ints.length; index++) {
                values[index] = ints[index];
            }
            return values;
        }
        long[] longs = (long[]) integers;
        float[] values = new float[longs.length];
        for (int index = 0; index < longs.length; index++) {
            values[index] = longs[index];
        }
        return values;
    }

    private static String describe(Object value) {
        String text;
        if (value instanceof String string) {
            text = "\"" + string + "\"";
        } else if (value instanceof int[] ints) {
            text = java.util.Arrays.toString(ints);
        } else if (value instanceof long[] longs) {
            text = java.util.Arrays.toString(longs);
        } else if (value instanceof float[] floats) {
            text = java.util.Arrays.toString(floats);
        } else {
            text = String.valueOf(value);
        }
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
