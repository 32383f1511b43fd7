package dev.trainer4j.plugins.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Which source columns become which example fields ({@code fields} setting): output name → source column, in
 * output order (HOCON objects are unordered, so an object setting is sorted by output name). An empty mapping
 * keeps every column under its own name.
 */
public record FieldMapping(Map<String, String> outputToSource) {
    public FieldMapping {
        outputToSource = Collections.unmodifiableMap(
                new LinkedHashMap<>(requireNonNull(outputToSource, "outputToSource is null")));
    }

    /** Keeps every column. */
    public static FieldMapping keepAll() {
        return new FieldMapping(Map.of());
    }

    public boolean keepsAll() {
        return outputToSource.isEmpty();
    }
}
