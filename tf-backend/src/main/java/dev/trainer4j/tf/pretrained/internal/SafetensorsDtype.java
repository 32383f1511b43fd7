package dev.trainer4j.tf.pretrained.internal;

import java.util.Arrays;
import java.util.Optional;

/**
 * The element types of the safetensors format with their byte sizes. F32, F16 and BF16 load as float32 (the 16-bit
 * types are upcast exactly); F64 and the integer and boolean types are listed with their type and not loaded (a
 * float64 value does not in general fit a float32 exactly).
 */
public enum SafetensorsDtype {
    F32(4, true, "float32"), F16(2, true, "float16"), BF16(2, true, "bfloat16"), F64(8, false, "float64"),
    I64(8, false, "int64"), I32(4, false, "int32"), I16(2, false, "int16"), I8(1, false, "int8"),
    U64(8, false, "uint64"), U32(4, false, "uint32"), U16(2, false, "uint16"), U8(1, false, "uint8"),
    BOOL(1, false, "bool"), F8_E4M3(1, false, "float8_e4m3"), F8_E5M2(1, false, "float8_e5m2");

    private final int size;
    private final boolean loadsAsFloat;
    private final String typeName;

    SafetensorsDtype(int size, boolean loadsAsFloat, String typeName) {
        this.size = size;
        this.loadsAsFloat = loadsAsFloat;
        this.typeName = typeName;
    }

    /** The type's name in messages and reports, e.g. {@code int64}. */
    public String typeName() {
        return typeName;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** True when values of this type convert exactly to float32. */
    public boolean loadsAsFloat() {
        return loadsAsFloat;
    }

    /** The type written in a header as {@code name}, e.g. {@code "BF16"}. */
    public static Optional<SafetensorsDtype> of(String name) {
        return Arrays.stream(values()).filter(type -> type.name().equals(name)).findFirst();
    }

    /** The names a header may use, for messages. */
    public static String names() {
        return Arrays.toString(values());
    }
}
