package dev.trainer4j.tf.pretrained.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.tf.pretrained.WeightSource;

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
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * One safetensors file: an 8-byte little-endian header length {@code n}, {@code n} bytes of JSON
 * {@code {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}, then the raw
 * little-endian tensor data, offsets relative to its start. The whole header is checked at open (types, shapes
 * against offsets, offsets inside the data and not overlapping); a tensor is read through a memory map of its own
 * bytes only. Every error is a {@link CheckpointException} naming the file and the tensor.
 */
public final class SafetensorsReader implements WeightSource {
    /** The largest header accepted, as the reference implementation (100 MB). */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    /** One tensor of the header. */
    record Entry(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {
    }

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, Entry> entries,
                              Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens and checks {@code file}. */
    public static SafetensorsReader open(Path file) {
        requireNonNull(file, "file is null");
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        }
        catch (IOException e) {
            throw new CheckpointException(file, "cannot read the safetensors file " + file + ": " + e);
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw fail(file, "truncated header: the file has " + size + " bytes, fewer than the 8 bytes of the"
                        + " header length a safetensors file starts with");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw fail(file, "the header length " + Long.toUnsignedString(headerLength) + " is not allowed; expected"
                        + " 2 to " + MAX_HEADER_BYTES + " bytes of JSON (is it a safetensors file?)");
            }
            if (8 + headerLength > size) {
                throw fail(file, "truncated header: the header length " + headerLength + " reaches beyond the end of"
                        + " the file (" + size + " bytes, so at most " + (size - 8) + " header bytes)");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(channel, header, 8);
            long dataStart = 8 + headerLength;
            Parsed parsed = parseHeader(file, header.array(), size - dataStart);
            return new SafetensorsReader(file, channel, dataStart, parsed.entries(), parsed.metadata());
        }
        catch (IOException e) {
            closeQuietly(channel);
            throw new CheckpointException(file, "cannot read the safetensors file " + file + ": " + e);
        }
        catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private record Parsed(Map<String, Entry> entries, Map<String, String> metadata) {
    }

    private static Parsed parseHeader(Path file, byte[] header, long dataSize) {
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
        }
        catch (JsonProcessingException e) {
            throw fail(file, "the header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw fail(file, "the header is not a JSON object of tensors");
        }
        Map<String, Entry> entries = new TreeMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = root.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals(METADATA)) {
                if (!value.isObject()) {
                    throw fail(file, "\"" + METADATA + "\" is " + value.getNodeType() + "; expected an object of strings");
                }
                value.fields().forEachRemaining(entry -> metadata.put(entry.getKey(), entry.getValue().asText()));
                continue;
            }
            entries.put(name, entry(file, name, value, dataSize));
        }
        List<Entry> byOffset = new ArrayList<>(entries.values());
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry previous = byOffset.get(i - 1);
            Entry current = byOffset.get(i);
            if (current.begin() < previous.end()) {
                throw fail(file, "tensor '" + current.name() + "': data_offsets [" + current.begin() + ", "
                        + current.end() + "] overlap those of tensor '" + previous.name() + "' [" + previous.begin()
                        + ", " + previous.end() + "]");
            }
        }
        return new Parsed(Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(Path file, String name, JsonNode value, long dataSize) {
        String at = "tensor '" + name + "'";
        if (!value.isObject()) {
            throw fail(file, at + " is " + value.getNodeType() + "; expected {\"dtype\", \"shape\", \"data_offsets\"}");
        }
        JsonNode dtypeNode = value.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw fail(file, at + " has no \"dtype\" string");
        }
        SafetensorsDtype dtype = SafetensorsDtype.of(dtypeNode.asText()).orElseThrow(() -> fail(file, at
                + ": unknown dtype '" + dtypeNode.asText() + "'; expected one of " + SafetensorsDtype.names()));
        long[] shape = longs(file, at, value.get("shape"), "shape", -1);
        long[] offsets = longs(file, at, value.get("data_offsets"), "data_offsets", 2);
        long elements = 1;
        long expectedBytes;
        try {
            for (long dimension : shape) {
                elements = Math.multiplyExact(elements, dimension);
            }
            expectedBytes = Math.multiplyExact(elements, dtype.size());
        }
        catch (ArithmeticException e) {
            throw fail(file, at + ": shape " + Arrays.toString(shape) + " has more elements than a file can hold");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin || end > dataSize) {
            throw fail(file, at + ": data_offsets [" + begin + ", " + end + "] are outside the data of the file ("
                    + dataSize + " bytes after the header)");
        }
        if (end - begin != expectedBytes) {
            throw fail(file, at + ": data_offsets [" + begin + ", " + end + "] hold " + (end - begin) + " bytes, but"
                    + " shape " + Arrays.toString(shape) + " of " + dtype + " needs " + elements + " x " + dtype.size()
                    + " = " + expectedBytes + " bytes");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static long[] longs(Path file, String at, JsonNode node, String key, int length) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw fail(file, at + ": \"" + key + "\" is " + (node == null ? "missing" : node.toString()) + "; expected "
                    + (length >= 0 ? "an array of " + length + " non-negative integers" : "an array of non-negative integers"));
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode element = node.get(i);
            if (!element.canConvertToLong() || !element.isIntegralNumber() || element.asLong() < 0) {
                throw fail(file, at + ": \"" + key + "\" " + node + " holds " + element + "; expected non-negative integers");
            }
            values[i] = element.asLong();
        }
        return values;
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The header's {@code __metadata__} (e.g. {@code {"format": "pt"}}), empty when it has none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The stored type of {@code key}. */
    public SafetensorsDtype storedType(String key) {
        return entry(key).dtype();
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    @Override
    public long[] shape(String key) {
        return entry(key).shape().clone();
    }

    @Override
    public String dataType(String key) {
        Entry entry = entry(key);
        return entry.dtype().loadsAsFloat() ? FLOAT32 : entry.dtype().typeName();
    }

    @Override
    public float[] readFloats(String key) {
        Entry entry = entry(key);
        if (!entry.dtype().loadsAsFloat()) {
            throw fail(file, "tensor '" + key + "' holds " + entry.dtype() + ", which does not load as float32 (F32, F16"
                    + " and BF16 do)");
        }
        long bytes = entry.end() - entry.begin();
        int count = Math.toIntExact(bytes / entry.dtype().size());
        float[] values = new float[count];
        if (count == 0) {
            return values;
        }
        ByteBuffer data;
        try {
            data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + entry.begin(), bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read tensor '" + key + "' of " + file, e);
        }
        switch (entry.dtype()) {
            case F32 -> data.asFloatBuffer().get(values);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    values[i] = HalfFloats.float16ToFloat(data.getShort(2 * i) & 0xffff);
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    values[i] = HalfFloats.bfloat16ToFloat(data.getShort(2 * i) & 0xffff);
                }
            }
            default -> throw new IllegalStateException("unreachable: " + entry.dtype());
        }
        return values;
    }

    private Entry entry(String key) {
        requireNonNull(key, "key is null");
        Entry entry = entries.get(key);
        if (entry == null) {
            throw new IllegalArgumentException("the safetensors file " + file + " has no tensor '" + key + "'");
        }
        return entry;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static CheckpointException fail(Path file, String problem) {
        return new CheckpointException(file, "safetensors file " + file + ": " + problem);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += read;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        }
        catch (IOException ignored) {
            // nothing was written
        }
    }
}
