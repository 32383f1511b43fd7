package dev.trainer4j.api;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Data cannot be used: a row of a data file that cannot be read, a missing or mistyped field, a batch whose shape
 * does not fit the model, a dataset that gives no batch. The message names the file and 1-based line (or the
 * dataset and batch), the field, the value and what was expected.
 */
public class DataException extends InvalidInputException {
    private final transient Path file;
    private final long line;

    public DataException(String message) {
        this(message, null);
    }

    public DataException(String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.file = null;
        this.line = -1;
    }

    /** A problem with a whole data file (e.g. it has no rows): the message reads {@code <file> <problem>}. */
    public DataException(Path file, String problem) {
        super(requireNonNull(file, "file is null") + " " + requireNonNull(problem, "problem is null"));
        this.file = file;
        this.line = -1;
    }

    /** A problem at a row of a data file: the message reads {@code <file> line <line>: <problem>}. */
    public DataException(Path file, long line, String problem) {
        super(requireNonNull(file, "file is null") + " line " + line + ": " + requireNonNull(problem, "problem is null"));
        if (line < 1) {
            throw new IllegalArgumentException("line: " + line + " is not allowed; expected a 1-based line number");
        }
        this.file = file;
        this.line = line;
    }

    /** The data file, when the problem is in one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The 1-based line of {@link #file()} where the bad row starts, when known. */
    public OptionalLong line() {
        return line < 1 ? OptionalLong.empty() : OptionalLong.of(line);
    }
}
