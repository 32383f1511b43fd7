package dev.trainer4j.plugins.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Whitespace as Python's {@code str.split()} and {@code str.rstrip()} see it ({@code str.isspace()}), which the text
 * metrics' reference implementations use: it differs from {@link Character#isWhitespace(int)} (no-break spaces count,
 * for instance), and a Java port must split exactly where they split.
 */
final class PythonWhitespace {
    private PythonWhitespace() {
    }

    /** Whether Python's {@code str.isspace()} holds for this code point. */
    static boolean isWhitespace(int codePoint) {
        return (codePoint >= 0x09 && codePoint <= 0x0D) || (codePoint >= 0x1C && codePoint <= 0x20)
                || codePoint == 0x85 || codePoint == 0xA0 || codePoint == 0x1680
                || (codePoint >= 0x2000 && codePoint <= 0x200A) || codePoint == 0x2028 || codePoint == 0x2029
                || codePoint == 0x202F || codePoint == 0x205F || codePoint == 0x3000;
    }

    /** The words of {@code text}: Python's {@code text.split()} (runs of whitespace separate, none are empty). */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int index = 0; index < text.length(); ) {
            int codePoint = text.codePointAt(index);
            if (isWhitespace(codePoint)) {
                if (start >= 0) {
                    words.add(text.substring(start, index));
                    start = -1;
                }
            } else if (start < 0) {
                start = index;
            }
            index += Character.charCount(codePoint);
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }

    /** Python's {@code " ".join(text.split())}: the words joined by single spaces. */
    static String collapse(String text) {
        return String.join(" ", split(text));
    }

    /** Python's {@code "".join(text.split())}: the text without any whitespace. */
    static String remove(String text) {
        return String.join("", split(text));
    }

    /** Python's {@code text.rstrip()}. */
    static String stripTrailing(String text) {
        int end = text.length();
        while (end > 0) {
            int codePoint = text.codePointBefore(end);
            if (!isWhitespace(codePoint)) {
                break;
            }
            end -= Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }
}
