package dev.trainer4j.tf.pretrained.internal;

/** Exact conversions of 16-bit floats to float32 (every float16 and bfloat16 value is a float32 value). */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** The float32 value of IEEE 754 binary16 bits: 1 sign, 5 exponent (bias 15), 10 mantissa bits. */
    public static float float16ToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) { // infinity or NaN: all exponent bits set, the mantissa moves to the top
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign); // signed zero
            }
            // subnormal: mantissa * 2^-24, exact in float32
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // normal: rebias the exponent from 15 to 127, widen the mantissa from 10 to 23 bits
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** The float32 value of bfloat16 bits: the upper half of a float32. */
    public static float bfloat16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
