package dev.trainer4j.plugins.tokenizers;

import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A word-level or char-level tokenizer saved as tokenizer.json and loaded by the Hugging Face library (through DJL)
 * gives the same tokens, ids, type ids, special-token masks, word ids, offsets and decoded text as the Java side, also
 * for texts split into words.
 */
class HuggingFaceRoundTripTest {
    private static final List<String> TRAINING = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Don't panic: the fox, the dog & the cat (all 3) are fine!",
            "Café déjà-vu? snake_case words, numbers 42 and 3.14...",
            "A new line\nand a\ttab.");
    private static final List<String> PROBES = List.of(
            "The quick brown fox!",
            "the LAZY zebra jumps over 42 cats?!",
            "Unknown: xylophone, quasar & déjà-vu...",
            "snake_case [MASK] don't",
            "",
            "tabs\tand\nnew lines  double  spaces",
            "émigré naïve 3.14159",
            "İstanbul ΟΔΟΣ 😀 emoji, the fox");
    private static final List<String> WORDS = List.of("The", "quick", "brown's", "😀fox", "jumps!");

    @Test
    void wordLevelGivesTheSameIdsInHuggingFace(@TempDir Path folder) {
        assertRoundTrip(new WordLevelTokenizerFactory(), Map.of(), folder);
    }

    @Test
    void wordLevelWithoutLowercaseOrSpecialTokens(@TempDir Path folder) {
        assertRoundTrip(new WordLevelTokenizerFactory(), Map.of("lowercase", false, "add-special-tokens", false), folder);
    }

    @Test
    void wordLevelWithACutVocabulary(@TempDir Path folder) {
        assertRoundTrip(new WordLevelTokenizerFactory(), Map.of("vocab-size", 12), folder);
    }

    @Test
    void charLevelGivesTheSameIdsInHuggingFace(@TempDir Path folder) {
        assertRoundTrip(new CharLevelTokenizerFactory(), Map.of(), folder);
    }

    @Test
    void charLevelWithoutLowercase(@TempDir Path folder) {
        assertRoundTrip(new CharLevelTokenizerFactory(), Map.of("lowercase", false), folder);
    }

    private static void assertRoundTrip(VocabularyTokenizerFactory factory, Map<String, ?> overrides, Path folder) {
        VocabularyTokenizer java = factory.train(TestResources.settings(factory.name(), overrides), new TestPluginContext(folder), TRAINING);
        Path file = folder.resolve("tokenizer.json");
        java.save(file);
        try (HuggingFaceJsonTokenizer huggingFace = HuggingFaceJsonTokenizer.load(file, 0, java.addSpecialTokens(), "")) {
            assertThat(huggingFace.vocabularySize()).isEqualTo(java.vocabularySize());
            assertThat(huggingFace.padTokenId()).isEqualTo(java.padTokenId());
            for (String probe : PROBES) {
                Encoding expected = huggingFace.encode(probe);
                Encoding actual = java.encode(probe);
                assertThat(actual.tokens()).as("tokens of '%s'", probe).containsExactly(expected.tokens());
                assertThat(actual.ids()).as("ids of '%s'", probe).containsExactly(expected.ids());
                assertThat(actual.typeIds()).as("type ids of '%s'", probe).containsExactly(expected.typeIds());
                assertThat(actual.specialTokensMask()).as("special tokens mask of '%s'", probe).containsExactly(expected.specialTokensMask());
                assertThat(actual.wordIds()).as("word ids of '%s'", probe).containsExactly(expected.wordIds());
                assertThat(actual.startOffsets()).as("start offsets of '%s'", probe).containsExactly(expected.startOffsets());
                assertThat(actual.endOffsets()).as("end offsets of '%s'", probe).containsExactly(expected.endOffsets());
                assertThat(java.decode(actual.ids(), true)).as("decoded '%s'", probe).isEqualTo(huggingFace.decode(expected.ids(), true));
            }
            Encoding expectedPair = huggingFace.encodePair(PROBES.get(0), PROBES.get(1));
            Encoding actualPair = java.encodePair(PROBES.get(0), PROBES.get(1));
            assertThat(actualPair.ids()).containsExactly(expectedPair.ids());
            assertThat(actualPair.typeIds()).containsExactly(expectedPair.typeIds());
            assertThat(actualPair.wordIds()).containsExactly(expectedPair.wordIds());
            Encoding expectedEmojiPair = huggingFace.encodePair(PROBES.get(7), PROBES.get(0));
            Encoding actualEmojiPair = java.encodePair(PROBES.get(7), PROBES.get(0));
            assertThat(actualEmojiPair.startOffsets()).containsExactly(expectedEmojiPair.startOffsets());
            assertThat(actualEmojiPair.endOffsets()).containsExactly(expectedEmojiPair.endOffsets());
            Encoding expectedWords = huggingFace.encodeWords(WORDS);
            Encoding actualWords = java.encodeWords(WORDS);
            assertThat(actualWords.ids()).containsExactly(expectedWords.ids());
            assertThat(actualWords.wordIds()).containsExactly(expectedWords.wordIds());
            assertThat(actualWords.startOffsets()).containsExactly(expectedWords.startOffsets());
            assertThat(actualWords.endOffsets()).containsExactly(expectedWords.endOffsets());
            assertUnknownsPresent(java);
        }
    }

    private static void assertUnknownsPresent(Tokenizer tokenizer) {
        // the probes must exercise the unknown token, or the comparison proves less than it claims
        boolean anyUnknown = PROBES.stream()
                .flatMapToInt(probe -> Arrays.stream(tokenizer.encode(probe).ids()))
                .anyMatch(id -> id == SpecialTokens.UNK_ID);
        assertThat(anyUnknown).isTrue();
    }
}
