package dev.trainer4j.plugins.metrics;

import java.util.regex.Pattern;

/**
 * sacreBLEU's default BLEU tokenizer {@code 13a} ({@code tokenizer_13a.py} with {@code tokenizer_re.py}), the
 * tokenization of WMT's {@code mteval-v13a.pl}: drops {@code <skipped>}, joins hyphenated line ends and lines,
 * unescapes four XML entities, then puts spaces around ASCII punctuation except apostrophes, around periods and commas
 * unless between digits, and after a dash that follows a digit. Other characters (accented letters, Unicode
 * punctuation such as « » … ’) stay attached to their words.
 */
final class Mteval13aTokenizer {
    /** Every ASCII punctuation mark and the space, except the apostrophe, comma, hyphen and period. */
    static final Pattern PUNCTUATION = Pattern.compile("([\\x7B-\\x7E\\x5B-\\x60\\x20-\\x26\\x28-\\x2B\\x3A-\\x40/])");
    static final Pattern PERIOD_COMMA_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    static final Pattern PERIOD_COMMA_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");

    String tokenize(String line) {
        String text = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
        if (text.contains("&")) {
            text = text.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
        }
        text = " " + text + " ";
        text = PUNCTUATION.matcher(text).replaceAll(" $1 ");
        text = PERIOD_COMMA_AFTER_NON_DIGIT.matcher(text).replaceAll("$1 $2 ");
        text = PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(text).replaceAll(" $1 $2");
        text = DASH_AFTER_DIGIT.matcher(text).replaceAll("$1 $2 ");
        return PythonWhitespace.collapse(text);
    }
}
