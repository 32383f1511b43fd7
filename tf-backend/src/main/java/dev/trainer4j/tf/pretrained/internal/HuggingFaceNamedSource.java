package dev.trainer4j.tf.pretrained.internal;

import dev.trainer4j.tf.pretrained.HuggingFaceName;
import dev.trainer4j.tf.pretrained.HuggingFaceWeights;
import dev.trainer4j.tf.pretrained.WeightSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A source with Hugging Face keys and layouts seen under a model's variable names: a key whose base name
 * ({@link HuggingFaceWeights#baseName}) is that of a model variable's HF name takes the variable's name, and when
 * HF stores the transpose its shape and values are transposed back; any other key keeps its name. A view: closing
 * it leaves the source open.
 */
public final class HuggingFaceNamedSource implements WeightSource {
    private final WeightSource source;
    private final Map<String, String> sourceKeyOf;
    private final Map<String, Boolean> transposedOf;

    public HuggingFaceNamedSource(WeightSource source, List<HuggingFaceName> names) {
        this.source = requireNonNull(source, "source is null");
        requireNonNull(names, "names is null");
        Map<String, HuggingFaceName> byBaseName = new HashMap<>();
        for (HuggingFaceName name : names) {
            HuggingFaceName previous = byBaseName.put(HuggingFaceWeights.baseName(name.huggingFaceName()), name);
            if (previous != null) {
                throw new IllegalArgumentException("the model variables '" + previous.variable() + "' and '"
                        + name.variable() + "' have the same Hugging Face name '" + name.huggingFaceName() + "'");
            }
        }
        Map<String, String> sourceKeyOf = new TreeMap<>();
        Map<String, Boolean> transposedOf = new HashMap<>();
        for (String key : source.keys()) {
            HuggingFaceName name = byBaseName.get(HuggingFaceWeights.baseName(key));
            String exposed = name == null ? key : name.variable();
            String previous = sourceKeyOf.put(exposed, key);
            if (previous != null) {
                throw new IllegalArgumentException("the keys '" + previous + "' and '" + key + "' of "
                        + source.location() + " both give the model variable '" + exposed + "'");
            }
            transposedOf.put(exposed, name != null && name.transposed());
        }
        this.sourceKeyOf = sourceKeyOf;
        this.transposedOf = transposedOf;
    }

    @Override
    public String location() {
        return source.location();
    }

    @Override
    public List<String> keys() {
        return List.copyOf(sourceKeyOf.keySet());
    }

    /** The key of the underlying source that {@code key} reads. */
    public String sourceKey(String key) {
        String sourceKey = sourceKeyOf.get(requireNonNull(key, "key is null"));
        if (sourceKey == null) {
            throw new IllegalArgumentException(source.location() + " has no key '" + key + "'");
        }
        return sourceKey;
    }

    @Override
    public long[] shape(String key) {
        long[] shape = source.shape(sourceKey(key));
        return transposes(key, shape) ? new long[] {shape[1], shape[0]} : shape;
    }

    @Override
    public String dataType(String key) {
        return source.dataType(sourceKey(key));
    }

    @Override
    public float[] readFloats(String key) {
        String sourceKey = sourceKey(key);
        long[] shape = source.shape(sourceKey);
        float[] values = source.readFloats(sourceKey);
        return transposes(key, shape) ? transpose(values, (int) shape[0], (int) shape[1]) : values;
    }

    private boolean transposes(String key, long[] shape) {
        return transposedOf.getOrDefault(key, false) && shape.length == 2;
    }

    /** The transpose of a row-major {@code [rows, columns]} matrix. */
    public static float[] transpose(float[] values, int rows, int columns) {
        float[] transposed = new float[values.length];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                transposed[column * rows + row] = values[row * columns + column];
            }
        }
        return transposed;
    }

    @Override
    public Optional<Map<String, Object>> huggingFaceConfig() {
        return source.huggingFaceConfig();
    }

    /** Nothing: a view does not own its source; close the source. */
    @Override
    public void close() {
        // the caller closes the source
    }
}
