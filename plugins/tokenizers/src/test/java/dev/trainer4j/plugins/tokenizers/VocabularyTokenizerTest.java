package dev.trainer4j.plugins.tokenizers;

import com.typesafe.config.Config;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The word-level and char-level tokenizers on the Java side (the HF round trip is in its own test class). */
class VocabularyTokenizerTest {
    private static final List<String> TEXTS = List.of("The cat sat.", "the dog sat!", "A cat, a dog.");

    @Test
    void vocabularyIsOrderedByFrequencyThenToken() {
        Vocabulary vocabulary = new VocabularyBuilder(Granularity.WORD, true).addAll(TEXTS).build(1, 100);
        // counts: the 2, cat 2, sat 2, dog 2, a 2, . 2, ! 1, , 1
        assertThat(vocabulary.tokens()).containsExactly("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                ".", "a", "cat", "dog", "sat", "the", "!", ",");
    }

    @Test
    void minFrequencyAndMaxSizeCutTheVocabulary() {
        VocabularyBuilder builder = new VocabularyBuilder(Granularity.WORD, true).addAll(TEXTS);
        assertThat(builder.build(2, 100).tokens()).containsExactly("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
                ".", "a", "cat", "dog", "sat", "the");
        assertThat(builder.build(1, 7).tokens()).containsExactly("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", "a");
        assertThatThrownBy(() -> builder.build(0, 100)).hasMessageContaining("min-frequency");
        assertThatThrownBy(() -> builder.build(1, 4)).hasMessageContaining("vocab-size");
    }

    @Test
    void wordLevelEncodesWithSpecialTokensAndUnknowns() {
        VocabularyTokenizer tokenizer = train("word-level", Map.of());
        Encoding encoding = tokenizer.encode("The bird sat... [MASK]");
        // "..." is one punctuation run, unknown like "bird"
        assertThat(encoding.tokens()).containsExactly("[CLS]", "the", "[UNK]", "sat", "[UNK]", "[MASK]", "[SEP]");
        assertThat(encoding.ids()).containsExactly(2, 10, 1, 9, 1, 4, 3);
        assertThat(encoding.specialTokensMask()).containsExactly(1, 0, 0, 0, 0, 0, 1);
        assertThat(encoding.attentionMask()).containsOnly(1);
        assertThat(encoding.typeIds()).containsOnly(0);
        assertThat(tokenizer.decode(encoding.ids(), true)).isEqualTo("the sat"); // [UNK] is special, as in HF
        assertThat(tokenizer.decode(encoding.ids(), false)).isEqualTo("[CLS] the [UNK] sat [UNK] [MASK] [SEP]");
    }

    @Test
    void caseIsKeptWhenNotLowercasing() {
        VocabularyTokenizer tokenizer = train("word-level", Map.of("lowercase", false));
        assertThat(tokenizer.tokenToId("The")).isPositive();
        assertThat(tokenizer.tokenToId("the")).isPositive().isNotEqualTo(tokenizer.tokenToId("The"));
        assertThat(tokenizer.encode("THE").ids()).containsExactly(2, 1, 3);
    }

    @Test
    void wordIdsAndOffsetsPointBackIntoTheText() {
        VocabularyTokenizer tokenizer = train("word-level", Map.of());
        String text = "The  CAT sat... [MASK]";
        Encoding encoding = tokenizer.encode(text);
        assertThat(encoding.tokens()).containsExactly("[CLS]", "the", "cat", "sat", "[UNK]", "[MASK]", "[SEP]");
        assertThat(encoding.wordIds()).containsExactly(-1, 0, 1, 2, 3, 4, -1);
        List<String> surfaces = new ArrayList<>();
        for (int i = 0; i < encoding.length(); i++) {
            surfaces.add(text.substring(encoding.startOffsets()[i], encoding.endOffsets()[i]));
        }
        assertThat(surfaces).containsExactly("", "The", "CAT", "sat", "...", "[MASK]", "");
    }

    @Test
    void wordsSplitByTheCallerKeepTheirIndex() {
        VocabularyTokenizer tokenizer = train("word-level", Map.of("max-length", 6));
        Encoding encoding = tokenizer.encodeWords(List.of("The", "cat,", "sat", "a"));
        assertThat(encoding.tokens()).containsExactly("[CLS]", "the", "cat", ",", "sat", "[SEP]");
        assertThat(encoding.wordIds()).containsExactly(-1, 0, 1, 1, 2, -1);
        assertThat(encoding.startOffsets()).containsExactly(0, 0, 0, 3, 0, 0);
        assertThat(encoding.endOffsets()).containsExactly(0, 3, 3, 4, 3, 0);
    }

    @Test
    void charLevelOffsetsCoverWholeCodePoints() {
        VocabularyTokenizer tokenizer = train("char-level", Map.of());
        String text = "a😀t";
        Encoding encoding = tokenizer.encode(text);
        assertThat(encoding.tokens()).containsExactly("[CLS]", "a", "[UNK]", "t", "[SEP]");
        assertThat(encoding.startOffsets()).containsExactly(0, 0, 1, 3, 0);
        assertThat(encoding.endOffsets()).containsExactly(0, 1, 3, 4, 0);
    }

    @Test
    void truncationCountsSpecialTokens() {
        VocabularyTokenizer tokenizer = train("word-level", Map.of("max-length", 4));
        assertThat(tokenizer.encode("the cat sat").tokens()).containsExactly("[CLS]", "the", "cat", "[SEP]");
        VocabularyTokenizer bare = train("word-level", Map.of("max-length", 2, "add-special-tokens", false));
        assertThat(bare.encode("the cat sat").tokens()).containsExactly("the", "cat");
    }

    @Test
    void pairsAreSeparatedAndTyped() {
        VocabularyTokenizer tokenizer = train("word-level", Map.of());
        Encoding encoding = tokenizer.encodePair("the cat", "a dog");
        assertThat(encoding.tokens()).containsExactly("[CLS]", "the", "cat", "[SEP]", "a", "dog", "[SEP]");
        assertThat(encoding.typeIds()).containsExactly(0, 0, 0, 0, 1, 1, 1);
        VocabularyTokenizer truncating = train("word-level", Map.of("max-length", 6));
        assertThat(truncating.encodePair("the cat sat", "a dog").tokens())
                .containsExactly("[CLS]", "the", "cat", "[SEP]", "a", "[SEP]");
    }

    @Test
    void charLevelKeepsEveryCharacter() {
        VocabularyTokenizer tokenizer = train("char-level", Map.of());
        Encoding encoding = tokenizer.encode("cat z");
        assertThat(encoding.tokens()).containsExactly("[CLS]", "c", "a", "t", " ", "[UNK]", "[SEP]");
        assertThat(tokenizer.decode(encoding.ids(), true)).isEqualTo("cat ");
        assertThat(tokenizer.decode(tokenizer.encode("a cat").ids(), true)).isEqualTo("a cat");
        assertThat(tokenizer.granularity()).isEqualTo(Granularity.CHARACTER);
    }

    @Test
    void charLevelVocabularyOrder() {
        Vocabulary vocabulary = new VocabularyBuilder(Granularity.CHARACTER, false).addAll(List.of("abba", "c")).build(1, 100);
        assertThat(vocabulary.tokens()).containsExactly("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c");
    }

    @Test
    void batchEncodingInParallelKeepsOrder() {
        VocabularyTokenizer tokenizer = train("word-level", Map.of());
        List<String> texts = new ArrayList<>();
        IntStream.range(0, 500).forEach(i -> texts.add(i % 3 == 0 ? "the cat" : i % 3 == 1 ? "a dog sat ." : "dog " + "cat ".repeat(i % 7)));
        List<Encoding> encodings = tokenizer.encodeBatch(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(encodings.get(i).ids()).as("text %d", i).containsExactly(tokenizer.encode(texts.get(i)).ids());
        }
    }

    @Test
    void saveAndLoadGiveTheSameTokenizer(@TempDir Path folder) {
        VocabularyTokenizer tokenizer = train("word-level", Map.of());
        Path file = folder.resolve("tokenizer.json");
        tokenizer.save(file);
        Tokenizer loaded = new WordLevelTokenizerFactory().create(TestResources.settings("word-level", Map.of("path", "tokenizer.json")),
                new TestPluginContext(folder));
        assertThat(loaded.vocabularySize()).isEqualTo(tokenizer.vocabularySize());
        assertThat(loaded.encode("The dog sat, a bird!").ids()).containsExactly(tokenizer.encode("The dog sat, a bird!").ids());
        assertThatThrownBy(() -> new CharLevelTokenizerFactory().create(TestResources.settings("char-level", Map.of("path", "tokenizer.json")),
                new TestPluginContext(folder)))
                .hasMessageContaining("word-level tokenizer, expected character-level");
    }

    @Test
    void factoryNamesTheTrainingFieldAndRefusesToCreateWithoutTexts() {
        WordLevelTokenizerFactory factory = new WordLevelTokenizerFactory();
        Config settings = TestResources.settings("word-level", Map.of("train-from", "sentence"));
        assertThat(factory.trainingField(settings)).contains("sentence");
        assertThat(factory.trainingField(TestResources.settings("word-level", Map.of("path", "x.json")))).isEmpty();
        assertThatThrownBy(() -> factory.create(settings, new TestPluginContext(Path.of("."))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sentence'")
                .hasMessageContaining("train(");
        assertThat(factory.train(settings, new TestPluginContext(Path.of(".")), TEXTS).vocabularySize()).isEqualTo(13);
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> VocabularyTokenizerSettings.from(TestResources.settings("word-level", Map.of("vocab-size", 3))))
                .hasMessageContaining("vocab-size").hasMessageContaining("3");
        assertThatThrownBy(() -> VocabularyTokenizerSettings.from(TestResources.settings("word-level", Map.of("max-length", -1))))
                .hasMessageContaining("max-length");
        assertThatThrownBy(() -> train("word-level", Map.of("max-length", 2)))
                .hasMessageContaining("max-length 2");
    }

    @Test
    void pluginContributesTheThreeFactories() {
        assertThat(new TokenizersPlugin().tokenizerFactories()).extracting(f -> f.name())
                .containsExactly("hf", "word-level", "char-level");
    }

    static VocabularyTokenizer train(String name, Map<String, ?> overrides) {
        VocabularyTokenizerFactory factory = name.equals("word-level") ? new WordLevelTokenizerFactory() : new CharLevelTokenizerFactory();
        return factory.train(TestResources.settings(name, overrides), new TestPluginContext(Path.of(".")), TEXTS);
    }
}
