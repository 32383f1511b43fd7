package dev.trainer4j.plugins.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.EncodingOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code hf} tokenizer on the tokenizer.json that comes with all-MiniLM-L6-v2's weights (a BERT WordPiece,
 * uncased, from the model's jar on the class path) and on bert-base-uncased: word ids, offsets, texts split into
 * words, [UNK], decode clean-up, truncation and batch padding. Expected ids come from a WordPiece written in this test
 * over the file's own vocabulary; expected offsets are checked by slicing the text back.
 */
class BertTokenizerTest {
    private static final String MINILM = "all-minilm-l6-v2-tokenizer.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HuggingFaceJsonTokenizer minilm;
    private static HuggingFaceJsonTokenizer bert;
    private static HuggingFaceJsonTokenizer t5;
    private static Map<String, Integer> vocabulary;

    @BeforeAll
    static void load() throws Exception {
        TestPluginContext context = new TestPluginContext(TestResources.tokenizers());
        HuggingFaceTokenizerFactory factory = new HuggingFaceTokenizerFactory();
        minilm = (HuggingFaceJsonTokenizer) factory.create(TestResources.settings("hf", Map.of("path", "classpath:" + MINILM)), context);
        bert = (HuggingFaceJsonTokenizer) factory.create(TestResources.settings("hf", Map.of("path", "bert-base-uncased")), context);
        t5 = (HuggingFaceJsonTokenizer) factory.create(TestResources.settings("hf", Map.of("path", "t5-small")), context);
        try (InputStream in = BertTokenizerTest.class.getClassLoader().getResourceAsStream(MINILM)) {
            JsonNode vocab = JSON.readTree(in).path("model").path("vocab");
            vocabulary = new HashMap<>();
            vocab.fields().forEachRemaining(entry -> vocabulary.put(entry.getKey(), entry.getValue().asInt()));
        }
    }

    @AfterAll
    static void close() {
        minilm.close();
        bert.close();
        t5.close();
    }

    @Test
    void theModelsTokenizerLoadsFromTheClassPath() {
        assertThat(minilm.vocabularySize()).isEqualTo(30522);
        assertThat(minilm.padTokenId()).isEqualTo(vocabulary.get("[PAD]")).isZero();
        assertThat(minilm.tokenToId("[CLS]")).isEqualTo(101);
        assertThat(minilm.tokenToId("[SEP]")).isEqualTo(102);
        assertThat(minilm.maxLength()).isZero();
        assertThat(minilm.cleanUpTokenizationSpaces()).isTrue();
        assertThat(minilm.toString()).contains("classpath:" + MINILM);
    }

