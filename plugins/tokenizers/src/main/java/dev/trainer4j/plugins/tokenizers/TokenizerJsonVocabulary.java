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

/**
 * The token-to-id table of a Hugging Face {@code tokenizer.json}: {@code model.vocab} (an object for WordPiece, BPE
 * and WordLevel, a list of [piece, score] for Unigram) plus {@code added_tokens}. DJL's tokenizer does not expose it.
 */
final class TokenizerJsonVocabulary {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PAD_CANDIDATES = List.of("[PAD]", "<pad>", "<|pad|>");

    private final Path file;
    private final Map<String, Integer> ids;
    private final int size;
    private final List<Integer> specialTokenIds;
    private final JsonNode padding;
    private final String configuredPadToken;

    private TokenizerJsonVocabulary(Path file, Map<String, Integer> ids, List<Integer> specialTokenIds, JsonNode padding,
            String configuredPadToken) {
        this.file = file;
        this.ids = Map.copyOf(ids);
        this.size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.specialTokenIds = List.copyOf(specialTokenIds);
        this.padding = padding;
        this.configuredPadToken = configuredPadToken;
    }

    static TokenizerJsonVocabulary read(Path file) {
        JsonNode root = readJson(file);
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
        Path config = file.resolveSibling("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            JsonNode pad = readJson(config).path("pad_token");
            configuredPadToken = pad.isTextual() ? pad.asText() : pad.path("content").asText("");
        }
        return new TokenizerJsonVocabulary(file, ids, specials, root.path("padding"), configuredPadToken);
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

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
