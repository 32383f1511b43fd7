package dev.trainer4j.plugins.tokenizers;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How a vocabulary tokenizer cuts normalized text into tokens. */
public enum Granularity {
    /**
     * Words and runs of punctuation, exactly like Hugging Face's {@code Whitespace} pre-tokenizer
     * ({@code \w+|[^\w\s]+}, Unicode-aware); whitespace is dropped.
     */
    WORD {
        @Override
        void spans(String text, List<int[]> spans) {
            Matcher matcher = WORD_PATTERN.matcher(text);
            while (matcher.find()) {
                spans.add(new int[] {matcher.start(), matcher.end()});
            }
        }

        @Override
        String join(List<String> tokens) {
            return String.join(" ", tokens);
        }
    },
    /**
     * Every Unicode code point is a token, whitespace included (HF: a {@code Split} pre-tokenizer on
     * {@code [\s\S]}, behavior {@code Isolated}, and a {@code Fuse} decoder).
     */
    CHARACTER {
        @Override
        void spans(String text, List<int[]> spans) {
            for (int position = 0; position < text.length(); ) {
                int next = position + Character.charCount(text.codePointAt(position));
                spans.add(new int[] {position, next});
                position = next;
            }
        }

        @Override
        String join(List<String> tokens) {
            return String.join("", tokens);
        }
    };

    static final Pattern WORD_PATTERN = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    /** Appends the [start, end) {@code char} ranges of the tokens of {@code text} (already normalized) to {@code spans}. */
    abstract void spans(String text, List<int[]> spans);

    /** Joins decoded tokens back into text. */
    abstract String join(List<String> tokens);

    /** The tokens of {@code text} (already normalized). */
    public List<String> split(String text) {
        List<int[]> spans = new ArrayList<>();
        spans(text, spans);
        List<String> tokens = new ArrayList<>(spans.size());
        for (int[] span : spans) {
            tokens.add(text.substring(span[0], span[1]));
        }
        return tokens;
    }
}
