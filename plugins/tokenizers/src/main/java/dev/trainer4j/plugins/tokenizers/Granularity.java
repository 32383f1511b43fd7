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
        void split(String text, List<String> tokens) {
            Matcher matcher = WORD_PATTERN.matcher(text);
            while (matcher.find()) {
                tokens.add(matcher.group());
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
        void split(String text, List<String> tokens) {
            text.codePoints().forEach(codePoint -> tokens.add(new String(Character.toChars(codePoint))));
        }

        @Override
        String join(List<String> tokens) {
            return String.join("", tokens);
        }
    };

    static final Pattern WORD_PATTERN = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);

    /** Appends the tokens of {@code text} (already normalized) to {@code tokens}. */
    abstract void split(String text, List<String> tokens);

    /** Joins decoded tokens back into text. */
    abstract String join(List<String> tokens);

    /** The tokens of {@code text} (already normalized). */
    public List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        split(text, tokens);
        return tokens;
    }
}
