package dev.trainer4j.plugins.tokenizers;

import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.EncodingOptions;
import dev.trainer4j.api.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            for (EncodingOptions options : List.of(
                    EncodingOptions.defaults().withPadding(EncodingOptions.Padding.LONGEST),
                    EncodingOptions.defaults().withPadding(EncodingOptions.Padding.LONGEST).withPadToMultipleOf(8),
                    EncodingOptions.defaults().withPadding(EncodingOptions.Padding.MAX_LENGTH).withMaxLength(16)
                            .withTruncation(EncodingOptions.Truncation.LONGEST_FIRST),
                    EncodingOptions.defaults().withTruncation(EncodingOptions.Truncation.ONLY_FIRST).withMaxLength(12))) {
                assertSameBatch(huggingFace.encodeBatch(PROBES, null, options), java.encodeBatch(PROBES, null, options), options);
                List<String> pairs = PROBES.stream().map(probe -> "the fox").toList();
                List<String> longFirsts = PROBES.stream().map(probe -> probe + " the quick brown fox jumps over").toList();
                assertSameBatch(huggingFace.encodeBatch(longFirsts, pairs, options), java.encodeBatch(longFirsts, pairs, options), options);
            }
            // only-second shortens the second text; the first text must leave it at least one token
            EncodingOptions onlySecond = EncodingOptions.defaults().withTruncation(EncodingOptions.Truncation.ONLY_SECOND).withMaxLength(12)
                    .withPadding(EncodingOptions.Padding.LONGEST);
            List<String> shortFirsts = PROBES.stream().map(probe -> "the fox").toList();
            List<String> longSeconds = PROBES.stream().map(probe -> probe + " the quick brown fox jumps over").toList();
            assertSameBatch(huggingFace.encodeBatch(shortFirsts, longSeconds, onlySecond), java.encodeBatch(shortFirsts, longSeconds, onlySecond), onlySecond);
            // what the Rust library cannot truncate is refused by both, with a message instead of a native abort
            for (Tokenizer tokenizer : List.<Tokenizer>of(huggingFace, java)) {
                assertThatThrownBy(() -> tokenizer.encodeBatch(List.of("the quick brown fox jumps over the lazy dog and the cat sat on the mat"), null, onlySecond))
                        .as(tokenizer.toString()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only-second");
                assertThatThrownBy(() -> tokenizer.encodeBatch(List.of("the fox"), List.of("the quick brown fox jumps over the lazy dog"),
                        onlySecond.withTruncation(EncodingOptions.Truncation.ONLY_FIRST)))
                        .as(tokenizer.toString()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max-length 12");
            }
            assertUnknownsPresent(java);
        }
    }

    private static void assertSameBatch(List<Encoding> expected, List<Encoding> actual, EncodingOptions options) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            String what = options + " #" + i;
            assertThat(actual.get(i).tokens()).as("tokens %s", what).containsExactly(expected.get(i).tokens());
            assertThat(actual.get(i).ids()).as("ids %s", what).containsExactly(expected.get(i).ids());
            assertThat(actual.get(i).attentionMask()).as("attention %s", what).containsExactly(expected.get(i).attentionMask());
            assertThat(actual.get(i).typeIds()).as("type ids %s", what).containsExactly(expected.get(i).typeIds());
            assertThat(actual.get(i).specialTokensMask()).as("special %s", what).containsExactly(expected.get(i).specialTokensMask());
            assertThat(actual.get(i).wordIds()).as("word ids %s", what).containsExactly(expected.get(i).wordIds());
            assertThat(actual.get(i).startOffsets()).as("starts %s", what).containsExactly(expected.get(i).startOffsets());
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
