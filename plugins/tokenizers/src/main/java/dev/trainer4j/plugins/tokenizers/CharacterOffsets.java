package dev.trainer4j.plugins.tokenizers;

/**
 * Converts the Rust tokenizers' character offsets (Unicode code points) into Java {@code char} indices of the same
 * text: they differ once the text holds a character outside the Basic Multilingual Plane (an emoji, say).
 */
final class CharacterOffsets {
    private final int[] charIndex;

    private CharacterOffsets(int[] charIndex) {
        this.charIndex = charIndex;
    }

    /** The converter for {@code text}; {@code null} text (unknown) converts nothing. */
    static CharacterOffsets of(String text) {
        if (text == null || text.codePointCount(0, text.length()) == text.length()) {
            return new CharacterOffsets(null);
        }
        int codePoints = text.codePointCount(0, text.length());
        int[] index = new int[codePoints + 1];
        int position = 0;
        for (int codePoint = 0; codePoint < codePoints; codePoint++) {
            index[codePoint] = position;
            position += Character.charCount(text.codePointAt(position));
        }
        index[codePoints] = text.length();
        return new CharacterOffsets(index);
    }

    /** True when code point and {@code char} offsets agree for the whole text. */
    boolean identity() {
        return charIndex == null;
    }

    /** The {@code char} index of code point offset {@code codePointOffset}. */
    int toCharIndex(int codePointOffset) {
        if (charIndex == null) {
            return codePointOffset;
        }
        if (codePointOffset < 0 || codePointOffset >= charIndex.length) {
            throw new IllegalStateException("tokenizer returned offset " + codePointOffset + " outside a text of "
                    + (charIndex.length - 1) + " characters");
        }
        return charIndex[codePointOffset];
    }
}
