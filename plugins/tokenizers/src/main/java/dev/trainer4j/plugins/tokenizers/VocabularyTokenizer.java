package dev.trainer4j.plugins.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.EncodingOptions;
import dev.trainer4j.api.Tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A word- or character-level tokenizer over a {@link Vocabulary} it learned from data. Unknown tokens become
 * {@code [UNK]}; with special tokens on, an encoding is {@code [CLS] tokens [SEP]} (pairs:
 * {@code [CLS] a [SEP] b [SEP]}, type id 1 for the second part). Truncation to {@code maxLength} counts the special
 * tokens. It saves as a Hugging Face {@code tokenizer.json} (model {@code WordLevel}) that the Hugging Face library
 * loads and encodes to the same ids. Immutable and thread-safe.
 */
public final class VocabularyTokenizer implements Tokenizer {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** HF's Split pattern that isolates every character (matches newlines too, unlike {@code .}). */
    static final String CHARACTER_SPLIT_REGEX = "[\\s\\S]";

    private final Vocabulary vocabulary;
    private final TextSplitter splitter;
    private final int maxLength;
    private final boolean addSpecialTokens;

    public VocabularyTokenizer(Vocabulary vocabulary, Granularity granularity, boolean lowercase, int maxLength,
            boolean addSpecialTokens) {
        this.vocabulary = requireNonNull(vocabulary, "vocabulary is null");
        this.splitter = new TextSplitter(granularity, lowercase);
        if (maxLength < 0) {
            throw new IllegalArgumentException("max-length must be 0 (no truncation) or positive, got " + maxLength);
        }
        if (addSpecialTokens && maxLength > 0 && maxLength < 3) {
            throw new IllegalArgumentException("max-length " + maxLength + " leaves no room for text between [CLS] and [SEP]; use 0 or at least 3");
        }
        this.maxLength = maxLength;
        this.addSpecialTokens = addSpecialTokens;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public Granularity granularity() {
        return splitter.granularity();
    }

    public boolean lowercase() {
        return splitter.lowercase();
    }

    public boolean addSpecialTokens() {
        return addSpecialTokens;
    }

    /** The token strings of {@code text} before id lookup and special tokens. */
    public List<String> tokenize(String text) {
        return splitter.split(text).stream().map(TextSplitter.Piece::token).toList();
    }

    @Override
    public Encoding encode(String text) {
        return encode(splitter.split(text), null, maxLength, EncodingOptions.Truncation.LONGEST_FIRST, addSpecialTokens);
    }

    /** Each word is split on its own; word ids index {@code words} and offsets count within each word. */
    @Override
    public Encoding encodeWords(List<String> words) {
        return encode(splitter.splitWords(words), null, maxLength, EncodingOptions.Truncation.LONGEST_FIRST, addSpecialTokens);
    }

    @Override
    public Encoding encodePair(String text, String pair) {
        return encode(splitter.split(text), splitter.split(pair), maxLength, EncodingOptions.Truncation.LONGEST_FIRST, addSpecialTokens);
    }

    /**
     * As HF's {@code tokenizer(texts, text_pair=pairs, padding=..., truncation=..., max_length=...)} on this
     * tokenizer's {@code tokenizer.json}; options whose {@code maxLength} is 0 take this tokenizer's max-length.
     * Padding appends {@code [PAD]} (attention mask 0, special-tokens mask 1, word id -1, offsets 0).
     */
    @Override
    public List<Encoding> encodeBatch(List<String> texts, List<String> pairs, EncodingOptions options) {
        requireNonNull(texts, "texts is null");
        requireNonNull(options, "options is null");
        if (pairs != null && pairs.size() != texts.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + pairs.size() + " pairs; give one pair per text");
        }
        int limit = options.maxLength() == 0 ? maxLength : options.maxLength();
        if (options.padding() == EncodingOptions.Padding.MAX_LENGTH && limit == 0) {
            throw new IllegalArgumentException("padding to max-length needs a max-length: give one in the options or the"
                    + " tokenizer's max-length setting");
        }
        List<Encoding> encodings = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            encodings.add(encode(splitter.split(texts.get(i)), pairs == null ? null : splitter.split(pairs.get(i)),
                    options.truncation() == EncodingOptions.Truncation.NONE ? 0 : limit, options.truncation(), options.addSpecialTokens()));
        }
        int length = switch (options.padding()) {
            case NONE -> -1;
            case LONGEST -> encodings.stream().mapToInt(Encoding::length).max().orElse(0);
            case MAX_LENGTH -> Math.max(limit, encodings.stream().mapToInt(Encoding::length).max().orElse(0));
        };
        if (length < 0) {
            return encodings;
        }
        if (options.padToMultipleOf() > 0 && length % options.padToMultipleOf() != 0) {
            length += options.padToMultipleOf() - length % options.padToMultipleOf();
        }
        List<Encoding> padded = new ArrayList<>(encodings.size());
        for (Encoding encoding : encodings) {
            padded.add(pad(encoding, length));
        }
        return padded;
    }

    private Encoding encode(List<TextSplitter.Piece> first, List<TextSplitter.Piece> second, int limit,
            EncodingOptions.Truncation truncation, boolean withSpecialTokens) {
        int specials = withSpecialTokens ? (second == null ? 2 : 3) : 0;
        int budget = limit == 0 ? Integer.MAX_VALUE : limit - specials;
        if (budget < 0) {
            throw new IllegalArgumentException("max-length " + limit + " leaves no room for the " + specials + " special tokens");
        }
        int secondSize = second == null ? 0 : second.size();
        if (first.size() + secondSize > budget) {
            if (second == null && truncation == EncodingOptions.Truncation.ONLY_SECOND) {
                throw new IllegalArgumentException("truncation only-second cannot shorten a single text (" + (first.size() + specials)
                        + " tokens) to max-length " + limit + ": it has no pair; use longest-first or only-first");
            }
            if (second == null) {
                first = first.subList(0, budget);
            }
            else if (truncation == EncodingOptions.Truncation.ONLY_FIRST || truncation == EncodingOptions.Truncation.ONLY_SECOND) {
                boolean cutFirst = truncation == EncodingOptions.Truncation.ONLY_FIRST;
                int keep = budget - (cutFirst ? second.size() : first.size());
                if (keep <= 0) {
                    // as HF's tokenizers library: the truncated text must keep at least one token
                    throw new IllegalArgumentException("truncation " + truncation + " cannot fit the pair into max-length " + limit
                            + ": the other text alone has " + (cutFirst ? second.size() : first.size()) + " tokens");
                }
                first = cutFirst ? first.subList(0, keep) : first;
                second = cutFirst ? second : second.subList(0, keep);
            }
            else {
                // HF's longest-first: the shorter part keeps up to half the budget, the longer part gets the rest
                boolean firstIsShorter = first.size() <= second.size();
                int shorter = Math.min(firstIsShorter ? first.size() : second.size(), budget / 2);
                int longer = budget - shorter;
                first = first.subList(0, firstIsShorter ? shorter : longer);
                second = second.subList(0, firstIsShorter ? longer : shorter);
            }
        }
        EncodingBuilder builder = new EncodingBuilder(first.size() + secondSize + specials);
        if (withSpecialTokens) {
            builder.addSpecial(SpecialTokens.CLS_ID, 0);
        }
        builder.addPieces(first, 0);
        if (withSpecialTokens) {
            builder.addSpecial(SpecialTokens.SEP_ID, 0);
        }
        if (second != null) {
            builder.addPieces(second, 1);
            if (withSpecialTokens) {
                builder.addSpecial(SpecialTokens.SEP_ID, 1);
            }
        }
        return builder.build();
    }

    private Encoding pad(Encoding encoding, int length) {
        int extra = length - encoding.length();
        if (extra <= 0) {
            return encoding;
        }
        String[] tokens = Arrays.copyOf(encoding.tokens(), length);
        Arrays.fill(tokens, encoding.length(), length, vocabulary.token(SpecialTokens.PAD_ID));
        return new Encoding(padded(encoding.ids(), length, SpecialTokens.PAD_ID), padded(encoding.attentionMask(), length, 0),
                padded(encoding.typeIds(), length, 0), padded(encoding.specialTokensMask(), length, 1), tokens,
                padded(encoding.wordIds(), length, Encoding.NO_WORD), padded(encoding.startOffsets(), length, 0),
                padded(encoding.endOffsets(), length, 0));
    }

    private static int[] padded(int[] values, int length, int value) {
        int[] result = Arrays.copyOf(values, length);
        Arrays.fill(result, values.length, length, value);
        return result;
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            if (skipSpecialTokens && SpecialTokens.isSpecial(id)) {
                continue;
            }
            tokens.add(vocabulary.token(id));
        }
        return splitter.granularity().join(tokens);
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
        return SpecialTokens.PAD_ID;
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    /**
     * Writes a Hugging Face {@code tokenizer.json}: model {@code WordLevel} with {@code unk_token}, normalizer
     * {@code Lowercase} (or none), pre-tokenizer {@code Whitespace} (word) or {@code Split} per character, post-processor
     * {@code TemplateProcessing} for [CLS]/[SEP], padding and truncation null.
     */
    @Override
    public void save(Path tokenizerJson) {
        requireNonNull(tokenizerJson, "tokenizerJson is null");
        try {
            Path parent = tokenizerJson.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writerWithDefaultPrettyPrinter().writeValue(tokenizerJson.toFile(), toJson());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write tokenizer to " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 0; id < SpecialTokens.ALL.size(); id++) {
            added.addObject()
                    .put("id", id)
                    .put("content", SpecialTokens.ALL.get(id))
                    .put("single_word", false)
                    .put("lstrip", false)
                    .put("rstrip", false)
                    .put("normalized", false)
                    .put("special", true);
        }
        if (splitter.lowercase()) {
            root.putObject("normalizer").put("type", "Lowercase");
        }
        else {
            root.putNull("normalizer");
        }
        if (splitter.granularity() == Granularity.WORD) {
            root.putObject("pre_tokenizer").put("type", "Whitespace");
        }
        else {
            ObjectNode split = root.putObject("pre_tokenizer");
            split.put("type", "Split");
            split.putObject("pattern").put("Regex", CHARACTER_SPLIT_REGEX);
            split.put("behavior", "Isolated");
            split.put("invert", false);
        }
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, SpecialTokens.CLS, 0);
        sequence(single, "A", 0);
        special(single, SpecialTokens.SEP, 0);
        ArrayNode pair = post.putArray("pair");
        special(pair, SpecialTokens.CLS, 0);
        sequence(pair, "A", 0);
        special(pair, SpecialTokens.SEP, 0);
        sequence(pair, "B", 1);
        special(pair, SpecialTokens.SEP, 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String token : List.of(SpecialTokens.CLS, SpecialTokens.SEP)) {
            ObjectNode entry = specials.putObject(token);
            entry.put("id", token);
            entry.putArray("ids").add(vocabulary.id(token));
            entry.putArray("tokens").add(token);
        }
        if (splitter.granularity() == Granularity.CHARACTER) {
            root.putObject("decoder").put("type", "Fuse");
        }
        else {
            root.putNull("decoder");
        }
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        ObjectNode vocab = model.putObject("vocab");
        List<String> tokens = vocabulary.tokens();
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(tokens.get(id), id);
        }
        model.put("unk_token", SpecialTokens.UNK);
        return root;
    }

    /**
     * Reads a {@code tokenizer.json} written by {@link #save}; truncation and special tokens come from the arguments.
     */
    public static VocabularyTokenizer load(Path tokenizerJson, int maxLength, boolean addSpecialTokens) {
        requireNonNull(tokenizerJson, "tokenizerJson is null");
        JsonNode root;
        try {
            root = JSON.readTree(tokenizerJson.toFile());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        JsonNode model = root.path("model");
        if (!"WordLevel".equals(model.path("type").asText())) {
            throw new IllegalArgumentException(tokenizerJson + ": model.type is '" + model.path("type").asText()
                    + "', expected 'WordLevel' (a tokenizer saved by word-level or char-level; use the 'hf' tokenizer for others)");
        }
        JsonNode vocab = model.path("vocab");
        if (!vocab.isObject()) {
            throw new IllegalArgumentException(tokenizerJson + ": model.vocab is missing or not an object");
        }
        String[] tokens = new String[vocab.size()];
        for (Iterator<Map.Entry<String, JsonNode>> fields = vocab.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            int id = field.getValue().asInt(-1);
            if (id < 0 || id >= tokens.length || tokens[id] != null) {
                throw new IllegalArgumentException(tokenizerJson + ": model.vocab maps '" + field.getKey() + "' to id "
                        + field.getValue() + ", expected distinct ids 0.." + (tokens.length - 1));
            }
            tokens[id] = field.getKey();
        }
        String preTokenizer = root.path("pre_tokenizer").path("type").asText();
        Granularity granularity = switch (preTokenizer) {
            case "Whitespace" -> Granularity.WORD;
            case "Split" -> Granularity.CHARACTER;
            default -> throw new IllegalArgumentException(tokenizerJson + ": pre_tokenizer.type is '" + preTokenizer
                    + "', expected 'Whitespace' (word-level) or 'Split' (char-level)");
        };
        boolean lowercase = "Lowercase".equals(root.path("normalizer").path("type").asText());
        return new VocabularyTokenizer(new Vocabulary(Arrays.asList(tokens)), granularity, lowercase, maxLength, addSpecialTokens);
    }

    private static void special(ArrayNode template, String token, int typeId) {
        template.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
    }

    private static void sequence(ArrayNode template, String id, int typeId) {
        template.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
    }

    private final class EncodingBuilder {
        private final List<Integer> ids;
        private final List<Integer> typeIds;
        private final List<Integer> specialMask;
        private final List<String> tokens;
        private final List<Integer> wordIds;
        private final List<Integer> starts;
        private final List<Integer> ends;

        EncodingBuilder(int capacity) {
            ids = new ArrayList<>(capacity);
            typeIds = new ArrayList<>(capacity);
            specialMask = new ArrayList<>(capacity);
            tokens = new ArrayList<>(capacity);
            wordIds = new ArrayList<>(capacity);
            starts = new ArrayList<>(capacity);
            ends = new ArrayList<>(capacity);
        }

        void addSpecial(int id, int typeId) {
            add(id, typeId, 1, Encoding.NO_WORD, 0, 0);
        }

        /** Unknown pieces become {@code [UNK]}, as HF's WordLevel model returns them. */
        void addPieces(List<TextSplitter.Piece> pieces, int typeId) {
            for (TextSplitter.Piece piece : pieces) {
                add(vocabulary.idOrUnknown(piece.token()), typeId, 0, piece.word(), piece.start(), piece.end());
            }
        }

        private void add(int id, int typeId, int special, int word, int start, int end) {
            ids.add(id);
            typeIds.add(typeId);
            specialMask.add(special);
            tokens.add(vocabulary.token(id));
            wordIds.add(word);
            starts.add(start);
            ends.add(end);
        }

        Encoding build() {
            int length = ids.size();
            int[] attention = new int[length];
            Arrays.fill(attention, 1);
            return new Encoding(toArray(ids), attention, toArray(typeIds), toArray(specialMask), tokens.toArray(String[]::new),
                    toArray(wordIds), toArray(starts), toArray(ends));
        }

        private int[] toArray(List<Integer> values) {
            return values.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
