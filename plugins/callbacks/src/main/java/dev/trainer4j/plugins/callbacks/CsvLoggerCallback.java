package dev.trainer4j.plugins.callbacks;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Writes every log, evaluate and predict event to {@code <output-dir>/metrics.csv} (RFC 4180). Columns are
 * {@code event, step, epoch, time} (Unix epoch seconds) followed by every value key in the order it first
 * appeared. A row with a new key rewrites the whole file with the grown header through a temporary file and an
 * atomic rename; older rows get empty cells there. Other rows are appended. An existing file (a resumed run) is
 * continued: its header is read back on the first event. Only the world process zero writes.
 *
 * <p>Numbers are written with Java's shortest round-trip form ({@code 5.0E-5}); non-finite values as
 * {@code NaN}, {@code inf}, {@code -inf}.
 */
public final class CsvLoggerCallback implements Callback {
    static final String NAME = "csv-logger";

    private final MetricsFileSettings settings;
    private final Clock clock;
    private List<String> columns;
    private Path columnsFile;

    public CsvLoggerCallback(MetricsFileSettings settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {
        write("log", args, state, logs);
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        write("evaluate", args, state, metrics);
    }

    @Override
    public void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        write("predict", args, state, metrics);
    }

    private void write(String event, TrainingArguments args, TrainerState state, Map<String, ?> values) {
        if (!state.isWorldProcessZero()) {
            return;
        }
        Path file = settings.resolve(args.outputDir());
        Map<String, Object> row = MetricsRecord.of(event, state, clock, values);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
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
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
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
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
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
