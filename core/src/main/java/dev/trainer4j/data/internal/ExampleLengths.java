package dev.trainer4j.data.internal;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.MapDataset;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The length of every example of a dataset, for {@link LengthGroupedSampler} (HF's {@code lengths}): the
 * {@code length-column-name} field when the examples have it, otherwise the length of an array field, the first of
 * the model's inputs that is an array in the examples (e.g. {@code input_ids}), or else the first array field.
 *
 * <p>Computing lengths reads the whole dataset, so the result is cached per dataset instance (weakly, by identity)
 * and field: a second run on the same dataset reads nothing. A dataset's examples must not change.
 */
public final class ExampleLengths {
    private static final Map<Key, int[]> CACHE = new HashMap<>();
    private static final ReferenceQueue<MapDataset> COLLECTED = new ReferenceQueue<>();

    private ExampleLengths() {
    }

    /**
     * The lengths of {@code dataset}'s examples.
     *
     * @param lengthColumn the field holding precomputed lengths ({@code length-column-name})
     * @param modelInputs the model's input names in order; the first that is an array field gives the lengths when
     *                    the examples lack {@code lengthColumn}
     * @throws ConfigurationException when the examples have neither the length field nor any array field
     */
    public static int[] of(MapDataset dataset, String lengthColumn, List<String> modelInputs) {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(lengthColumn, "lengthColumn is null");
        requireNonNull(modelInputs, "modelInputs is null");
        if (dataset.size() == 0) {
            return new int[0];
        }
        Example first = dataset.get(0);
        boolean fromColumn = first.has(lengthColumn);
        String field = fromColumn ? lengthColumn : arrayField(first, lengthColumn, modelInputs);
        Key key = new Key(dataset, field, COLLECTED);
        synchronized (CACHE) {
            expunge();
            int[] cached = CACHE.get(key);
            if (cached != null) {
                return cached.clone();
            }
        }
        int[] lengths = new int[dataset.size()];
        for (int i = 0; i < lengths.length; i++) {
            Example example = i == 0 ? first : dataset.get(i);
            lengths[i] = fromColumn ? columnLength(example, field, i) : arrayLength(example, field, i);
        }
        synchronized (CACHE) {
            CACHE.put(key, lengths);
        }
        return lengths.clone();
    }

    private static String arrayField(Example first, String lengthColumn, List<String> modelInputs) {
        for (String input : modelInputs) {
            if (first.has(input) && isArray(first.get(input))) {
                return input;
            }
        }
        for (Map.Entry<String, Object> entry : first.fields().entrySet()) {
            if (isArray(entry.getValue())) {
                return entry.getKey();
            }
        }
        throw new ConfigurationException("train-sampling-strategy", "train-sampling-strategy = group_by_length needs"
                + " the length of every example: the examples have no '" + lengthColumn + "' field (length-column-name)"
                + " and no array field to measure (model inputs: " + modelInputs + "); example 0 has " + first.names());
    }

    private static boolean isArray(Object value) {
        return value instanceof int[] || value instanceof long[] || value instanceof float[] || value instanceof double[]
                || value instanceof List<?>;
    }

    private static int arrayLength(Example example, String field, int index) {
        Object value = example.fields().get(field);
        if (value instanceof int[] array) {
            return array.length;
        }
        if (value instanceof long[] array) {
            return array.length;
        }
        if (value instanceof float[] array) {
            return array.length;
        }
        if (value instanceof double[] array) {
            return array.length;
        }
        if (value instanceof List<?> list) {
            return list.size();
        }
        throw new DataException("group_by_length measures field '" + field + "', but example " + index
                + (value == null ? " lacks it; present: " + example.names() : " holds a " + value.getClass().getSimpleName()
                + " there, expected an array"));
    }

    private static int columnLength(Example example, String field, int index) {
        Object value = example.fields().get(field);
        if (value instanceof Number number && number.doubleValue() >= 0 && number.doubleValue() == Math.rint(number.doubleValue())) {
            return Math.toIntExact(number.longValue());
        }
        throw new DataException("length-column-name '" + field + "': example " + index
                + (value == null ? " lacks the field; present: " + example.names()
                : " holds " + value + ", expected an integer >= 0"));
    }

    private static void expunge() {
        for (Object stale = COLLECTED.poll(); stale != null; stale = COLLECTED.poll()) {
            CACHE.remove(stale);
        }
    }

    /** Cache key: a dataset by identity, held weakly, and the measured field. */
    private static final class Key extends WeakReference<MapDataset> {
        private final int identity;
        private final String field;

        Key(MapDataset dataset, String field, ReferenceQueue<MapDataset> queue) {
            super(dataset, queue);
            this.identity = System.identityHashCode(dataset);
            this.field = field;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Key key) || identity != key.identity || !field.equals(key.field)) {
                return false;
            }
            MapDataset dataset = get();
            return dataset != null && dataset == key.get();
        }

        @Override
        public int hashCode() {
            return 31 * identity + field.hashCode();
        }
    }
}
