package dev.trainer4j.plugins.callbacks;

import dev.trainer4j.api.TrainerState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes every log, evaluate and predict event to {@code <output-dir>/metrics.csv} (RFC 4180). Columns are
 * {@code event, step, epoch, time} (Unix epoch seconds) followed by every value key in the order it first
 * appeared. A row with a new key rewrites the whole file with the grown header through a temporary file and an
 * atomic rename; older rows get empty cells there. Other rows are appended. An existing file (a resumed run) is
 * continued from the checkpoint's step (the rows of later steps, which the resumed run logs again, are dropped): its
 * header is read back on the first event. Only the world process zero writes.
 *
 * <p>Numbers are written with Java's shortest round-trip form ({@code 5.0E-5}); non-finite values as
 * {@code NaN}, {@code inf}, {@code -inf}.
 */
public final class CsvLoggerCallback extends MetricsFileCallback {
    static final String NAME = "csv-logger";

    private List<String> columns;
    private Path columnsFile;

    public CsvLoggerCallback(MetricsFileSettings settings, Clock clock) {
        super(settings, clock);
    }

    @Override
    void append(Path file, String event, TrainerState state, Map<String, Object> row) throws IOException {
        if (columns == null || !file.equals(columnsFile) || !Files.exists(file)) {
            columns = readHeader(file);
            columnsFile = file;
        }
        List<String> grown = new ArrayList<>(columns);
        for (String key : row.keySet()) {
            if (!grown.contains(key)) {
                grown.add(key);
            }
        }
        if (grown.size() != columns.size() || !Files.exists(file)) {
            rewrite(file, grown, row);
            columns = grown;
        }
        else {
            Files.writeString(file, formatRow(columns, row), StandardCharsets.UTF_8, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        }
    }

    private static List<String> readHeader(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return new ArrayList<>(MetricsRecord.FIXED_COLUMNS);
        }
        List<List<String>> records = CsvFormat.parse(Files.readString(file, StandardCharsets.UTF_8));
        return records.isEmpty() ? new ArrayList<>(MetricsRecord.FIXED_COLUMNS) : new ArrayList<>(records.get(0));
    }

    /** Rewrites the file with {@code header}: the existing rows, mapped by column name, then {@code row}. */
    private static void rewrite(Path file, List<String> header, Map<String, Object> row) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(CsvFormat.formatRecord(header));
        if (Files.exists(file)) {
            List<List<String>> records = CsvFormat.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!records.isEmpty()) {
                List<String> oldHeader = records.get(0);
                for (List<String> record : records.subList(1, records.size())) {
                    Map<String, Object> old = new LinkedHashMap<>();
                    for (int i = 0; i < oldHeader.size() && i < record.size(); i++) {
                        old.put(oldHeader.get(i), record.get(i));
                    }
                    text.append(formatRow(header, old));
                }
            }
        }
        text.append(formatRow(header, row));
        replace(file, text.toString());
    }

    @Override
    void dropRecordsAfter(Path file, long step) throws IOException {
        List<List<String>> records = CsvFormat.parse(Files.readString(file, StandardCharsets.UTF_8));
        if (records.isEmpty()) {
            return;
        }
        List<String> header = records.get(0);
        int stepColumn = header.indexOf("step");
        StringBuilder text = new StringBuilder(CsvFormat.formatRecord(header));
        for (List<String> record : records.subList(1, records.size())) {
            boolean after = stepColumn >= 0 && stepColumn < record.size() && !record.get(stepColumn).isEmpty()
                    && Long.parseLong(record.get(stepColumn)) > step;
            if (!after) {
                text.append(CsvFormat.formatRecord(record));
            }
        }
        replace(file, text.toString());
        columns = null;
    }

    private static String formatRow(List<String> header, Map<String, Object> row) {
        List<String> cells = new ArrayList<>(header.size());
        for (String column : header) {
            cells.add(formatValue(row.get(column)));
        }
        return CsvFormat.formatRecord(cells);
    }

    private static String formatValue(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double number) {
            if (number.isNaN()) {
                return "NaN";
            }
            if (number.isInfinite()) {
                return number > 0 ? "inf" : "-inf";
            }
        }
        if (value instanceof Float number) {
            return formatValue(number.doubleValue());
        }
        return value.toString();
    }
}
