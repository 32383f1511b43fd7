package dev.trainer4j.plugins.metrics;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * sacreBLEU's {@code TercomTokenizer} without its Asian-script options: lower-cases unless case-sensitive, optionally
 * normalizes (joins lines, unescapes XML entities, splits punctuation and possessives as Tercom's normalizer) and
 * optionally removes {@code . , ? : ; ! " ( )}, then collapses whitespace.
 */
final class TercomTokenizer {
    private static final Pattern POSSESSIVE = Pattern.compile("'s ");
    private static final Pattern POSSESSIVE_AT_END = Pattern.compile("'s$");
    private static final Pattern REMOVED_PUNCTUATION = Pattern.compile("[.,?:;!\"()]");

    private final boolean caseSensitive;
    private final boolean normalized;
    private final boolean removePunctuation;

    TercomTokenizer(boolean caseSensitive, boolean normalized, boolean removePunctuation) {
        this.caseSensitive = caseSensitive;
        this.normalized = normalized;
        this.removePunctuation = removePunctuation;
    }

    String tokenize(String sentence) {
        if (sentence.isEmpty()) {
            return "";
        }
        String text = caseSensitive ? sentence : sentence.toLowerCase(Locale.ROOT);
        if (normalized) {
            text = normalize(text);
        }
        if (removePunctuation) {
            text = REMOVED_PUNCTUATION.matcher(text).replaceAll("");
        }
        return PythonWhitespace.collapse(text);
    }

    private static String normalize(String sentence) {
        String text = sentence.replace("\n-", "").replace("\n", " ").replace("&quot;", "\"").replace("&amp;", "&")
                .replace("&lt;", "<").replace("&gt;", ">");
        text = " " + text + " ";
        text = Mteval13aTokenizer.PUNCTUATION.matcher(text).replaceAll(" $1 ");
        text = POSSESSIVE.matcher(text).replaceAll(" 's ");
        text = POSSESSIVE_AT_END.matcher(text).replaceAll(" 's");
        text = Mteval13aTokenizer.PERIOD_COMMA_AFTER_NON_DIGIT.matcher(text).replaceAll("$1 $2 ");
        text = Mteval13aTokenizer.PERIOD_COMMA_BEFORE_NON_DIGIT.matcher(text).replaceAll(" $1 $2");
        return Mteval13aTokenizer.DASH_AFTER_DIGIT.matcher(text).replaceAll("$1 $2 ");
    }
}
