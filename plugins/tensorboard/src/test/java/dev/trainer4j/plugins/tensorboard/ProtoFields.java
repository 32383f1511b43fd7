package dev.trainer4j.plugins.tensorboard;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a protobuf message into its fields by number with the wire reader only (no generated classes): varints as
 * {@code Long}, 64-bit values as {@code Long} bits, length-delimited fields as {@code byte[]}. For checking the
 * HParams plugin data against the published field numbers independently of the writer.
 */
final class ProtoFields {
    private ProtoFields() {
    }

    static Map<Integer, List<Object>> read(byte[] message) {
        Map<Integer, List<Object>> fields = new TreeMap<>();
        try {
            CodedInputStream in = CodedInputStream.newInstance(message);
            int tag;
            while ((tag = in.readTag()) != 0) {
                int number = WireFormat.getTagFieldNumber(tag);
                Object value = switch (WireFormat.getTagWireType(tag)) {
                    case WireFormat.WIRETYPE_VARINT -> in.readInt64();
                    case WireFormat.WIRETYPE_FIXED64 -> in.readFixed64();
                    case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.readByteArray();
                    case WireFormat.WIRETYPE_FIXED32 -> (long) in.readFixed32();
                    default -> throw new IOException("unexpected wire type in field " + number);
                };
                fields.computeIfAbsent(number, key -> new ArrayList<>()).add(value);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fields;
    }
}
