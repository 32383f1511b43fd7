package dev.trainer4j.plugins.data;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/** A data file holds a row that cannot be read; the message names the file, the 1-based line and the problem. */
public final class DataFileException extends IllegalArgumentException {
    private final Path file;
    private final int line;

    public DataFileException(Path file, int line, String problem) {
        super(requireNonNull(file, "file is null") + " line " + line + ": " + requireNonNull(problem, "problem is null"));
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** The 1-based line where the bad row starts. */
    public int line() {
        return line;
    }
}
