package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Tokenizer;

import java.nio.file.Path;
import java.util.Map;

/** A tokenizer that knows only a few special tokens, a pad id and a vocabulary size. */
record FakeTokenizer(Map<String, Integer> specials, int padTokenId, int vocabularySize) implements Tokenizer {

    @Override
    public Encoding encode(String text) {
        throw new UnsupportedOperationException("not needed by collators");
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        throw new UnsupportedOperationException("not needed by collators");
    }

    @Override
    public int tokenToId(String token) {
        return specials.getOrDefault(token, -1);
    }

    @Override
    public int maxLength() {
        return 0;
    }

    @Override
    public void save(Path tokenizerJson) {
        throw new UnsupportedOperationException("not needed by collators");
    }
}
