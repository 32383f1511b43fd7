package dev.trainer4j.plugins.tokenizers;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.util.PairList;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.EncodingOptions;
import dev.trainer4j.api.Tokenizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A Hugging Face {@code tokenizer.json} (WordPiece, BPE, Unigram, ...) run by the Rust {@code tokenizers} library
 * through DJL. The native library comes from the DJL jar; DJL is kept offline ({@link DjlOfflineMode}).
 *
 * <p>As HF's {@code tokenizer(text)}: the file's own {@code truncation} and {@code padding} blocks are ignored; encodings
 * are truncated to {@code maxLength} when it is positive (by the truncation strategy) and not padded (collators pad;
 * {@link #encodeBatch(List, List, EncodingOptions)} pads when asked). Encodings carry word ids and character offsets
 * ({@code char} indices of the encoded text). Decoding applies transformers' {@code clean_up_tokenization} when
 * {@code cleanUpTokenizationSpaces}. Thread-safe.
 */
public final class HuggingFaceJsonTokenizer implements Tokenizer, AutoCloseable {
    static {
        DjlOfflineMode.ensure();
    }

    private final String source;
    private final byte[] json;
    private final TokenizerJsonVocabulary vocabulary;
    private final int maxLength;
    private final EncodingOptions.Truncation truncation;
    private final boolean addSpecialTokens;
    private final int padTokenId;
    private final boolean cleanUpTokenizationSpaces;
    private final HuggingFaceTokenizer tokenizer;
    /** No truncation or padding (the {@link #tokenizer} itself when it does not truncate): the lengths {@link #checkTruncation} needs. */
    private final HuggingFaceTokenizer untruncated;
    /** How many special tokens the post-processor adds to a single text and to a pair. */
    private final int singleSpecials;
    private final int pairSpecials;
    /** DJL tokenizers for the options {@link #encodeBatch(List, List, EncodingOptions)} was called with. */
    private final Map<EncodingOptions, HuggingFaceTokenizer> byOptions = new HashMap<>();
    private boolean closed;

    private HuggingFaceJsonTokenizer(String source, byte[] json, TokenizerJsonVocabulary vocabulary, int maxLength,
            EncodingOptions.Truncation truncation, boolean addSpecialTokens, int padTokenId, boolean cleanUpTokenizationSpaces) {
        this.source = source;
        this.json = json;
        this.vocabulary = vocabulary;
        this.maxLength = maxLength;
        this.truncation = truncation;
        this.addSpecialTokens = addSpecialTokens;
        this.padTokenId = padTokenId;
        this.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
        this.tokenizer = build(new EncodingOptions(EncodingOptions.Padding.NONE, maxLength > 0 ? truncation : EncodingOptions.Truncation.NONE,
                maxLength, 0, addSpecialTokens));
        HuggingFaceTokenizer lengths = tokenizer;
        if (maxLength > 0 && truncation != EncodingOptions.Truncation.NONE) {
            try {
                lengths = build(EncodingOptions.defaults());
            }
            catch (RuntimeException e) {
                tokenizer.close();
                throw e;
            }
        }
        this.untruncated = lengths;
        this.singleSpecials = lengths.encode("", true, false).getIds().length - lengths.encode("", false, false).getIds().length;
        this.pairSpecials = lengths.encode("", "", true, false).getIds().length - lengths.encode("", "", false, false).getIds().length;
        if (maxLength > 0 && truncation != EncodingOptions.Truncation.NONE && addSpecialTokens && maxLength <= singleSpecials) {
            close();
            throw new IllegalArgumentException("max-length " + maxLength + " leaves no room for text between the "
                    + singleSpecials + " special tokens of " + source + "; use 0 or at least " + (singleSpecials + 1));
        }
    }

    /**
     * Loads {@code tokenizer.json} (or a folder holding one) with longest-first truncation and clean-up as the file's
     * {@code tokenizer_config.json} or its model says.
     *
     * @param padToken the padding token, or empty to find it (tokenizer.json padding, tokenizer_config.json
     *        {@code pad_token}, then {@code [PAD]}, {@code <pad>}, else id 0)
     */
    public static HuggingFaceJsonTokenizer load(Path path, int maxLength, boolean addSpecialTokens, String padToken) {
        return load(path, new HuggingFaceTokenizerSettings(path.toString(), maxLength, EncodingOptions.Truncation.LONGEST_FIRST,
                addSpecialTokens, padToken, Optional.empty()));
    }

    /** Loads {@code tokenizer.json} (or a folder holding one) with {@code settings} (whose path is not used). */
    public static HuggingFaceJsonTokenizer load(Path path, HuggingFaceTokenizerSettings settings) {
        requireNonNull(path, "path is null");
        requireNonNull(settings, "settings is null");
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("tokenizer file " + file + " does not exist (setting 'path')");
        }
        return create(file.toString(), TokenizerJsonVocabulary.readBytes(file), TokenizerJsonVocabulary.read(file), settings);
    }

    /**
     * Loads a {@code tokenizer.json} from the class path (e.g. the one in the jar of a pretrained model).
     *
     * @param resource the resource name, e.g. {@code all-minilm-l6-v2-tokenizer.json}
     */
    public static HuggingFaceJsonTokenizer loadResource(String resource, ClassLoader loader, HuggingFaceTokenizerSettings settings) {
        requireNonNull(resource, "resource is null");
        requireNonNull(loader, "loader is null");
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        byte[] bytes;
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("tokenizer resource '" + name + "' is not on the class path (setting 'path' = "
                        + HuggingFaceTokenizerSettings.CLASSPATH_PREFIX + name + "); add the jar that holds it to the run's dependencies");
            }
            bytes = in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer resource " + name + ": " + e.getMessage(), e);
        }
        String source = HuggingFaceTokenizerSettings.CLASSPATH_PREFIX + name;
        return create(source, bytes, TokenizerJsonVocabulary.read(source, bytes, null), settings);
    }

    private static HuggingFaceJsonTokenizer create(String source, byte[] json, TokenizerJsonVocabulary vocabulary,
            HuggingFaceTokenizerSettings settings) {
        int padTokenId = vocabulary.padTokenId(settings.padToken());
        boolean cleanUp = settings.cleanUpTokenizationSpaces().or(vocabulary::configuredCleanUp).orElse(vocabulary.wordPiece());
        return new HuggingFaceJsonTokenizer(source, json, vocabulary, settings.maxLength(), settings.truncation(),
                settings.addSpecialTokens(), padTokenId, cleanUp);
    }

    private HuggingFaceTokenizer build(EncodingOptions options) {
        Map<String, String> djl = new HashMap<>();
        djl.put("addSpecialTokens", Boolean.toString(options.addSpecialTokens()));
        boolean truncate = options.truncation() != EncodingOptions.Truncation.NONE;
        djl.put("truncation", truncate ? options.truncation().name() : "false");
        djl.put("padding", switch (options.padding()) {
            case NONE -> "false";
            case LONGEST -> "true";
            case MAX_LENGTH -> "MAX_LENGTH";
        });
        if (options.maxLength() > 0) {
            djl.put("maxLength", Integer.toString(options.maxLength()));
        }
        if (options.padToMultipleOf() > 0) {
            djl.put("padToMultipleOf", Integer.toString(options.padToMultipleOf()));
        }
        DjlOfflineMode.ensure();
        try {
            return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), djl);
        }
        catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load Hugging Face tokenizer " + source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Encoding encode(String text) {
        requireNonNull(text, "text is null");
        checkTruncation(List.of(text), null, configuredOptions());
        return convert(tokenizer.encode(text, addSpecialTokens, false), text, null);
    }

    @Override
    public Encoding encodePair(String text, String pair) {
        requireNonNull(text, "text is null");
        requireNonNull(pair, "pair is null");
        checkTruncation(List.of(text), List.of(pair), configuredOptions());
        return convert(tokenizer.encode(text, pair, addSpecialTokens, false), text, pair);
    }

    @Override
    public Encoding encodeWords(List<String> words) {
        requireNonNull(words, "words is null");
        if (configuredOptions().truncation() == EncodingOptions.Truncation.ONLY_SECOND && maxLength > 0
                && untruncated.encode(words.toArray(String[]::new), addSpecialTokens, false).getIds().length > maxLength) {
            throw new IllegalArgumentException("truncation only-second cannot shorten a single text (" + words.size()
                    + " words) to max-length " + maxLength + "; use longest-first or only-first");
        }
        return convertWords(tokenizer.encode(words.toArray(String[]::new), addSpecialTokens, false), words);
    }

    @Override
    public List<Encoding> encodeBatch(List<String> texts) {
        requireNonNull(texts, "texts is null");
        checkTruncation(texts, null, configuredOptions());
        // the Rust library encodes a batch in parallel and returns the results in input order
        return convertAll(tokenizer.batchEncode(texts, addSpecialTokens, false), texts, null);
    }

    /**
     * As HF's {@code tokenizer(texts, text_pair=pairs, padding=..., truncation=..., max_length=...)}; options whose
     * {@code maxLength} is 0 take this tokenizer's {@link #maxLength()}.
     */
    @Override
    public List<Encoding> encodeBatch(List<String> texts, List<String> pairs, EncodingOptions options) {
        requireNonNull(texts, "texts is null");
        requireNonNull(options, "options is null");
        EncodingOptions resolved = options.maxLength() == 0 ? options.withMaxLength(maxLength) : options;
        if (resolved.padding() == EncodingOptions.Padding.MAX_LENGTH && resolved.maxLength() == 0) {
            throw new IllegalArgumentException("padding to max-length needs a max-length: give one in the options or the"
                    + " tokenizer's max-length setting");
        }
        if (resolved.maxLength() == 0 && resolved.truncation() != EncodingOptions.Truncation.NONE) {
            resolved = resolved.withTruncation(EncodingOptions.Truncation.NONE);
        }
        if (pairs != null && pairs.size() != texts.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + pairs.size() + " pairs; give one pair per text");
        }
        checkTruncation(texts, pairs, resolved);
        HuggingFaceTokenizer configured = tokenizerFor(resolved);
        if (pairs == null) {
            return convertAll(configured.batchEncode(texts, resolved.addSpecialTokens(), false), texts, null);
        }
        return convertAll(configured.batchEncode(new PairList<>(texts, pairs), resolved.addSpecialTokens(), false), texts, pairs);
    }

    private EncodingOptions configuredOptions() {
        return new EncodingOptions(EncodingOptions.Padding.NONE, maxLength > 0 ? truncation : EncodingOptions.Truncation.NONE,
                maxLength, 0, addSpecialTokens);
    }

    /**
     * Refuses, with a message, the truncations the Rust library cannot do (it would abort the JVM from inside DJL's
     * batch calls): a max-length that leaves no room beside the special tokens, and only-first/only-second when
     * the text they may shorten is not long enough (or, for only-second, missing).
     */
    private void checkTruncation(List<String> texts, List<String> pairs, EncodingOptions options) {
        int limit = options.maxLength();
        if (limit == 0 || options.truncation() == EncodingOptions.Truncation.NONE) {
            return;
        }
        int specials = options.addSpecialTokens() ? (pairs == null ? singleSpecials : pairSpecials) : 0;
        if (limit < specials) {
            throw new IllegalArgumentException("max-length " + limit + " is shorter than the " + specials
                    + " special tokens " + source + " adds" + (pairs == null ? "" : " to a pair"));
        }
        if (options.truncation() == EncodingOptions.Truncation.LONGEST_FIRST) {
            return;
        }
        ai.djl.huggingface.tokenizers.Encoding[] first = untruncated.batchEncode(texts, false, false);
        ai.djl.huggingface.tokenizers.Encoding[] second = pairs == null ? null : untruncated.batchEncode(pairs, false, false);
        boolean onlyFirst = options.truncation() == EncodingOptions.Truncation.ONLY_FIRST;
        for (int i = 0; i < first.length; i++) {
            int a = first[i].getIds().length;
            int b = second == null ? 0 : second[i].getIds().length;
            int remove = a + b + specials - limit;
            if (remove <= 0) {
                continue;
            }
            if (!onlyFirst && second == null) {
                throw new IllegalArgumentException("truncation only-second cannot shorten text " + i + " (" + (a + specials)
                        + " tokens) to max-length " + limit + ": it has no pair; use longest-first or only-first");
            }
            int target = onlyFirst ? a : b;
            if (target <= remove) {
                throw new IllegalArgumentException("truncation " + (onlyFirst ? "only-first" : "only-second") + " cannot fit pair "
                        + i + " into max-length " + limit + ": its " + (onlyFirst ? "first" : "second") + " text has " + target
                        + " tokens but " + remove + " must go; use longest-first or a larger max-length");
            }
        }
    }

    private synchronized HuggingFaceTokenizer tokenizerFor(EncodingOptions options) {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        // the special-token flag is given per call, so it does not need its own instance
        return byOptions.computeIfAbsent(options.withAddSpecialTokens(true), this::build);
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        requireNonNull(ids, "ids is null");
        String text = tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), skipSpecialTokens);
        return cleanUpTokenizationSpaces ? TokenizationSpaces.cleanUp(text) : text;
    }

    /** Whether {@link #decode} applies transformers' {@code clean_up_tokenization}. */
    public boolean cleanUpTokenizationSpaces() {
        return cleanUpTokenizationSpaces;
    }

    /** The largest id plus one, added tokens included: the embedding rows a model needs for this tokenizer. */
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

    /** The truncation length, or 0 when the tokenizer does not truncate (max-length 0 or truncation none). */
    @Override
    public int maxLength() {
        return truncation == EncodingOptions.Truncation.NONE ? 0 : maxLength;
    }

    /** The truncation strategy applied beyond {@link #maxLength()}. */
    public EncodingOptions.Truncation truncation() {
        return truncation;
    }

    /** The ids of the tokens marked {@code special} in {@code added_tokens}. */
    public List<Integer> specialTokenIds() {
        return vocabulary.specialTokenIds();
    }

    /** Writes the loaded {@code tokenizer.json} unchanged. */
    @Override
    public void save(Path tokenizerJson) {
        requireNonNull(tokenizerJson, "tokenizerJson is null");
        try {
            Path parent = tokenizerJson.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(tokenizerJson, json);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write tokenizer " + source + " to " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            tokenizer.close();
            if (untruncated != tokenizer) {
                untruncated.close();
            }
            byOptions.values().forEach(HuggingFaceTokenizer::close);
            byOptions.clear();
        }
    }

    private static List<Encoding> convertAll(ai.djl.huggingface.tokenizers.Encoding[] encodings, List<String> texts, List<String> pairs) {
        List<Encoding> result = new ArrayList<>(encodings.length);
        for (int i = 0; i < encodings.length; i++) {
            result.add(convert(encodings[i], texts.get(i), pairs == null ? null : pairs.get(i)));
        }
        return result;
    }

    /**
     * Converts a DJL encoding of {@code text} (and {@code pair}); the Rust offsets count code points, which are
     * turned into {@code char} indices of the text each token came from.
     */
    private static Encoding convert(ai.djl.huggingface.tokenizers.Encoding encoding, String text, String pair) {
        CharacterOffsets first = CharacterOffsets.of(text);
        CharacterOffsets second = pair == null ? first : CharacterOffsets.of(pair);
        CharSpan[] spans = encoding.getCharTokenSpans();
        long[] special = encoding.getSpecialTokenMask();
        int length = spans.length;
        int[] starts = new int[length];
        int[] ends = new int[length];
        long[] wordIds = encoding.getWordIds();
        long[] typeIds = encoding.getTypeIds();
        // DJL does not return sequence ids: a pair's second text starts at the first ordinary token after a separator
        // (a special token after the first text's tokens), of another type id, or whose word restarts the count
        boolean inFirst = true;
        int previous = -1;
        boolean separated = false;
        for (int i = 0; i < length; i++) {
            if (special[i] != 0 || spans[i] == null) {
                separated |= previous >= 0;
                continue;
            }
            if (pair != null && inFirst && previous >= 0 && (separated || typeIds[i] != typeIds[previous]
                    || wordIds[i] < wordIds[previous] || (wordIds[i] == wordIds[previous] && spans[i].getStart() < spans[previous].getEnd()))) {
                inFirst = false;
            }
            previous = i;
            CharacterOffsets offsets = inFirst ? first : second;
            starts[i] = offsets.toCharIndex(spans[i].getStart());
            ends[i] = offsets.toCharIndex(spans[i].getEnd());
        }
        return build(encoding, starts, ends);
    }

    /** Converts a DJL encoding of words; each token's offsets count within its own word. */
    private static Encoding convertWords(ai.djl.huggingface.tokenizers.Encoding encoding, List<String> words) {
        CharSpan[] spans = encoding.getCharTokenSpans();
        long[] wordIds = encoding.getWordIds();
        int length = spans.length;
        int[] starts = new int[length];
        int[] ends = new int[length];
        for (int i = 0; i < length; i++) {
            if (spans[i] == null || wordIds[i] < 0 || encoding.getSpecialTokenMask()[i] != 0) {
                continue;
            }
            CharacterOffsets offsets = CharacterOffsets.of(words.get(Math.toIntExact(wordIds[i])));
            starts[i] = offsets.toCharIndex(spans[i].getStart());
            ends[i] = offsets.toCharIndex(spans[i].getEnd());
        }
        return build(encoding, starts, ends);
    }

    private static Encoding build(ai.djl.huggingface.tokenizers.Encoding encoding, int[] starts, int[] ends) {
        int[] specialMask = toInts(encoding.getSpecialTokenMask());
        int[] wordIds = toInts(encoding.getWordIds());
        for (int i = 0; i < wordIds.length; i++) {
            if (specialMask[i] != 0 || wordIds[i] < 0) {
                wordIds[i] = Encoding.NO_WORD;
            }
        }
        return new Encoding(toInts(encoding.getIds()), toInts(encoding.getAttentionMask()), toInts(encoding.getTypeIds()),
                specialMask, encoding.getTokens(), wordIds, starts, ends);
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
        return "HuggingFaceJsonTokenizer[" + source + "]";
    }
}
