package dev.trainer4j.loop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.CheckpointException;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A checkpoint's {@code trainer4j_state.json} read field by field: a missing field or one of the wrong type (a
 * hand-edited file whose manifest was regenerated passes the manifest check) is a {@link CheckpointException} naming
 * the file and the field's dotted path, e.g. {@code data_position.batch_in_epoch}.
 */
final class LoopStateFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Object> content;

    private LoopStateFile(Path file, Map<String, Object> content) {
        this.file = requireNonNull(file, "file is null");
        this.content = requireNonNull(content, "content is null");
    }

    static LoopStateFile read(Path file) {
        return new LoopStateFile(file, Checkpoints.readJson(file));
    }

    Path file() {
        return file;
    }

    /** The field's value as written, or null when it is missing (or null). */
    Object value(String field) {
        Object current = content;
        for (String part : field.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    Number number(String field) {
        Object value = value(field);
        if (value instanceof Number number) {
            return number;
        }
        throw invalid(field, value, "a number");
    }

    /** A number, or empty when the field is missing or null. */
    Optional<Number> optionalNumber(String field) {
        return value(field) == null ? Optional.empty() : Optional.of(number(field));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(String field) {
        Object value = value(field);
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw invalid(field, value, "an object");
    }

    /** An object, or empty when the field is missing or null. */
    Optional<Map<String, Object>> optionalObject(String field) {
        return value(field) == null ? Optional.empty() : Optional.of(object(field));
    }

    /** An error naming the file and field, for a value that another reader (e.g. of the loss state) refused. */
    CheckpointException invalid(String field, String problem, Throwable cause) {
        return new CheckpointException(file, "checkpoint file " + file + ": field '" + field + "' " + problem
                + " (the file was edited or written by another version; resume from another checkpoint)", cause);
    }

    private CheckpointException invalid(String field, Object value, String expected) {
        String problem = value == null ? "is missing" : "is " + render(value);
        return new CheckpointException(file, "checkpoint file " + file + ": field '" + field + "' " + problem
                + "; expected " + expected + " (the file was edited or written by another version; resume from another"
                + " checkpoint)");
    }

    private static String render(Object value) {
        try {
            return JSON.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
