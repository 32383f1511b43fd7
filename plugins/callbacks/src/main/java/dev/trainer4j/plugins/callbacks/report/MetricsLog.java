package dev.trainer4j.plugins.callbacks.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The records of {@code metrics.jsonl} as written by the {@code jsonl-logger} callback: one JSON object per line
 * with {@code event} (log, evaluate or predict), {@code step}, {@code epoch}, {@code time} (Unix seconds) and the
 * event's values. Non-finite values are the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
final class MetricsLog {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> RECORD = new TypeReference<>() {
    };

    private final List<Map<String, Object>> records;

    MetricsLog(List<Map<String, Object>> records) {
        this.records = List.copyOf(records);
    }

    /** Reads every non-blank line; a line that is not a JSON object is an error naming the file and line. */
    static MetricsLog read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith("{")) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected a JSON object, got '"
                        + abbreviate(line) + "'");
            }
            try {
                records.add(JSON.readValue(line, RECORD));
            }
            catch (JsonProcessingException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": not valid JSON: " + e.getOriginalMessage(), e);
            }
        }
        return new MetricsLog(records);
    }

    List<Map<String, Object>> records() {
        return records;
    }

    /** The records of one event kind, in file order. */
    List<Map<String, Object>> events(String event) {
        return records.stream().filter(record -> event.equals(record.get("event"))).toList();
    }

    /** A record's value as a finite number, or empty (missing, text, boolean, NaN or infinite). */
    static OptionalDouble number(Map<String, Object> record, String key) {
        Object value = record.get(key);
        if (value instanceof Number number && !(value instanceof Boolean)) {
            double result = number.doubleValue();
            return Double.isFinite(result) ? OptionalDouble.of(result) : OptionalDouble.empty();
        }
        return OptionalDouble.empty();
    }

    /** A record's value for the final-metrics table: numbers, the non-finite strings, or text. */
    static String display(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return ChartLayout.formatValue(((Number) value).doubleValue());
        }
        return String.valueOf(value);
    }

    private static String abbreviate(String line) {
        return line.length() <= 40 ? line : line.substring(0, 40) + "...";
    }

    /** The last value of every key across records (fixed columns excluded), in first-seen key order. */
    Map<String, Object> lastValues() {
        Map<String, Object> last = new LinkedHashMap<>();
        for (Map<String, Object> record : records) {
            for (Map.Entry<String, Object> entry : record.entrySet()) {
                if (!List.of("event", "step", "epoch", "time").contains(entry.getKey())) {
                    last.put(entry.getKey(), entry.getValue());
                }
            }
        }
        return last;
    }
}
