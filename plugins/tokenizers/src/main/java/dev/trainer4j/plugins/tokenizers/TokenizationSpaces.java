package dev.trainer4j.plugins.tokenizers;

import static java.util.Objects.requireNonNull;

/**
 * transformers' {@code PreTrainedTokenizerBase.clean_up_tokenization}: removes the spaces a decoder leaves before
 * punctuation and English contractions, by this fixed list of replacements applied in this order.
 */
final class TokenizationSpaces {
    private static final String[][] REPLACEMENTS = {
            {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
            {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
    };

    private TokenizationSpaces() {
    }

    /** {@code text} with the replacements applied. */
    static String cleanUp(String text) {
        requireNonNull(text, "text is null");
        String result = text;
        for (String[] replacement : REPLACEMENTS) {
            result = result.replace(replacement[0], replacement[1]);
        }
        return result;
    }
}
