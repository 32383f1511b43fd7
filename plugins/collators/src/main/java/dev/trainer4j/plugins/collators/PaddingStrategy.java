package dev.trainer4j.plugins.collators;

import java.util.Locale;

/** How far sequences are padded (HF's {@code padding=}). */
public enum PaddingStrategy {
    /** To the longest sequence in the batch (HF {@code padding=True}). */
    LONGEST,
    /** To {@code max-length} (HF {@code padding="max_length"}). */
    MAX_LENGTH;

    /** Parses {@code longest} or {@code max-length}. */
    public static PaddingStrategy parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "longest" -> LONGEST;
            case "max-length" -> MAX_LENGTH;
            default -> throw new IllegalArgumentException("padding must be 'longest' or 'max-length', got '" + value + "'");
        };
    }
}
