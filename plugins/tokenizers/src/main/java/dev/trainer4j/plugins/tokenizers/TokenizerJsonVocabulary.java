package dev.trainer4j.plugins.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The token-to-id table of a Hugging Face {@code tokenizer.json}: {@code model.vocab} (an object for WordPiece, BPE
 * and WordLevel, a list of [piece, score] for Unigram) plus {@code added_tokens}. DJL's tokenizer does not expose it.
 */
final class TokenizerJsonVocabulary {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PAD_CANDIDATES = List.of("[PAD]", "<pad>", "<|pad|>");

    private final String file;
    private final Map<String, Integer> ids;
    private final int size;
    private final List<Integer> specialTokenIds;
    private final JsonNode padding;
    private final String configuredPadToken;
    private final boolean wordPiece;
    private final Optional<Boolean> configuredCleanUp;

    private TokenizerJsonVocabulary(String file, Map<String, Integer> ids, List<Integer> specialTokenIds, JsonNode padding,
            String configuredPadToken, boolean wordPiece, Optional<Boolean> configuredCleanUp) {
        this.file = file;
        this.ids = Map.copyOf(ids);
        this.size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.specialTokenIds = List.copyOf(specialTokenIds);
        this.padding = padding;
        this.configuredPadToken = configuredPadToken;
        this.wordPiece = wordPiece;
        this.configuredCleanUp = configuredCleanUp;
    }

    /** Reads {@code tokenizer.json} and, when one lies next to it, {@code tokenizer_config.json}. */
    static TokenizerJsonVocabulary read(Path file) {
        Path config = file.resolveSibling("tokenizer_config.json");
        return read(file.toString(), readBytes(file), Files.isRegularFile(config) ? readJson(config.toString(), readBytes(config)) : null);
    }

    /**
     * Reads a {@code tokenizer.json}'s bytes.
     *
     * @param file names the file in errors
     * @param tokenizerConfig the parsed {@code tokenizer_config.json}, or {@code null}
     */
    static TokenizerJsonVocabulary read(String file, byte[] json, JsonNode tokenizerConfig) {
        JsonNode root = readJson(file, json);
        Map<String, Integer> ids = new HashMap<>();
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = vocab.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                ids.put(field.getKey(), field.getValue().asInt());
            }
        }
        else if (vocab.isArray()) {
            for (int id = 0; id < vocab.size(); id++) {
                ids.put(vocab.get(id).path(0).asText(), id);
            }
        }
        else {
            throw new IllegalArgumentException(file + ": model.vocab is missing; expected an object (WordPiece/BPE/WordLevel) or a list (Unigram)");
        }
        List<Integer> specials = new ArrayList<>();
        for (JsonNode added : root.path("added_tokens")) {
            int id = added.path("id").asInt();
            ids.put(added.path("content").asText(), id);
            if (added.path("special").asBoolean(false)) {
                specials.add(id);
            }
        }
        String configuredPadToken = "";
        Optional<Boolean> configuredCleanUp = Optional.empty();
        if (tokenizerConfig != null) {
            JsonNode pad = tokenizerConfig.path("pad_token");
            configuredPadToken = pad.isTextual() ? pad.asText() : pad.path("content").asText("");
            JsonNode cleanUp = tokenizerConfig.path("clean_up_tokenization_spaces");
            if (cleanUp.isBoolean()) {
                configuredCleanUp = Optional.of(cleanUp.booleanValue());
            }
        }
        JsonNode model = root.path("model");
        // older files (bert-base-uncased's) omit model.type; WordPiece is the model with a continuing-subword prefix and no merges
        boolean wordPiece = "WordPiece".equals(model.path("type").asText())
                || (model.path("type").isMissingNode() && model.has("continuing_subword_prefix") && !model.has("merges"));
        return new TokenizerJsonVocabulary(file, ids, specials, root.path("padding"), configuredPadToken, wordPiece, configuredCleanUp);
    }

    /** True for a WordPiece (BERT-style) model. */
    boolean wordPiece() {
        return wordPiece;
    }

    /** {@code clean_up_tokenization_spaces} of {@code tokenizer_config.json}, when it sets it. */
    Optional<Boolean> configuredCleanUp() {
        return configuredCleanUp;
    }

    int size() {
        return size;
    }

    int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    List<Integer> specialTokenIds() {
        return specialTokenIds;
    }

    int padTokenId(String padToken) {
        if (!padToken.isEmpty()) {
            int id = id(padToken);
            if (id < 0) {
                throw new IllegalArgumentException("pad-token '" + padToken + "' is not in the vocabulary of " + file);
            }
            return id;
        }
        if (padding.isObject() && padding.has("pad_id")) {
            return padding.path("pad_id").asInt();
        }
        if (!configuredPadToken.isEmpty() && id(configuredPadToken) >= 0) {
            return id(configuredPadToken);
        }
        for (String candidate : PAD_CANDIDATES) {
            if (id(candidate) >= 0) {
                return id(candidate);
            }
        }
        return 0;
    }

    static byte[] readBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode readJson(String file, byte[] json) {
        try {
            return JSON.readTree(json);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": it is not valid JSON (" + e.getMessage() + ")", e);
        }
    }
}
