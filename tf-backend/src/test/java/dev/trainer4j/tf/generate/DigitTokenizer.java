package dev.trainer4j.tf.generate;

import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Tokenizer;

import java.nio.file.Path;

/** A test tokenizer of digit strings: 0 pad, 1 start, 2 eos (special), digit d is id d + 3. */
final class DigitTokenizer implements Tokenizer {
    static final int PAD = 0;
    static final int START = 1;
    static final int EOS = 2;
    static final int VOCABULARY = 13;

    static int[] ids(String digits) {
        return digits.chars().map(c -> c - '0' + 3).toArray();
    }

    @Override
    public Encoding encode(String text) {
        int[] ids = ids(text);
        int[] ones = new int[ids.length];
        java.util.Arrays.fill(ones, 1);
        return new Encoding(ids, ones, new int[ids.length], new int[ids.length], text.split(""));
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            if (id >= 3) {
                text.append((char) ('0' + id - 3));
            } else if (!skipSpecialTokens) {
                text.append(id == PAD ? "<pad>" : id == START ? "<s>" : "</s>");
            }
        }
        return text.toString();
    }

    @Override
    public int vocabularySize() {
        return VOCABULARY;
    }

    @Override
    public int tokenToId(String token) {
        return token.length() == 1 && Character.isDigit(token.charAt(0)) ? token.charAt(0) - '0' + 3 : -1;
    }

    @Override
    public int padTokenId() {
        return PAD;
    }

    @Override
    public int maxLength() {
        return 64;
    }

    @Override
    public void save(Path tokenizerJson) {
        throw new UnsupportedOperationException("the test tokenizer is not saved");
    }
}
