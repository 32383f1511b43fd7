package dev.trainer4j.plugins.tokenizers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Cuts raw text into tokens the way a Hugging Face tokenizer with special added tokens does: special-token literals
 * ({@code [MASK]}, ...) are matched first in the raw text (leftmost, then longest) and kept whole; the text between
 * them is normalized (lowercased when asked) and pre-tokenized by the {@link Granularity}.
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

    /** The tokens of {@code text}; a token equal to a special token's literal came from the raw text unchanged. */
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
            addOrdinary(text.substring(position, end), pieces);
            if (match == null) {
                break;
            }
            pieces.add(new Piece(match, true));
            position = matchStart + match.length();
        }
        return pieces;
    }

    private void addOrdinary(String segment, List<Piece> pieces) {
        if (segment.isEmpty()) {
            return;
        }
        String normalized = lowercase ? segment.toLowerCase(Locale.ROOT) : segment;
        for (String token : granularity.split(normalized)) {
            pieces.add(new Piece(token, false));
        }
    }

    /** One token string; {@code special} when it is a special token's literal found in the raw text. */
    record Piece(String token, boolean special) {
    }
}
