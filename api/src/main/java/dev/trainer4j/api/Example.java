package dev.trainer4j.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Collections.unmodifiableMap;
import static java.util.Objects.requireNonNull;

/**
 * One dataset item: named fields, like a row of a Hugging Face dataset.
 *
 * <p>Values are {@link Number}s, {@link String}s, {@link Boolean}s, primitive arrays ({@code int[]}, {@code long[]},
 * {@code float[]}, {@code double[]}) or lists of numbers. Arrays are shared, not copied.
 */
public final class Example {
    private final Map<String, Object> fields;

    private Example(Map<String, Object> fields) {
        this.fields = fields;
    }

    public static Example of(Map<String, ?> fields) {
        requireNonNull(fields, "fields is null");
        Map<String, Object> copy = new LinkedHashMap<>();
        fields.forEach((name, value) -> copy.put(requireNonNull(name, "field name is null"),
                requireNonNull(value, () -> "field '" + name + "' is null")));
        return new Example(unmodifiableMap(copy));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Map<String, Object> fields() {
        return fields;
    }

    public Set<String> names() {
        return fields.keySet();
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }

    /** The raw value; a clear error names the present fields when it is missing. */
    public Object get(String name) {
        Object value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("example has no field '" + name + "'; present: " + fields.keySet());
        }
        return value;
    }

    public String getString(String name) {
        Object value = get(name);
        if (value instanceof String text) {
            return text;
        }
        throw wrongType(name, value, "a string");
    }

    public long getLong(String name) {
        Object value = get(name);
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw wrongType(name, value, "a number");
    }

    public double getDouble(String name) {
        Object value = get(name);
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        throw wrongType(name, value, "a number");
    }

    /** An integer array field; {@code long[]} and lists of numbers are converted. */
    public int[] getIntArray(String name) {
        Object value = get(name);
        if (value instanceof int[] ints) {
            return ints;
        }
        if (value instanceof long[] longs) {
            int[] result = new int[longs.length];
            for (int i = 0; i < longs.length; i++) {
                result[i] = Math.toIntExact(longs[i]);
            }
            return result;
        }
        if (value instanceof List<?> list) {
            int[] result = new int[list.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = ((Number) list.get(i)).intValue();
            }
            return result;
        }
        throw wrongType(name, value, "an integer array");
    }

    /** A float array field; {@code double[]}, {@code int[]} and lists of numbers are converted. */
    public float[] getFloatArray(String name) {
        Object value = get(name);
        if (value instanceof float[] floats) {
            return floats;
        }
        if (value instanceof double[] doubles) {
            float[] result = new float[doubles.length];
            for (int i = 0; i < doubles.length; i++) {
                result[i] = (float) doubles[i];
            }
            return result;
        }
        if (value instanceof int[] ints) {
            float[] result = new float[ints.length];
            for (int i = 0; i < ints.length; i++) {
                result[i] = ints[i];
            }
            return result;
        }
        if (value instanceof List<?> list) {
            float[] result = new float[list.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = ((Number) list.get(i)).floatValue();
            }
            return result;
        }
        throw wrongType(name, value, "a float array");
    }

    /** A copy of this example with one field added or replaced. */
    public Example with(String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.put(requireNonNull(name, "name is null"), requireNonNull(value, "value is null"));
        return new Example(unmodifiableMap(copy));
    }

    /** A copy of this example holding only the given fields. */
    public Example select(Set<String> names) {
        Map<String, Object> copy = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (names.contains(name)) {
                copy.put(name, value);
            }
        });
        return new Example(unmodifiableMap(copy));
    }

    private static IllegalArgumentException wrongType(String name, Object value, String expected) {
        return new IllegalArgumentException("field '" + name + "' is " + value.getClass().getSimpleName()
                + ", expected " + expected);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Example example && deepEquals(fields, example.fields);
    }

    @Override
    public int hashCode() {
        return fields.keySet().hashCode();
    }

    private static boolean deepEquals(Map<String, Object> left, Map<String, Object> right) {
        if (!left.keySet().equals(right.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> entry : left.entrySet()) {
            if (!java.util.Objects.deepEquals(entry.getValue(), right.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "Example" + fields.keySet();
    }

    /** Builds an example field by field. */
    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder put(String name, Object value) {
            fields.put(requireNonNull(name, "name is null"), requireNonNull(value, () -> "field '" + name + "' is null"));
            return this;
        }

        public Example build() {
            return new Example(unmodifiableMap(new LinkedHashMap<>(fields)));
        }
    }
}
