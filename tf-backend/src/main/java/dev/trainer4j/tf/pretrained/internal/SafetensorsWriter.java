package dev.trainer4j.tf.pretrained.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Writes float32 tensors as one safetensors file the way the reference writer ({@code safetensors.serialize})
 * lays it out: {@code __metadata__} first, then the tensors sorted by name (all are F32, so the reference order by
 * type then name is by name), their data back to back in that order, the compact JSON header padded with spaces
 * to a multiple of 8 bytes.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor to write. */
    public record FloatTensor(long[] shape, float[] values) {
        public FloatTensor {
            requireNonNull(shape, "shape is null");
            requireNonNull(values, "values is null");
            long elements = Arrays.stream(shape).reduce(1L, Math::multiplyExact);
            if (elements != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + elements
                        + " values, not " + values.length);
            }
        }
    }

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} (by name) and {@code metadata} into {@code file}, replacing it. */
    public static void write(Path file, Map<String, FloatTensor> tensors, Map<String, String> metadata) {
        requireNonNull(file, "file is null");
        requireNonNull(tensors, "tensors is null");
        requireNonNull(metadata, "metadata is null");
        byte[] header = header(tensors, metadata);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            writeFully(channel, length);
            writeFully(channel, ByteBuffer.wrap(header));
            for (FloatTensor tensor : new TreeMap<>(tensors).values()) {
                ByteBuffer data = ByteBuffer.allocate(tensor.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(tensor.values());
                writeFully(channel, data);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the safetensors file " + file, e);
        }
    }

    /** The header bytes, space-padded to a multiple of 8. */
    static byte[] header(Map<String, FloatTensor> tensors, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(SafetensorsReader.METADATA, new TreeMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, FloatTensor> entry : new TreeMap<>(tensors).entrySet()) {
            if (entry.getKey().equals(SafetensorsReader.METADATA)) {
                throw new IllegalArgumentException("a tensor must not be named " + SafetensorsReader.METADATA);
            }
            long bytes = 4L * entry.getValue().values().length;
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", SafetensorsDtype.F32.name());
            List<Long> shape = new ArrayList<>();
            Arrays.stream(entry.getValue().shape()).forEach(shape::add);
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, offset + bytes));
            header.put(entry.getKey(), info);
            offset += bytes;
        }
        String json;
        try {
            json = JSON.writeValueAsString(header);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a safetensors header", e);
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        int padding = (8 - bytes.length % 8) % 8;
        byte[] padded = Arrays.copyOf(bytes, bytes.length + padding);
        Arrays.fill(padded, bytes.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
