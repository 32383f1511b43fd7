package dev.trainer4j.plugins.callbacks;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 records: comma-separated, fields with a comma, quote or line break quoted, quotes doubled. */
final class CsvFormat {
    private CsvFormat() {
    }

    static String formatRecord(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            String field = fields.get(i);
            if (field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
                line.append('"').append(field.replace("\"", "\"\"")).append('"');
            }
            else {
                line.append(field);
            }
        }
        return line.append('\n').toString();
    }

    /** Parses a whole file; a trailing line break does not make an empty record. */
    static List<List<String>> parse(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean recordStarted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    }
                    else {
                        quoted = false;
                    }
                }
                else {
                    field.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    quoted = true;
                    recordStarted = true;
                }
                case ',' -> {
                    record.add(field.toString());
                    field.setLength(0);
                    recordStarted = true;
                }
                case '\r' -> {
                    // part of a CRLF line break
                }
                case '\n' -> {
                    record.add(field.toString());
                    records.add(record);
                    record = new ArrayList<>();
                    field.setLength(0);
                    recordStarted = false;
                }
                default -> {
                    field.append(c);
                    recordStarted = true;
                }
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field at the end of the CSV text");
        }
        if (recordStarted) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}
