package dev.trainer4j.tf.pretrained;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal, test-only reader of F32 safetensors files (8-byte little-endian header length, a JSON header of
 * {@code name -> {dtype, shape, data_offsets}}, raw little-endian data), for the BERT fixture tests until the
 * production reader of the pretrained-weights work replaces it. No validation beyond what the tests need.
 */
public final class SafetensorsTestReader {
    /** One tensor: its shape and its values in row-major order. */
    public record Tensor(long[] shape, float[] values) {
    }

    private SafetensorsTestReader() {
    }

    public static Map<String, Tensor> read(Path file) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = Math.toIntExact(bytes.getLong(0));
            String header = new String(bytes.array(), 8, headerLength, StandardCharsets.UTF_8);
            ConfigObject entries = ConfigFactory.parseString(header,
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON)).root();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, ConfigValue> entry : entries.entrySet()) {
                if (entry.getKey().equals("__metadata__")) {
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) entry.getValue().unwrapped();
                if (!"F32".equals(fields.get("dtype"))) {
                    throw new IllegalArgumentException(entry.getKey() + " is " + fields.get("dtype") + ", not F32");
                }
                long[] shape = ((List<?>) fields.get("shape")).stream().mapToLong(n -> ((Number) n).longValue()).toArray();
                List<?> offsets = (List<?>) fields.get("data_offsets");
                int begin = 8 + headerLength + ((Number) offsets.get(0)).intValue();
                int end = 8 + headerLength + ((Number) offsets.get(1)).intValue();
                float[] values = new float[(end - begin) / Float.BYTES];
                bytes.slice(begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                tensors.put(entry.getKey(), new Tensor(shape, values));
            }
            return tensors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The transpose of a [rows, columns] matrix. */
    public static Tensor transpose(Tensor matrix) {
        int rows = (int) matrix.shape()[0];
        int columns = (int) matrix.shape()[1];
        float[] transposed = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                transposed[c * rows + r] = matrix.values()[r * columns + c];
            }
        }
        return new Tensor(new long[] {columns, rows}, transposed);
    }
}
