package dev.trainer4j.plugins.tokenizers;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The splitter's ASCII path (no regex, no string per character) against the definition it shortcuts: the text
 * lowercased by {@link String#toLowerCase(Locale)} with {@link Locale#ROOT}, then the matches of
 * {@link Granularity#WORD_PATTERN}, offsets unchanged (ASCII lowercases character for character).
 */
class TextSplitterTest {
    private static final TextSplitter LOWERCASING = new TextSplitter(Granularity.WORD, true);
    private static final TextSplitter KEEPING_CASE = new TextSplitter(Granularity.WORD, false);

    @Test
    void everyAsciiStringOfUpToTwoCharactersSplitsAsTheRegexDoes() {
        List<String> texts = new ArrayList<>();
        for (char first = 0; first < 0x80; first++) {
            texts.add(String.valueOf(first));
            for (char second = 0; second < 0x80; second++) {
                texts.add("" + first + second);
            }
        }
        texts.forEach(TextSplitterTest::assertSplitsAsTheRegex);
    }

    @Test
    void randomAsciiTextsSplitAsTheRegexDoes() {
        // mostly letters, digits and spaces, as in messages, with every other ASCII character now and then
        String common = "aAzZ09_ .,!?'\t\n";
        SplittableRandom random = new SplittableRandom(7);
        for (int text = 0; text < 5_000; text++) {
            StringBuilder builder = new StringBuilder();
            int length = random.nextInt(60);
            for (int i = 0; i < length; i++) {
                boolean any = random.nextInt(3) == 0;
                builder.append(any ? (char) random.nextInt(0x80) : common.charAt(random.nextInt(common.length())));
            }
            assertSplitsAsTheRegex(builder.toString());
        }
    }

    @Test
    void asciiNextToOtherCharactersKeepsTheRawOffsets() {
        // "İ" lowercases to two chars (i and a combining dot, a word character): the piece still spans the raw "İA"
        assertThat(pieces(LOWERCASING, "İA bC, Ünï"))
                .containsExactly("i\u0307a 0-2", "bc 3-5", ", 5-6", "ünï 7-10");
        assertThat(pieces(KEEPING_CASE, "x😀Y z")).containsExactly("x 0-1", "😀 1-3", "Y 3-4", "z 5-6");
    }

    private static void assertSplitsAsTheRegex(String text) {
        String lowered = text.toLowerCase(Locale.ROOT);
        List<String> expectedLowered = new ArrayList<>();
        List<String> expectedKept = new ArrayList<>();
        Matcher matcher = Granularity.WORD_PATTERN.matcher(lowered);
        while (matcher.find()) {
            String offsets = " " + matcher.start() + "-" + matcher.end();
            expectedLowered.add(matcher.group() + offsets);
            expectedKept.add(text.substring(matcher.start(), matcher.end()) + offsets);
        }
        assertThat(pieces(LOWERCASING, text)).as("lowercased %s", codes(text)).isEqualTo(expectedLowered);
        assertThat(pieces(KEEPING_CASE, text)).as("case kept %s", codes(text)).isEqualTo(expectedKept);
    }

    private static List<String> pieces(TextSplitter splitter, String text) {
        return splitter.split(text).stream()
                .map(piece -> piece.token() + " " + piece.start() + "-" + piece.end()).toList();
    }

    private static String codes(String text) {
        return text.chars().mapToObj(c -> String.format(Locale.ROOT, "U+%04X", c)).toList().toString();
    }
}
