package dev.trainer4j.tf.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The committed fixtures under {@code fixtures/pretrained} (see their generator scripts). */
final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    static Path file(String name) {
        URL url = Fixtures.class.getResource("/fixtures/pretrained/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test fixture fixtures/pretrained/" + name);
        }
        try {
            return Path.of(url.toURI());
        }
        catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String name) {
        try {
            return JSON.readTree(file(name).toFile());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long[] shape(JsonNode tensor) {
        long[] shape = new long[tensor.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = tensor.get("shape").get(i).asLong();
        }
        return shape;
    }

    /** The values as float32 (the generators write float32 values as JSON doubles, which convert back exactly). */
    static float[] values(JsonNode tensor) {
        float[] values = new float[tensor.get("values").size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) tensor.get("values").get(i).asDouble();
        }
        return values;
    }

    /** The transpose of a row-major {@code [rows, columns]} matrix, written out here independently of the code under test. */
    static float[] transpose(float[] values, int rows, int columns) {
        float[] transposed = new float[values.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                transposed[j * rows + i] = values[i * columns + j];
            }
        }
        return transposed;
    }
}
