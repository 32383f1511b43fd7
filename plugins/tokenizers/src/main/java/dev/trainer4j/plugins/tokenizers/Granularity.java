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
            if (isAscii(text)) {
                asciiWordSpans(text, spans);
                return;
            }
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

    private static final int ASCII_SPACE = 0;
    private static final int ASCII_WORD = 1;
    private static final int ASCII_OTHER = 2;

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #WORD_PATTERN}'s matches in ASCII text without the regex engine (tokenizer training and encoding at start
     * run it on every text, before the JIT has compiled the regex): within ASCII its {@code \w} is
     * {@code [A-Za-z0-9_]} and its {@code \s} is {@code [\t\n\x0B\f\r ]}, so the matches are the maximal runs of
     * word characters and of the other non-space characters.
     */
    private static void asciiWordSpans(String text, List<int[]> spans) {
        int position = 0;
        while (position < text.length()) {
            int kind = asciiKind(text.charAt(position));
            if (kind == ASCII_SPACE) {
                position++;
                continue;
            }
            int end = position + 1;
            while (end < text.length() && asciiKind(text.charAt(end)) == kind) {
                end++;
            }
            spans.add(new int[] {position, end});
            position = end;
        }
    }

    private static int asciiKind(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
            return ASCII_WORD;
        }
        return c == ' ' || (c >= '\t' && c <= '\r') ? ASCII_SPACE : ASCII_OTHER;
    }

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
