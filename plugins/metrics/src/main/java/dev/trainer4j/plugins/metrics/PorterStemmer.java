package dev.trainer4j.plugins.metrics;

import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter stemmer as NLTK's {@code PorterStemmer} in its default {@code NLTK_EXTENSIONS} mode (NLTK 3.x), the
 * stemmer Google's {@code rouge_score} applies with {@code use_stemmer=True}: Porter's five steps with NLTK's
 * departures from the 1980 paper (irregular forms such as {@code dying → die}, {@code ies/ied} of four-letter words,
 * {@code y → i} only after a consonant, {@code bli → ble}, {@code alli}, {@code fulli}, {@code logi}, a two-letter
 * consonant-vowel-consonant test). Words of at most two characters are returned as they are. Works on lower-case
 * input (the ROUGE tokenizer lower-cases first).
 */
final class PorterStemmer {
    private static final Map<String, String> IRREGULAR_FORMS = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"), Map.entry("dying", "die"),
            Map.entry("lying", "lie"), Map.entry("tying", "tie"), Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"), Map.entry("outings", "outing"),
            Map.entry("outing", "outing"), Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"), Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"),
            Map.entry("succeed", "succeed"));

    /** One rule: a word ending in suffix whose stem (the word without it) meets the condition gets the replacement. */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {
    }

    String stem(String word) {
        String stem = IRREGULAR_FORMS.get(word);
        if (stem != null) {
            return stem;
        }
        if (word.length() <= 2) {
            return word;
        }
        stem = step1a(word);
        stem = step1b(stem);
        stem = step1c(stem);
        stem = step2(stem);
        stem = step3(stem);
        stem = step4(stem);
        stem = step5a(stem);
        return step5b(stem);
    }

    /** NLTK's {@code _consonant_flags}: a y is a consonant at the start or after a vowel. */
    private static boolean[] consonantFlags(String word) {
        boolean[] flags = new boolean[word.length()];
        for (int index = 0; index < word.length(); index++) {
            char letter = word.charAt(index);
            if (isVowelLetter(letter)) {
                flags[index] = false;
            } else if (letter == 'y') {
                flags[index] = index == 0 || !flags[index - 1];
            } else {
                flags[index] = true;
            }
        }
        return flags;
    }

    private static boolean isVowelLetter(char letter) {
        return letter == 'a' || letter == 'e' || letter == 'i' || letter == 'o' || letter == 'u';
    }

    private static boolean isConsonant(String word, int index) {
        return consonantFlags(word)[index];
    }

    /** Porter's m: the number of vowel-consonant sequences. */
    private static int measure(String stem) {
        boolean[] flags = consonantFlags(stem);
        int count = 0;
        for (int index = 1; index < flags.length; index++) {
            if (!flags[index - 1] && flags[index]) {
                count++;
            }
        }
        return count;
    }

    private static boolean hasPositiveMeasure(String stem) {
        return measure(stem) > 0;
    }

    private static boolean containsVowel(String stem) {
        for (boolean consonant : consonantFlags(stem)) {
            if (!consonant) {
                return true;
            }
        }
        return false;
    }

    private static boolean endsDoubleConsonant(String word) {
        int length = word.length();
        return length >= 2 && word.charAt(length - 1) == word.charAt(length - 2) && isConsonant(word, length - 1);
    }

    private static boolean endsConsonantVowelConsonant(String word) {
        int length = word.length();
        if (length >= 3 && isConsonant(word, length - 3) && !isConsonant(word, length - 2)
                && isConsonant(word, length - 1)) {
            char last = word.charAt(length - 1);
            if (last != 'w' && last != 'x' && last != 'y') {
                return true;
            }
        }
        return length == 2 && !isConsonant(word, 0) && isConsonant(word, 1);
    }

    private static String withoutSuffix(String word, String suffix) {
        return word.substring(0, word.length() - suffix.length());
    }

    /** NLTK's {@code _apply_rule_list}: the first rule whose suffix the word ends with decides. */
    private static String applyRules(String word, Rule... rules) {
        for (Rule rule : rules) {
            if (rule.suffix().equals("*d") && endsDoubleConsonant(word)) {
                String stem = word.substring(0, word.length() - 2);
                return rule.condition() == null || rule.condition().test(stem) ? stem + rule.replacement() : word;
            }
            if (word.endsWith(rule.suffix())) {
                String stem = withoutSuffix(word, rule.suffix());
                return rule.condition() == null || rule.condition().test(stem) ? stem + rule.replacement() : word;
            }
        }
        return word;
    }

    private static String step1a(String word) {
        if (word.endsWith("ies") && word.length() == 4) {
            return withoutSuffix(word, "ies") + "ie";
        }
        return applyRules(word, new Rule("sses", "ss", null), new Rule("ies", "i", null),
                new Rule("ss", "ss", null), new Rule("s", "", null));
    }

    private static String step1b(String word) {
        if (word.endsWith("ied")) {
            return withoutSuffix(word, "ied") + (word.length() == 4 ? "ie" : "i");
        }
        if (word.endsWith("eed")) {
            String stem = withoutSuffix(word, "eed");
            return measure(stem) > 0 ? stem + "ee" : word;
        }
        String intermediate = null;
        for (String suffix : new String[] {"ed", "ing"}) {
            if (word.endsWith(suffix)) {
                String candidate = withoutSuffix(word, suffix);
                if (containsVowel(candidate)) {
                    intermediate = candidate;
                    break;
                }
            }
        }
        if (intermediate == null) {
            return word;
        }
        char last = intermediate.charAt(intermediate.length() - 1);
        return applyRules(intermediate, new Rule("at", "ate", null), new Rule("bl", "ble", null),
                new Rule("iz", "ize", null),
                new Rule("*d", String.valueOf(last), stem -> last != 'l' && last != 's' && last != 'z'),
                new Rule("", "e", stem -> measure(stem) == 1 && endsConsonantVowelConsonant(stem)));
    }

    private static String step1c(String word) {
        return applyRules(word, new Rule("y", "i", stem -> stem.length() > 1 && isConsonant(stem, stem.length() - 1)));
    }

    private static String step2(String word) {
        if (word.endsWith("alli") && hasPositiveMeasure(withoutSuffix(word, "alli"))) {
            return step2(withoutSuffix(word, "alli") + "al");
        }
        Predicate<String> positive = PorterStemmer::hasPositiveMeasure;
        return applyRules(word, new Rule("ational", "ate", positive), new Rule("tional", "tion", positive),
                new Rule("enci", "ence", positive), new Rule("anci", "ance", positive),
                new Rule("izer", "ize", positive), new Rule("bli", "ble", positive),
                new Rule("alli", "al", positive), new Rule("entli", "ent", positive), new Rule("eli", "e", positive),
                new Rule("ousli", "ous", positive), new Rule("ization", "ize", positive),
                new Rule("ation", "ate", positive), new Rule("ator", "ate", positive),
                new Rule("alism", "al", positive), new Rule("iveness", "ive", positive),
                new Rule("fulness", "ful", positive), new Rule("ousness", "ous", positive),
                new Rule("aliti", "al", positive), new Rule("iviti", "ive", positive),
                new Rule("biliti", "ble", positive), new Rule("fulli", "ful", positive),
                // NLTK tests the word without "ogi" here, not the stem without "logi"
                new Rule("logi", "log", stem -> hasPositiveMeasure(word.substring(0, word.length() - 3))));
    }

    private static String step3(String word) {
        Predicate<String> positive = PorterStemmer::hasPositiveMeasure;
        return applyRules(word, new Rule("icate", "ic", positive), new Rule("ative", "", positive),
                new Rule("alize", "al", positive), new Rule("iciti", "ic", positive), new Rule("ical", "ic", positive),
                new Rule("ful", "", positive), new Rule("ness", "", positive));
    }

    private static String step4(String word) {
        Predicate<String> aboveOne = stem -> measure(stem) > 1;
        return applyRules(word, new Rule("al", "", aboveOne), new Rule("ance", "", aboveOne),
                new Rule("ence", "", aboveOne), new Rule("er", "", aboveOne), new Rule("ic", "", aboveOne),
                new Rule("able", "", aboveOne), new Rule("ible", "", aboveOne), new Rule("ant", "", aboveOne),
                new Rule("ement", "", aboveOne), new Rule("ment", "", aboveOne), new Rule("ent", "", aboveOne),
                new Rule("ion", "", stem -> measure(stem) > 1 && (stem.endsWith("s") || stem.endsWith("t"))),
                new Rule("ou", "", aboveOne), new Rule("ism", "", aboveOne), new Rule("ate", "", aboveOne),
                new Rule("iti", "", aboveOne), new Rule("ous", "", aboveOne), new Rule("ive", "", aboveOne),
                new Rule("ize", "", aboveOne));
    }

    private static String step5a(String word) {
        if (word.endsWith("e")) {
            String stem = withoutSuffix(word, "e");
            if (measure(stem) > 1 || (measure(stem) == 1 && !endsConsonantVowelConsonant(stem))) {
                return stem;
            }
        }
        return word;
    }

    private static String step5b(String word) {
        return applyRules(word, new Rule("ll", "l", stem -> measure(word.substring(0, word.length() - 1)) > 1));
    }
}
