package dev.trainer4j.plugins.data;

import dev.trainer4j.api.DataException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An RFC 4180 record parser: fields are separated by the delimiter, records by CRLF, LF or CR. A field may be
 * quoted with {@code "}; inside quotes the delimiter and line breaks are plain text and {@code ""} stands for one
 * quote. A quote inside an unquoted field is kept as text. Blank lines are skipped. Errors name the file and line.
 */
final class CsvParser {
    private static final char QUOTE = '"';

    /**
     * One record.
     *
     * @param line the 1-based line where the record starts
     * @param cells the fields, unquoted
     */
    record Row(int line, List<String> cells) {
    }

    private final Path file;
    private final String text;
    private final char delimiter;
    private int position;
    private int line = 1;

    CsvParser(Path file, String text, char delimiter) {
        this.file = requireNonNull(file, "file is null");
        this.text = requireNonNull(text, "text is null");
        if (delimiter == QUOTE || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("delimiter " + delimiter + " cannot be a quote or a line break");
        }
        this.delimiter = delimiter;
        this.position = text.startsWith("\uFEFF") ? 1 : 0;
    }

    /** The next record, or null at the end of the text. */
    Row next() {
        while (position < text.length()) {
            int start = line;
            List<String> cells = new ArrayList<>();
            boolean quotedCell = false;
            while (true) {
                StringBuilder cell = new StringBuilder();
                quotedCell = position < text.length() && text.charAt(position) == QUOTE;
                if (quotedCell) {
                    readQuoted(cell);
                } else {
                    readUnquoted(cell);
                }
                cells.add(cell.toString());
                if (position < text.length() && text.charAt(position) == delimiter) {
                    position++;
                    continue;
                }
                endRecord();
                break;
            }
            boolean blank = cells.size() == 1 && cells.get(0).isEmpty() && !quotedCell;
            if (!blank) {
                return new Row(start, List.copyOf(cells));
            }
        }
        return null;
    }

    private void readQuoted(StringBuilder cell) {
        int openedAt = line;
        position++;
        while (true) {
            if (position >= text.length()) {
                throw new DataException(file, openedAt, "a quoted field is never closed (missing \")");
            }
            char character = text.charAt(position);
            if (character == QUOTE) {
                if (position + 1 < text.length() && text.charAt(position + 1) == QUOTE) {
                    cell.append(QUOTE);
                    position += 2;
                    continue;
                }
                position++;
                break;
            }
            countLineBreak(character);
            cell.append(character);
            position++;
        }
        if (position < text.length()) {
            char after = text.charAt(position);
            if (after != delimiter && after != '\n' && after != '\r') {
                throw new DataException(file, line, "unexpected character '" + after
                        + "' after a closing quote; a quote inside a quoted field must be doubled (\"\")");
            }
        }
    }

    private void readUnquoted(StringBuilder cell) {
        while (position < text.length()) {
            char character = text.charAt(position);
            if (character == delimiter || character == '\n' || character == '\r') {
                return;
            }
            cell.append(character);
            position++;
        }
    }

    private void endRecord() {
        if (position >= text.length()) {
            return;
        }
        char character = text.charAt(position);
        position++;
        if (character == '\r' && position < text.length() && text.charAt(position) == '\n') {
            position++;
        }
        line++;
    }

    private void countLineBreak(char character) {
        if (character == '\n'
                || (character == '\r' && (position + 1 >= text.length() || text.charAt(position + 1) != '\n'))) {
            line++;
        }
    }
}
