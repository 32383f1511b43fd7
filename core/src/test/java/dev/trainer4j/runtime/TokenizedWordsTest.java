package dev.trainer4j.runtime;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.StreamingDataset;
import dev.trainer4j.api.Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A text field holding a list of words (token classification data) is encoded word by word and gets word_ids. */
final class TokenizedWordsTest {
    private static final Example WORDS = Example.of(Map.of("tokens", List.of("EU", "re-jects", "x"), "labels", new int[] {3, 0, 1}));
    private static final Example TEXT = Example.of(Map.of("tokens", "EU re-jects", "labels", new int[] {3, 0}));

    @Test
    void aListOfWordsGetsInputIdsAndWordIds() {
        MapDataset tokenized = (MapDataset) TokenizedDatasets.tokenize(Dataset.of(List.of(WORDS, TEXT)), new HyphenTokenizer(true),
                "tokens", false, "data.train");
        Example words = tokenized.get(0);
        // [CLS] EU | re jects | x [SEP]: one id per piece (its length), the word of each piece, -1 on special tokens
        assertThat(words.getIntArray(TokenizedDatasets.INPUT_IDS)).containsExactly(101, 2, 2, 5, 1, 102);
        assertThat(words.getIntArray(TokenizedDatasets.WORD_IDS)).containsExactly(-1, 0, 1, 1, 2, -1);
        assertThat(words.getIntArray("labels")).containsExactly(3, 0, 1);
        assertThat(words.has("tokens")).isFalse();
        // a plain text keeps today's columns, so collators that stack every int[] field are unaffected
        Example text = tokenized.get(1);
        assertThat(text.getIntArray(TokenizedDatasets.INPUT_IDS)).containsExactly(101, 4, 5, 102); // "EUre", "jects"
        assertThat(text.has(TokenizedDatasets.WORD_IDS)).isFalse();
    }

    @Test
    void aStreamOfWordsToo() {
        StreamingDataset stream = new StreamingDataset() {
            @Override
            public Iterator<Example> iterator(int epoch, long seed) {
                return List.of(WORDS, Example.of(Map.of("tokens", new String[] {"a-b"}))).iterator();
            }
        };
        StreamingDataset tokenized = (StreamingDataset) TokenizedDatasets.tokenize(stream, new HyphenTokenizer(true), "tokens", true, "data.train");
        List<Example> examples = new ArrayList<>();
        tokenized.iterator(0, 0).forEachRemaining(examples::add);
        assertThat(examples.get(0).getIntArray(TokenizedDatasets.WORD_IDS)).containsExactly(-1, 0, 1, 1, 2, -1);
        assertThat(examples.get(0).has("tokens")).as("keepText").isTrue();
        assertThat(examples.get(1).getIntArray(TokenizedDatasets.INPUT_IDS)).containsExactly(101, 1, 1, 102);
        assertThat(examples.get(1).getIntArray(TokenizedDatasets.WORD_IDS)).containsExactly(-1, 0, 0, -1);
    }

    @Test
    void wordsNeedATokenizerThatEncodesThemAndStringItems() {
        Dataset words = Dataset.of(List.of(WORDS));
        assertThatThrownBy(() -> ((MapDataset) TokenizedDatasets.tokenize(words, new HyphenTokenizer(false), "tokens", false, "data.train")).get(0))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("data.train")
                .hasMessageContaining("list of words")
                .hasMessageContaining("does not encode texts split into words");
        Dataset numbers = Dataset.of(List.of(Example.of(Map.of("tokens", List.of("a", 7)))));
        assertThatThrownBy(() -> ((MapDataset) TokenizedDatasets.tokenize(numbers, new HyphenTokenizer(true), "tokens", false, "data.eval")).get(0))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("data.eval: example 0 field 'tokens' item 1 is a Integer");
    }

    /** Splits on spaces into words and words on '-' into pieces; a piece's id is its length. */
    private record HyphenTokenizer(boolean encodesWords) implements Tokenizer {

        @Override
        public Encoding encode(String text) {
            return encodeAll(List.of(text.replace(" ", "")));
        }

        @Override
        public Encoding encodeWords(List<String> words) {
            if (!encodesWords) {
                return Tokenizer.super.encodeWords(words);
            }
            return encodeAll(words);
        }

        private static Encoding encodeAll(List<String> words) {
            List<int[]> tokens = new ArrayList<>();
            tokens.add(new int[] {101, -1});
            for (int word = 0; word < words.size(); word++) {
                for (String piece : words.get(word).split("-")) {
                    tokens.add(new int[] {piece.length(), word});
                }
            }
            tokens.add(new int[] {102, -1});
            int n = tokens.size();
            int[] ids = tokens.stream().mapToInt(t -> t[0]).toArray();
            int[] wordIds = tokens.stream().mapToInt(t -> t[1]).toArray();
            return new Encoding(ids, new int[n], new int[n], new int[n], new String[n], wordIds, new int[n], new int[n]);
        }

        @Override
        public String decode(int[] ids, boolean skipSpecialTokens) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int vocabularySize() {
            return 103;
        }

        @Override
        public int tokenToId(String token) {
            return -1;
        }

        @Override
        public int padTokenId() {
            return 0;
        }

        @Override
        public int maxLength() {
            return 0;
        }

        @Override
        public void save(Path tokenizerJson) {
            throw new UnsupportedOperationException();
        }
    }
}