    @Test
    void aMissingResourceIsNamed() {
        assertThatThrownBy(() -> new HuggingFaceTokenizerFactory().create(TestResources.settings("hf", Map.of("path", "classpath:no/such-tokenizer.json")),
                new TestPluginContext(TestResources.tokenizers())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no/such-tokenizer.json")
                .hasMessageContaining("not on the class path");
    }

    /** [CLS] + greedy longest-match-first WordPiece of each lowercased word (punctuation split off) + [SEP]. */
    @Test
    void wordPieceMatchesAGreedyLongestMatchOverTheVocabulary() {
        List<String> sentences = List.of("unaffable", "The unaffable hedgehog, surprisingly, slept!",
                "Tokenizers split rarewords into pieces.", "Free entry in 2 a wkly comp to win FA Cup final tkts");
        for (String sentence : sentences) {
            List<Integer> expected = new ArrayList<>();
            expected.add(vocabulary.get("[CLS]"));
            for (String word : sentence.toLowerCase(Locale.ROOT).split("\\s+|(?=\\p{Punct})|(?<=\\p{Punct})")) {
                if (!word.isEmpty()) {
                    expected.addAll(greedyWordPiece(word));
                }
            }
            expected.add(vocabulary.get("[SEP]"));
            assertThat(minilm.encode(sentence).ids()).as(sentence).containsExactly(expected.stream().mapToInt(i -> i).toArray());
        }
        // the worked example: "unaffable" = una ##ffa ##ble (no longer prefix and no longer suffix is in the vocabulary)
        assertThat(minilm.encode("unaffable").tokens()).containsExactly("[CLS]", "una", "##ffa", "##ble", "[SEP]");
        assertThat(vocabulary).doesNotContainKeys("unaffable", "unaffabl", "unaffab", "unaffa", "unaff", "unaf", "##ffable", "##ffabl", "##ffab");
    }

    @Test
    void offsetsSliceTheTextBackIntoEachTokensSurfaceForm() {
        String text = "Héllo 😀 wörld: the UNAFFABLE hedgehog's 2 cups!";
        Encoding encoding = minilm.encode(text);
        for (int i = 0; i < encoding.length(); i++) {
            String surface = text.substring(encoding.startOffsets()[i], encoding.endOffsets()[i]);
            String token = encoding.tokens()[i];
            if (encoding.specialTokensMask()[i] == 1) {
                assertThat(surface).as(token).isEmpty();
            }
            else if (token.equals("[UNK]")) {
                assertThat(surface).isEqualTo("😀");
            }
            else {
                // BertNormalizer: lowercase and strip accents
                assertThat(stripAccents(surface.toLowerCase(Locale.ROOT))).as("token %d", i).isEqualTo(token.replaceFirst("^##", ""));
            }
        }
        assertThat(encoding.tokens()).containsExactly("[CLS]", "hello", "[UNK]", "world", ":", "the", "una", "##ffa", "##ble",
                "hedge", "##hog", "'", "s", "2", "cups", "!", "[SEP]");
        // word = one split of BertPreTokenizer (whitespace and each punctuation character)
        assertThat(encoding.wordIds()).containsExactly(-1, 0, 1, 2, 3, 4, 5, 5, 5, 6, 6, 7, 8, 9, 10, 11, -1);
        assertThat(encoding.startOffsets()[3]).isEqualTo(9);  // after "Héllo 😀 ": the emoji is two chars
    }

    @Test
    void pairOffsetsCountWithinEachText() {
        String first = "a 😀 b";
        String second = "😀 cd";
        Encoding encoding = minilm.encodePair(first, second);
        assertThat(encoding.tokens()).containsExactly("[CLS]", "a", "[UNK]", "b", "[SEP]", "[UNK]", "cd", "[SEP]");
        assertThat(encoding.typeIds()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1);
        assertThat(encoding.wordIds()).containsExactly(-1, 0, 1, 2, -1, 0, 1, -1);
        assertThat(slice(first, encoding, 1)).isEqualTo("a");
        assertThat(slice(first, encoding, 2)).isEqualTo("😀");
        assertThat(slice(first, encoding, 3)).isEqualTo("b");
        assertThat(slice(second, encoding, 5)).isEqualTo("😀");
        assertThat(slice(second, encoding, 6)).isEqualTo("cd");
    }

    @Test
    void wordsSplitByTheCallerKeepTheirIndex() {
        List<String> words = List.of("EU", "rejects", "German", "unaffable", "call!");
        Encoding encoding = minilm.encodeWords(words);
        assertThat(encoding.tokens()).containsExactly("[CLS]", "eu", "rejects", "german", "una", "##ffa", "##ble", "call", "!", "[SEP]");
        assertThat(encoding.wordIds()).containsExactly(-1, 0, 1, 2, 3, 3, 3, 4, 4, -1);
        for (int i = 1; i < encoding.length() - 1; i++) {
            String word = words.get(encoding.wordIds()[i]);
            String surface = word.substring(encoding.startOffsets()[i], encoding.endOffsets()[i]);
            assertThat(surface.toLowerCase(Locale.ROOT)).isEqualTo(encoding.tokens()[i].replaceFirst("^##", ""));
        }
    }

    @Test
    void unknownTokensAreReturnedAsHuggingFaceReturnsThem() {
        // WordPiece: the unk token's string; "😀" is not in the vocabulary
        assertThat(vocabulary).doesNotContainKey("😀");
        Encoding wordPiece = bert.encode("hi 😀");
        assertThat(wordPiece.tokens()).containsExactly("[CLS]", "hi", "[UNK]", "[SEP]");
        assertThat(wordPiece.ids()[2]).isEqualTo(bert.tokenToId("[UNK]")).isEqualTo(100);
        // Unigram (T5): the unknown piece keeps its text, its id is unk_id 2; "{" is not among T5's pieces
        Encoding unigram = t5.encode("{");
        int unknown = indexOf(unigram.ids(), 2);
        assertThat(unknown).isNotNegative();
        assertThat(unigram.tokens()[unknown]).isEqualTo("{");
        assertThat(t5.tokenToId("{")).isEqualTo(-1);
    }

    /** transformers' clean_up_tokenization applied after the WordPiece decoder (its own clean-up is per token). */
    @Test
    void decodeCleansUpTokenizationSpacesForWordPiece() {
        int[] ids = minilm.encode("do not know , i ' m here .").ids();
        assertThat(minilm.decode(ids, true)).isEqualTo("do not know, i'm here.");
        try (HuggingFaceJsonTokenizer raw = HuggingFaceJsonTokenizer.loadResource(MINILM, getClass().getClassLoader(),
                HuggingFaceTokenizerSettings.from(TestResources.settings("hf", Map.of("path", "classpath:" + MINILM,
                        "clean-up-tokenization-spaces", false))))) {
            assertThat(raw.cleanUpTokenizationSpaces()).isFalse();
            assertThat(raw.decode(ids, true)).isEqualTo("do not know, i ' m here.");
        }
        assertThat(minilm.decode(minilm.encode("It 's what they 've done , is n't it ?").ids(), true))
                .isEqualTo("it's what they've done, isn't it?");
    }

    @Test
    void idsOutsideTheVocabularyDecodeToNothingAsInHuggingFace() {
        assertThat(minilm.decode(new int[] {7592, 999_999, -5, 2088}, true)).isEqualTo("hello world");
    }

    @Test
    void byteLevelBpeCleansUpOnlyWhenAsked() {
        // roberta-base: byte-level BPE and a tokenizer_config.json without clean_up_tokenization_spaces, so off by default
        TokenizerJsonVocabulary roberta = TokenizerJsonVocabulary.read(TestResources.tokenizers().resolve("roberta-base/tokenizer.json"));
        assertThat(roberta.wordPiece()).isFalse();
        assertThat(roberta.configuredCleanUp()).isEmpty();
        try (HuggingFaceJsonTokenizer cleaning = (HuggingFaceJsonTokenizer) new HuggingFaceTokenizerFactory().create(TestResources.settings("hf",
                Map.of("path", "roberta-base", "clean-up-tokenization-spaces", "true")), new TestPluginContext(TestResources.tokenizers()))) {
            int[] ids = cleaning.encode("Hello , world ! I 'm here .").ids();
            assertThat(cleaning.decode(ids, true)).isEqualTo("Hello, world! I'm here.");
        }
    }

    @Test
    void theFilesOwnPaddingAndTruncationAreNotApplied() {
        // the file asks for truncation to 128 and padding to 128; HF's tokenizer(text) does neither unless asked
        assertThat(minilm.encode("hello world").ids()).containsExactly(101, 7592, 2088, 102);
        assertThat(minilm.encode("a ".repeat(300)).length()).isEqualTo(302);
    }

    @Test
    void truncatesAsBertExpects() {
        try (HuggingFaceJsonTokenizer truncating = (HuggingFaceJsonTokenizer) new HuggingFaceTokenizerFactory().create(
                TestResources.settings("hf", Map.of("path", "classpath:" + MINILM, "max-length", 8)), new TestPluginContext(TestResources.tokenizers()))) {
            Encoding encoding = truncating.encode("one two three four five six seven eight nine ten");
            assertThat(encoding.tokens()).containsExactly("[CLS]", "one", "two", "three", "four", "five", "six", "[SEP]");
            assertThat(truncating.maxLength()).isEqualTo(8);
            Encoding pair = truncating.encodePair("one two", "three four five six seven");
            // longest-first: [CLS] one two [SEP] three four five [SEP]
            assertThat(pair.tokens()).containsExactly("[CLS]", "one", "two", "[SEP]", "three", "four", "five", "[SEP]");
            assertThat(truncating.encodeWords(List.of("a", "b", "c", "d", "e", "f", "g", "h")).wordIds()).containsExactly(-1, 0, 1, 2, 3, 4, 5, -1);
        }
    }

    @Test
    void batchEncodePadsAndTruncatesAsTokenizerCallDoes() {
        List<String> texts = List.of("one two three", "one");
        List<Encoding> longest = minilm.encodeBatch(texts, null, EncodingOptions.defaults().withPadding(EncodingOptions.Padding.LONGEST));
        assertThat(longest.get(0).ids()).containsExactly(101, vocabulary.get("one"), vocabulary.get("two"), vocabulary.get("three"), 102);
        assertThat(longest.get(1).ids()).containsExactly(101, vocabulary.get("one"), 102, 0, 0);
        assertThat(longest.get(1).attentionMask()).containsExactly(1, 1, 1, 0, 0);
        assertThat(longest.get(1).tokens()).containsExactly("[CLS]", "one", "[SEP]", "[PAD]", "[PAD]");
        assertThat(longest.get(1).wordIds()).containsExactly(-1, 0, -1, -1, -1);

        List<Encoding> fixed = minilm.encodeBatch(texts, null, EncodingOptions.defaults().withPadding(EncodingOptions.Padding.MAX_LENGTH)
                .withTruncation(EncodingOptions.Truncation.LONGEST_FIRST).withMaxLength(4));
        assertThat(fixed.get(0).tokens()).containsExactly("[CLS]", "one", "two", "[SEP]");
        assertThat(fixed.get(1).tokens()).containsExactly("[CLS]", "one", "[SEP]", "[PAD]");

        List<Encoding> multiple = minilm.encodeBatch(texts, null, EncodingOptions.defaults().withPadding(EncodingOptions.Padding.LONGEST).withPadToMultipleOf(8));
        assertThat(multiple).allSatisfy(encoding -> assertThat(encoding.length()).isEqualTo(8));

        List<Encoding> pairs = minilm.encodeBatch(List.of("one two three four", "one"), List.of("five six", "two"),
                EncodingOptions.defaults().withPadding(EncodingOptions.Padding.LONGEST).withTruncation(EncodingOptions.Truncation.ONLY_FIRST).withMaxLength(7));
        assertThat(pairs.get(0).tokens()).containsExactly("[CLS]", "one", "two", "[SEP]", "five", "six", "[SEP]");
        assertThat(pairs.get(0).typeIds()).containsExactly(0, 0, 0, 0, 1, 1, 1);
        assertThat(pairs.get(1).tokens()).containsExactly("[CLS]", "one", "[SEP]", "two", "[SEP]", "[PAD]", "[PAD]");
        assertThat(pairs.get(1).attentionMask()).containsExactly(1, 1, 1, 1, 1, 0, 0);
        assertThat(pairs.get(1).typeIds()).containsExactly(0, 0, 0, 1, 1, 0, 0);

        List<Encoding> plain = minilm.encodeBatch(texts, null, EncodingOptions.defaults().withAddSpecialTokens(false));
        assertThat(plain.get(1).ids()).containsExactly(vocabulary.get("one"));
        assertThatThrownBy(() -> minilm.encodeBatch(texts, null, EncodingOptions.defaults().withPadding(EncodingOptions.Padding.MAX_LENGTH)))
                .hasMessageContaining("needs a max-length");
        assertThatThrownBy(() -> minilm.encodeBatch(texts, List.of("x"), EncodingOptions.defaults()))
                .hasMessageContaining("2 texts but 1 pairs");
    }

    @Test
    void savesTheResourceUnchanged(@TempDir Path folder) throws Exception {
        Path saved = folder.resolve("tokenizer.json");
        minilm.save(saved);
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(MINILM)) {
            assertThat(Files.readAllBytes(saved)).isEqualTo(in.readAllBytes());
        }
    }

    @Test
    void badSettingsAreNamed() {
        TestPluginContext context = new TestPluginContext(TestResources.tokenizers());
        assertThatThrownBy(() -> new HuggingFaceTokenizerFactory().create(TestResources.settings("hf",
                Map.of("path", "bert-base-uncased", "truncation", "sideways")), context))
                .hasMessageContaining("truncation 'sideways'").hasMessageContaining("only-second");
        assertThatThrownBy(() -> new HuggingFaceTokenizerFactory().create(TestResources.settings("hf",
                Map.of("path", "bert-base-uncased", "clean-up-tokenization-spaces", "maybe")), context))
                .hasMessageContaining("clean-up-tokenization-spaces 'maybe'");
        // [CLS] and [SEP] alone fill max-length 2: refused at load instead of failing on every text
        assertThatThrownBy(() -> new HuggingFaceTokenizerFactory().create(TestResources.settings("hf",
                Map.of("path", "bert-base-uncased", "max-length", 2)), context))
                .hasMessageContaining("max-length 2 leaves no room").hasMessageContaining("at least 3");
    }

    private static List<Integer> greedyWordPiece(String word) {
        List<Integer> pieces = new ArrayList<>();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            Integer found = null;
            while (end > start) {
                String candidate = (start == 0 ? "" : "##") + word.substring(start, end);
                found = vocabulary.get(candidate);
                if (found != null) {
                    break;
                }
                end--;
            }
            if (found == null) {
                return List.of(vocabulary.get("[UNK]"));
            }
            pieces.add(found);
            start = end;
        }
        return pieces;
    }

    private static String stripAccents(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{Mn}", "");
    }

    private static String slice(String text, Encoding encoding, int token) {
        return text.substring(encoding.startOffsets()[token], encoding.endOffsets()[token]);
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
