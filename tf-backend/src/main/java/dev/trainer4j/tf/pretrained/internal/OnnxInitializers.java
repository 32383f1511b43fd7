package dev.trainer4j.tf.pretrained.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.tf.pretrained.WeightSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The initializers of an ONNX model as a {@link WeightSource} with Hugging Face (PyTorch) parameter names and
 * layouts. The file is read with protobuf's wire reader from the field numbers of {@code onnx.proto} (no generated
 * classes): {@code ModelProto} (1 ir_version, 7 graph), {@code GraphProto} (1 node, 5 initializer),
 * {@code NodeProto} (1 input, 2 output, 3 name, 4 op_type) and {@code TensorProto} (1 dims, 2 data_type,
 * 4 float_data, 5 int32_data, 8 name, 9 raw_data, 13 external_data, 14 data_location). The file is memory-mapped;
 * raw data is read when a tensor is asked for.
 *
 * <p>Names: an initializer keeps its name (e.g. {@code encoder.layer.0.attention.self.query.bias}), except an
 * anonymous one that PyTorch's exporter names {@code onnx::...} for the weight of a {@code Linear} it exported as
 * {@code MatMul}: when every node consuming it is a {@code MatMul} taking it as its second input, and the node name
 * gives the module path ({@code /encoder/layer.0/attention/self/query/MatMul}), it is named after that module
 * ({@code encoder.layer.0.attention.self.query.weight}). Such a MatMul weight is stored {@code [in, out]}, the
 * transpose of the torch {@code Linear} weight {@code [out, in]}; it is presented in torch's layout like every
 * other key. Anonymous initializers that match no such node keep their {@code onnx::} name.
 *
 * <p>Types: FLOAT, FLOAT16 and BFLOAT16 load as float32 (the 16-bit types exactly upcast); other types are listed
 * with their type and not loaded. Initializers with external data are refused at open.
 */
public final class OnnxInitializers implements WeightSource {
    static final String ANONYMOUS_PREFIX = "onnx::";
    private static final int FLOAT = 1;
    private static final int FLOAT16 = 10;
    private static final int BFLOAT16 = 16;
    private static final int DATA_LOCATION_EXTERNAL = 1;
    private static final Map<Integer, String> TYPE_NAMES = Map.ofEntries(Map.entry(0, "undefined"),
            Map.entry(1, "float32"), Map.entry(2, "uint8"), Map.entry(3, "int8"), Map.entry(4, "uint16"),
            Map.entry(5, "int16"), Map.entry(6, "int32"), Map.entry(7, "int64"), Map.entry(8, "string"),
            Map.entry(9, "bool"), Map.entry(10, "float16"), Map.entry(11, "float64"), Map.entry(12, "uint32"),
            Map.entry(13, "uint64"), Map.entry(14, "complex64"), Map.entry(15, "complex128"), Map.entry(16, "bfloat16"));
    private static final Map<Integer, Integer> TYPE_SIZES = Map.ofEntries(Map.entry(1, 4), Map.entry(2, 1),
            Map.entry(3, 1), Map.entry(4, 2), Map.entry(5, 2), Map.entry(6, 4), Map.entry(7, 8), Map.entry(9, 1),
            Map.entry(10, 2), Map.entry(11, 8), Map.entry(12, 4), Map.entry(13, 8), Map.entry(14, 8),
            Map.entry(15, 16), Map.entry(16, 2));

    private final Path file;
    private final ByteBuffer buffer;
    private final Map<String, Named> byKey;

    /** One initializer as read: where its data is. */
    private static final class Tensor {
        String name = "";
        final List<Long> dims = new ArrayList<>();
        int dataType;
        long rawOffset = -1;
        int rawLength;
        final List<Float> floatData = new ArrayList<>();
        final List<Integer> int32Data = new ArrayList<>();
        boolean external;

        long elements() {
            return dims.stream().reduce(1L, Math::multiplyExact);
        }

        long[] shape() {
            return dims.stream().mapToLong(Long::longValue).toArray();
        }
    }

    /** One graph node: its type, name and inputs. */
    private record Node(String opType, String name, List<String> inputs) {
    }

    /** An initializer under its key; {@code transposed} when the key's layout is the transpose of the stored one. */
    private record Named(String key, Tensor tensor, boolean transposed) {
    }

    private OnnxInitializers(Path file, ByteBuffer buffer, Map<String, Named> byKey) {
        this.file = file;
        this.buffer = buffer;
        this.byKey = byKey;
    }

