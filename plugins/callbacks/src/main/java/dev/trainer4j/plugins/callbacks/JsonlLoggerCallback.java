package dev.trainer4j.plugins.callbacks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.TrainerState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;

/**
 * Appends one JSON object per line to {@code <output-dir>/metrics.jsonl} for every log, evaluate and predict event:
 * {@code {"event":"log","step":10,"epoch":0.5,"time":1718000000.123,"loss":0.69,...}} ({@code time} in Unix epoch
 * seconds). Each line is written and closed at once, so a crash loses nothing and other tools can tail the file. A
 * resumed run continues the file from its checkpoint's step: the lines of later steps, which it logs again, are
 * dropped.
 * Only the world process zero writes. Non-finite numbers are written as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}.
 */
public final class JsonlLoggerCallback extends MetricsFileCallback {
    static final String NAME = "jsonl-logger";
    private static final ObjectMapper JSON = new ObjectMapper();

    public JsonlLoggerCallback(MetricsFileSettings settings, Clock clock) {
        super(settings, clock);
    }

    @Override
    void append(Path file, String event, TrainerState state, Map<String, Object> record) throws IOException {
        String line;
        try {
            line = JSON.writeValueAsString(record) + "\n";
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the " + event + " values at step " + state.globalStep()
                    + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
    }

    @Override
    void dropRecordsAfter(Path file, long step) throws IOException {
        StringBuilder kept = new StringBuilder();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode record;
            try {
                record = JSON.readTree(line);
            }
            catch (JsonProcessingException e) {
                throw new IOException(file + " line " + lineNumber + " is not a JSON object: " + e.getOriginalMessage(), e);
            }
            if (record.path("step").asLong(Long.MIN_VALUE) <= step) {
                kept.append(line).append('\n');
            }
        }
        replace(file, kept.toString());
    }
}
