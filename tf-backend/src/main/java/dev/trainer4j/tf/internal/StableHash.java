package dev.trainer4j.tf.internal;

import java.nio.charset.StandardCharsets;

/** A 64-bit FNV-1a hash of a string's UTF-8 bytes: the same value in every JVM and process. */
public final class StableHash {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private StableHash() {
    }

    public static long of(String text) {
        long hash = OFFSET;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= PRIME;
        }
        return hash;
    }
}
