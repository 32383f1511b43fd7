package dev.trainer4j.plugins.tokenizers;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A Hugging Face {@code tokenizer.json} (WordPiece, BPE, Unigram, ...) run by the Rust {@code tokenizers} library
 * through DJL. The native library comes from the DJL jar; DJL is kept offline ({@link DjlOfflineMode}). No padding
 * here (collators pad); truncation to {@code maxLength} when it is positive. Thread-safe.
 */
public final class HuggingFaceJsonTokenizer implements Tokenizer, AutoCloseable {
    static {
        DjlOfflineMode.ensure();
    }

    private final Path path;
    private final HuggingFaceTokenizer tokenizer;
    private final TokenizerJsonVocabulary vocabulary;
    private final int maxLength;
    private final boolean addSpecialTokens;
    private final int padTokenId;

    private HuggingFaceJsonTokenizer(Path path, HuggingFaceTokenizer tokenizer, TokenizerJsonVocabulary vocabulary,
            int maxLength, boolean addSpecialTokens, int padTokenId) {
        this.path = path;
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.maxLength = maxLength;
        this.addSpecialTokens = addSpecialTokens;
        this.padTokenId = padTokenId;
    }

    /**
     * Loads {@code tokenizer.json} (or a folder holding one).
     *
     * @param padToken the padding token, or empty to find it (tokenizer.json padding, tokenizer_config.json
     *        {@code pad_token}, then {@code [PAD]}, {@code <pad>}, else id 0)
     */
    public static HuggingFaceJsonTokenizer load(Path path, int maxLength, boolean addSpecialTokens, String padToken) {
        requireNonNull(path, "path is null");
        requireNonNull(padToken, "padToken is null");
        if (maxLength < 0) {
            throw new IllegalArgumentException("max-length must be 0 (no truncation) or positive, got " + maxLength);
        }
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("tokenizer file " + file + " does not exist (setting 'path')");
        }
        TokenizerJsonVocabulary vocabulary = TokenizerJsonVocabulary.read(file);
        int padTokenId = vocabulary.padTokenId(padToken);
        DjlOfflineMode.ensure();
        HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder()
                .optTokenizerPath(file)
                .optAddSpecialTokens(addSpecialTokens)
                .optPadding(false);
        if (maxLength > 0) {
            builder.optTruncation(true).optMaxLength(maxLength);
        }
        else {
            builder.optTruncation(false);
        }
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = builder.build();
        }
        catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load Hugging Face tokenizer " + file + ": " + e.getMessage(), e);
        }
        return new HuggingFaceJsonTokenizer(file, tokenizer, vocabulary, maxLength, addSpecialTokens, padTokenId);
    }

    @Override
    public Encoding encode(String text) {
        requireNonNull(text, "text is null");
        return convert(tokenizer.encode(text, addSpecialTokens, false));
    }

    @Override
    public Encoding encodePair(String text, String pair) {
        requireNonNull(text, "text is null");
        requireNonNull(pair, "pair is null");
        return convert(tokenizer.encode(text, pair, addSpecialTokens, false));
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts) {
        requireNonNull(texts, "texts is null");
        // the Rust library encodes a batch in parallel and returns the results in input order
        return Arrays.stream(tokenizer.batchEncode(texts, addSpecialTokens, false)).map(HuggingFaceJsonTokenizer::convert).toList();
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), skipSpecialTokens);
    }

    @Override
    public int vocabularySize() {
        return vocabulary.size();
    }

    @Override
    public int tokenToId(String token) {
        return vocabulary.id(token);
    }

    @Override
    public int padTokenId() {
        return padTokenId;
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    /** The ids of the tokens marked {@code special} in {@code added_tokens}. */
    public List<Integer> specialTokenIds() {
        return vocabulary.specialTokenIds();
    }

    /** Copies the loaded {@code tokenizer.json} unchanged. */
    @Override
    public void save(Path tokenizerJson) {
        requireNonNull(tokenizerJson, "tokenizerJson is null");
        try {
            Path parent = tokenizerJson.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.copy(path, tokenizerJson, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot copy tokenizer " + path + " to " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static Encoding convert(ai.djl.huggingface.tokenizers.Encoding encoding) {
        return new Encoding(toInts(encoding.getIds()), toInts(encoding.getAttentionMask()), toInts(encoding.getTypeIds()),
                toInts(encoding.getSpecialTokenMask()), encoding.getTokens());
    }

    private static int[] toInts(long[] values) {
        int[] result = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Math.toIntExact(values[i]);
        }
        return result;
    }

    @Override
    public String toString() {
        return "HuggingFaceJsonTokenizer[" + path + "]";
    }
}