    /** Opens {@code file} and reads the graph's initializers and nodes. */
    public static OnnxInitializers open(Path file) {
        requireNonNull(file, "file is null");
        ByteBuffer buffer;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw fail(file, "the file has " + size + " bytes; ONNX files over 2 GB keep their weights as external"
                        + " data, which is not supported");
            }
            buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        catch (IOException e) {
            throw new CheckpointException(file, "cannot read the ONNX file " + file + ": " + e);
        }
        List<Tensor> initializers = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        try {
            readModel(file, CodedInputStream.newInstance(buffer.duplicate()), initializers, nodes);
        }
        catch (InvalidProtocolBufferException e) {
            throw fail(file, "it is not a readable ONNX model (truncated, or not an ONNX file): " + e.getMessage());
        }
        catch (IOException e) {
            throw new CheckpointException(file, "cannot read the ONNX file " + file + ": " + e);
        }
        for (Tensor tensor : initializers) {
            check(file, tensor);
        }
        return new OnnxInitializers(file, buffer, name(file, initializers, nodes));
    }

    // ------------------------------------------------------------------------------------------------ wire reading

    private static void readModel(Path file, CodedInputStream input, List<Tensor> initializers, List<Node> nodes)
            throws IOException {
        long irVersion = 0;
        boolean graph = false;
        while (true) {
            int tag = input.readTag();
            if (tag == 0) {
                break;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1 && wireType(tag) == WireFormat.WIRETYPE_VARINT) {
                irVersion = input.readInt64();
            }
            else if (field == 7 && wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = input.pushLimit(input.readRawVarint32());
                readGraph(input, initializers, nodes);
                input.popLimit(limit);
                graph = true;
            }
            else {
                skip(input, tag);
            }
        }
        if (irVersion <= 0 || !graph) {
            throw fail(file, "it is not an ONNX model: " + (irVersion <= 0 ? "no ir_version (field 1)" : "")
                    + (irVersion <= 0 && !graph ? " and " : "") + (!graph ? "no graph (field 7)" : ""));
        }
    }

    private static void readGraph(CodedInputStream input, List<Tensor> initializers, List<Node> nodes) throws IOException {
        while (true) {
            int tag = input.readTag();
            if (tag == 0) {
                return;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1 && wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = input.pushLimit(input.readRawVarint32());
                nodes.add(readNode(input));
                input.popLimit(limit);
            }
            else if (field == 5 && wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = input.pushLimit(input.readRawVarint32());
                initializers.add(readTensor(input));
                input.popLimit(limit);
            }
            else {
                skip(input, tag);
            }
        }
    }

    private static Node readNode(CodedInputStream input) throws IOException {
        List<String> inputs = new ArrayList<>();
        String name = "";
        String opType = "";
        while (true) {
            int tag = input.readTag();
            if (tag == 0) {
                return new Node(opType, name, inputs);
            }
            int field = WireFormat.getTagFieldNumber(tag);
            boolean string = wireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            if (field == 1 && string) {
                inputs.add(input.readString());
            }
            else if (field == 3 && string) {
                name = input.readString();
            }
            else if (field == 4 && string) {
                opType = input.readString();
            }
            else {
                skip(input, tag);
            }
        }
    }

    private static Tensor readTensor(CodedInputStream input) throws IOException {
        Tensor tensor = new Tensor();
        while (true) {
            int tag = input.readTag();
            if (tag == 0) {
                return tensor;
            }
            int field = WireFormat.getTagFieldNumber(tag);
            int wireType = wireType(tag);
            boolean packed = wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (field) {
                case 1 -> {
                    if (packed) {
                        int limit = input.pushLimit(input.readRawVarint32());
                        while (input.getBytesUntilLimit() > 0) {
                            tensor.dims.add(input.readInt64());
                        }
                        input.popLimit(limit);
                    }
                    else if (wireType == WireFormat.WIRETYPE_VARINT) {
                        tensor.dims.add(input.readInt64());
                    }
                    else {
                        skip(input, tag);
                    }
                }
                case 2 -> {
                    if (wireType == WireFormat.WIRETYPE_VARINT) {
                        tensor.dataType = input.readInt32();
                    }
                    else {
                        skip(input, tag);
                    }
                }
                case 4 -> {
                    if (packed) {
                        int limit = input.pushLimit(input.readRawVarint32());
                        while (input.getBytesUntilLimit() > 0) {
                            tensor.floatData.add(input.readFloat());
                        }
                        input.popLimit(limit);
                    }
                    else if (wireType == WireFormat.WIRETYPE_FIXED32) {
                        tensor.floatData.add(input.readFloat());
                    }
                    else {
                        skip(input, tag);
                    }
                }
                case 5 -> {
                    if (packed) {
                        int limit = input.pushLimit(input.readRawVarint32());
                        while (input.getBytesUntilLimit() > 0) {
                            tensor.int32Data.add(input.readInt32());
                        }
                        input.popLimit(limit);
                    }
                    else if (wireType == WireFormat.WIRETYPE_VARINT) {
                        tensor.int32Data.add(input.readInt32());
                    }
                    else {
                        skip(input, tag);
                    }
                }
                case 8 -> {
                    if (packed) {
                        tensor.name = input.readString();
                    }
                    else {
                        skip(input, tag);
                    }
                }
                case 9 -> {
                    if (packed) {
                        int length = input.readRawVarint32();
                        tensor.rawOffset = input.getTotalBytesRead();
                        tensor.rawLength = length;
                        input.skipRawBytes(length);
                    }
                    else {
                        skip(input, tag);
                    }
                }
                case 13 -> {
                    tensor.external = true;
                    skip(input, tag);
                }
                case 14 -> {
                    if (wireType == WireFormat.WIRETYPE_VARINT && input.readInt32() == DATA_LOCATION_EXTERNAL) {
                        tensor.external = true;
                    }
                    else if (wireType != WireFormat.WIRETYPE_VARINT) {
                        skip(input, tag);
                    }
                }
                default -> skip(input, tag);
            }
        }
    }

    private static int wireType(int tag) {
        return WireFormat.getTagWireType(tag);
    }

    private static void skip(CodedInputStream input, int tag) throws IOException {
        if (!input.skipField(tag)) {
            throw new InvalidProtocolBufferException("an end-group tag (field " + WireFormat.getTagFieldNumber(tag)
                    + ") outside a group");
        }
    }

    // ------------------------------------------------------------------------------------------------ checks and names

    private static void check(Path file, Tensor tensor) {
        String at = "initializer '" + tensor.name + "'";
        if (tensor.external) {
            throw fail(file, at + " keeps its data in an external file (data_location EXTERNAL), which is not"
                    + " supported; save the model with its data inside (onnx.save_model(model, path,"
                    + " save_as_external_data=False))");
        }
        if (tensor.dims.stream().anyMatch(dimension -> dimension < 0)) {
            throw fail(file, at + " has negative dims " + tensor.dims);
        }
        long elements;
        try {
            elements = tensor.elements();
        }
        catch (ArithmeticException e) {
            throw fail(file, at + " has dims " + tensor.dims + " with more elements than a file can hold");
        }
        Integer size = TYPE_SIZES.get(tensor.dataType);
        if (tensor.rawOffset >= 0 && size != null && (long) tensor.rawLength != elements * size) {
            throw fail(file, at + ": raw_data holds " + tensor.rawLength + " bytes, but dims " + tensor.dims + " of "
                    + typeName(tensor.dataType) + " need " + elements + " x " + size + " = " + elements * size + " bytes");
        }
        if (tensor.rawOffset < 0 && tensor.dataType == FLOAT && tensor.floatData.size() != elements) {
            throw fail(file, at + ": float_data holds " + tensor.floatData.size() + " values, but dims "
                    + tensor.dims + " need " + elements);
        }
        if (tensor.rawOffset < 0 && (tensor.dataType == FLOAT16 || tensor.dataType == BFLOAT16)
                && tensor.int32Data.size() != elements) {
            throw fail(file, at + ": int32_data holds " + tensor.int32Data.size() + " " + typeName(tensor.dataType)
                    + " values, but dims " + tensor.dims + " need " + elements);
        }
    }

    private static Map<String, Named> name(Path file, List<Tensor> initializers, List<Node> nodes) {
        Map<String, List<Node>> matMulWeightOf = new LinkedHashMap<>();
        Map<String, Integer> consumers = new LinkedHashMap<>();
        for (Node node : nodes) {
            for (int i = 0; i < node.inputs().size(); i++) {
                String input = node.inputs().get(i);
                consumers.merge(input, 1, Integer::sum);
                if (i == 1 && node.opType().equals("MatMul")) {
                    matMulWeightOf.computeIfAbsent(input, key -> new ArrayList<>()).add(node);
                }
            }
        }
        Map<String, Named> byKey = new TreeMap<>();
        for (Tensor tensor : initializers) {
            Named named = new Named(tensor.name, tensor, false);
            if (tensor.name.startsWith(ANONYMOUS_PREFIX) && tensor.dims.size() == 2) {
                List<Node> matMuls = matMulWeightOf.getOrDefault(tensor.name, List.of());
                List<String> modules = matMuls.stream().map(node -> modulePath(node.name())).distinct().toList();
                if (!matMuls.isEmpty() && matMuls.size() == consumers.get(tensor.name) && modules.size() == 1
                        && !modules.get(0).isEmpty()) {
                    named = new Named(modules.get(0) + ".weight", tensor, true);
                }
            }
            Named previous = byKey.put(named.key(), named);
            if (previous != null) {
                throw fail(file, "the initializers '" + previous.tensor().name + "' and '" + tensor.name
                        + "' both give the parameter '" + named.key() + "'");
            }
        }
        return byKey;
    }

    /** {@code /encoder/layer.0/attention/self/query/MatMul} → {@code encoder.layer.0.attention.self.query}; else "". */
    static String modulePath(String nodeName) {
        if (!nodeName.startsWith("/")) {
            return "";
        }
        int last = nodeName.lastIndexOf('/');
        return last <= 0 ? "" : nodeName.substring(1, last).replace('/', '.');
    }

    // ------------------------------------------------------------------------------------------------ WeightSource

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public List<String> keys() {
        return List.copyOf(byKey.keySet());
    }

    /** The initializer's name in the file for {@code key} (an {@code onnx::} name for a matched MatMul weight). */
    public String initializerName(String key) {
        return named(key).tensor().name;
    }

    @Override
    public long[] shape(String key) {
        Named named = named(key);
        long[] shape = named.tensor().shape();
        return named.transposed() ? new long[] {shape[1], shape[0]} : shape;
    }

    @Override
    public String dataType(String key) {
        int type = named(key).tensor().dataType;
        return type == FLOAT16 || type == BFLOAT16 ? FLOAT32 : typeName(type);
    }

    @Override
    public float[] readFloats(String key) {
        Named named = named(key);
        Tensor tensor = named.tensor();
        int count = Math.toIntExact(tensor.elements());
        float[] values = new float[count];
        if (tensor.dataType == FLOAT) {
            if (tensor.rawOffset >= 0) {
                raw(tensor).asFloatBuffer().get(values);
            }
            else {
                for (int i = 0; i < count; i++) {
                    values[i] = tensor.floatData.get(i);
                }
            }
        }
        else if (tensor.dataType == FLOAT16 || tensor.dataType == BFLOAT16) {
            ByteBuffer raw = tensor.rawOffset >= 0 ? raw(tensor) : null;
            for (int i = 0; i < count; i++) {
                int bits = (raw != null ? raw.getShort(2 * i) : tensor.int32Data.get(i)) & 0xffff;
                values[i] = tensor.dataType == FLOAT16 ? HalfFloats.float16ToFloat(bits) : HalfFloats.bfloat16ToFloat(bits);
            }
        }
        else {
            throw fail(file, "initializer '" + tensor.name + "' holds " + typeName(tensor.dataType)
                    + ", which does not load as float32 (FLOAT, FLOAT16 and BFLOAT16 do)");
        }
        if (!named.transposed()) {
            return values;
        }
        return HuggingFaceNamedSource.transpose(values, (int) (long) tensor.dims.get(0), (int) (long) tensor.dims.get(1));
    }

    private ByteBuffer raw(Tensor tensor) {
        return buffer.duplicate().position(Math.toIntExact(tensor.rawOffset)).limit(
                Math.toIntExact(tensor.rawOffset + tensor.rawLength)).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private Named named(String key) {
        requireNonNull(key, "key is null");
        Named named = byKey.get(key);
        if (named == null) {
            throw new IllegalArgumentException("the ONNX file " + file + " has no initializer for '" + key + "'");
        }
        return named;
    }

    @Override
    public void close() {
        // the memory map is released with the buffer
    }

    private static String typeName(int type) {
        return TYPE_NAMES.getOrDefault(type, "type " + type).toLowerCase(Locale.ROOT);
    }

    private static CheckpointException fail(Path file, String problem) {
        return new CheckpointException(file, "ONNX file " + file + ": " + problem);
    }
}
