package dev.trainer4j.plugins.tokenizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Cuts raw text into tokens the way a Hugging Face tokenizer with special added tokens does: special-token literals
 * ({@code [MASK]}, ...) are matched first in the raw text (leftmost, then longest) and kept whole; the text between
 * them is normalized (lowercased code point by code point when asked, as HF's {@code Lowercase} normalizer) and
 * pre-tokenized by the {@link Granularity}. Every piece knows its characters in the raw text.
 */
final class TextSplitter {
    private final Granularity granularity;
    private final boolean lowercase;

    TextSplitter(Granularity granularity, boolean lowercase) {
        this.granularity = requireNonNull(granularity, "granularity is null");
        this.lowercase = lowercase;
    }

    Granularity granularity() {
        return granularity;
    }

    boolean lowercase() {
        return lowercase;
    }

    /**
     * The pieces of {@code text}; a piece equal to a special token's literal came from the raw text unchanged. Each
     * piece is its own word (HF's word ids of a pre-tokenizer's splits).
     */
    List<Piece> split(String text) {
        requireNonNull(text, "text is null");
        List<Piece> pieces = new ArrayList<>();
        int position = 0;
        while (position < text.length()) {
            int matchStart = -1;
            String match = null;
            for (String special : SpecialTokens.ALL) {
                int found = text.indexOf(special, position);
                if (found >= 0 && (matchStart < 0 || found < matchStart || (found == matchStart && special.length() > match.length()))) {
                    matchStart = found;
                    match = special;
                }
            }
            int end = matchStart < 0 ? text.length() : matchStart;
            addOrdinary(text, position, end, pieces);
            if (match == null) {
                break;
            }
            pieces.add(new Piece(match, true, matchStart, matchStart + match.length(), pieces.size()));
            position = matchStart + match.length();
        }
        return pieces;
    }

    /**
     * The pieces of a text split into words by the caller (HF's {@code is_split_into_words}): each word is split on its
     * own; a piece's word is the index of its word and its offsets count within that word.
     */
    List<Piece> splitWords(List<String> words) {
        requireNonNull(words, "words is null");
        List<Piece> pieces = new ArrayList<>();
        for (int word = 0; word < words.size(); word++) {
            String text = requireNonNull(words.get(word), "word " + word + " is null");
            for (Piece piece : split(text)) {
                pieces.add(new Piece(piece.token(), piece.special(), piece.start(), piece.end(), word));
            }
        }
        return pieces;
    }

    private void addOrdinary(String text, int from, int to, List<Piece> pieces) {
        if (from == to) {
            return;
        }
        StringBuilder normalized = new StringBuilder(to - from);
        // the raw char range [rawStart[i], rawEnd[i]) that normalized char i came from
        int[] rawStart = new int[2 * (to - from) + 2];
        int[] rawEnd = new int[rawStart.length];
        for (int position = from; position < to; ) {
            char ascii = text.charAt(position);
            if (ascii < 0x80) {
                // the common case without a String per character: an ASCII character lowercases to one character
                rawStart[normalized.length()] = position;
                rawEnd[normalized.length()] = position + 1;
                normalized.append(lowercase && ascii >= 'A' && ascii <= 'Z' ? (char) (ascii + ('a' - 'A')) : ascii);
                position++;
                continue;
            }
            int codePoint = text.codePointAt(position);
            int next = position + Character.charCount(codePoint);
            String original = text.substring(position, next);
            String mapped = lowercase ? original.toLowerCase(Locale.ROOT) : original;
            if (normalized.length() + mapped.length() > rawStart.length) {
                rawStart = java.util.Arrays.copyOf(rawStart, 2 * rawStart.length + mapped.length());
                rawEnd = java.util.Arrays.copyOf(rawEnd, rawStart.length);
            }
            for (int i = 0; i < mapped.length(); i++) {
                rawStart[normalized.length() + i] = position;
                rawEnd[normalized.length() + i] = next;
            }
            normalized.append(mapped);
            position = next;
        }
        List<int[]> spans = new ArrayList<>();
        String normalizedText = normalized.toString();
        granularity.spans(normalizedText, spans);
        for (int[] span : spans) {
            pieces.add(new Piece(normalizedText.substring(span[0], span[1]), false, rawStart[span[0]], rawEnd[span[1] - 1],
                    pieces.size()));
        }
    }

    /**
     * One token string; {@code special} when it is a special token's literal found in the raw text.
     *
     * @param start the {@code char} index in the raw text (or word) where the piece begins
     * @param end the index just after it
     * @param word the piece's word index
     */
    record Piece(String token, boolean special, int start, int end, int word) {
    }
}
