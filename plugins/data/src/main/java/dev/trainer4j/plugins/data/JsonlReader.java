package dev.trainer4j.plugins.data;

import dev.trainer4j.api.DataException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.trainer4j.api.Example;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Reads a JSON Lines file: one JSON object per line, blank lines skipped. Every row is checked against the first
 * (see {@link FirstRowSchema}); a file without rows is refused.
 */
final class JsonlReader {
    /** Shared by the CSV reader for JSON array cells. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final FileDatasetSettings settings;

    JsonlReader(FileDatasetSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    List<Example> read() {
        List<Example> examples = new ArrayList<>();
        FirstRowSchema schema = new FirstRowSchema(settings.path(), settings.variableLengthFields());
        int limit = settings.limit().orElse(Integer.MAX_VALUE);
        try (BufferedReader reader = Files.newBufferedReader(settings.path(), StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            String line;
            while (examples.size() < limit && (line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (!line.isBlank()) {
                    examples.add(Example.of(schema.check(fields(line, lineNumber), lineNumber)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + settings.path() + ": " + e.getMessage(), e);
        }
        if (examples.isEmpty()) {
            throw new DataException(settings.path(), "has no rows; expected one JSON object per line");
        }
        return examples;
    }

    private Map<String, Object> fields(String line, int lineNumber) {
        JsonNode row;
        try {
            row = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw error(lineNumber, "bad JSON: " + e.getOriginalMessage() + " (column "
                    + e.getLocation().getColumnNr() + ")");
        }
        if (!row.isObject()) {
            throw error(lineNumber, "expected a JSON object, found " + row.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        try {
            if (settings.fields().keepsAll()) {
                Iterator<Map.Entry<String, JsonNode>> entries = row.fields();
                while (entries.hasNext()) {
                    Map.Entry<String, JsonNode> entry = entries.next();
                    fields.put(entry.getKey(), JsonValues.convert(entry.getValue(), "field '" + entry.getKey() + "'"));
                }
            } else {
                for (Map.Entry<String, String> mapped : settings.fields().outputToSource().entrySet()) {
                    String source = mapped.getValue();
                    if (!row.has(source)) {
                        List<String> present = new ArrayList<>();
                        row.fieldNames().forEachRemaining(present::add);
                        throw error(lineNumber, "missing mapped field '" + source + "' (fields." + mapped.getKey()
                                + "); the row has " + present);
                    }
                    fields.put(mapped.getKey(), JsonValues.convert(row.get(source), "field '" + source + "'"));
                }
            }
        } catch (DataException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw error(lineNumber, e.getMessage());
        }
        return fields;
    }

    private DataException error(int lineNumber, String problem) {
        return new DataException(settings.path(), lineNumber, problem);
    }
}
