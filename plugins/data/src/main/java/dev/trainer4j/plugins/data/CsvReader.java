package dev.trainer4j.plugins.data;

import dev.trainer4j.api.DataException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trainer4j.api.Example;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Reads a CSV file into examples. Each kept column gets one type from all of its (kept) cells: all integers →
 * {@link Integer} ({@link Long} when a value needs it), all numbers → {@link Double} with empty cells as NaN, all
 * {@code true}/{@code false} → {@link Boolean}, all JSON arrays → arrays as in JSON Lines, otherwise {@link String}.
 */
final class CsvReader {
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private enum ColumnType {
        INTEGER, LONG, DOUBLE, BOOLEAN, ARRAY, STRING
    }

    /** A kept column: its output name and its index in the file. */
    private record Selected(String output, int index) {
    }

    private final CsvDatasetSettings settings;
    private final Path file;

    CsvReader(CsvDatasetSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.file = settings.file().path();
    }

    List<Example> read() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " as UTF-8 text: " + e.getMessage(), e);
        }
        CsvParser parser = new CsvParser(file, text, settings.delimiter());
        CsvParser.Row first = parser.next();
        if (first == null) {
            return List.of();
        }
        List<String> columns = settings.header() ? headerNames(first) : positionalNames(first.cells().size());
        String widthSource = settings.header() ? "the header at line " + first.line() : "the first row at line " + first.line();
        List<Selected> selected = select(columns, first.line());

        List<CsvParser.Row> rows = new ArrayList<>();
        if (!settings.header()) {
            rows.add(first);
        }
        int limit = settings.file().limit().orElse(Integer.MAX_VALUE);
        CsvParser.Row row;
        while (rows.size() < limit && (row = parser.next()) != null) {
            if (row.cells().size() != columns.size()) {
                throw new DataException(file, row.line(), "expected " + columns.size() + " columns (as "
                        + widthSource + "), found " + row.cells().size());
            }
            rows.add(row);
        }

        ColumnType[] types = new ColumnType[selected.size()];
        for (int column = 0; column < types.length; column++) {
            types[column] = inferType(rows, selected.get(column).index());
        }
        List<Example> examples = new ArrayList<>(rows.size());
        for (CsvParser.Row kept : rows) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (int column = 0; column < types.length; column++) {
                Selected target = selected.get(column);
                fields.put(target.output(), convert(kept.cells().get(target.index()), types[column]));
            }
            examples.add(Example.of(fields));
        }
        return examples;
    }

    private List<String> headerNames(CsvParser.Row header) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int index = 0; index < header.cells().size(); index++) {
            String name = header.cells().get(index).strip();
            if (name.isEmpty()) {
                name = "Unnamed: " + index;
            }
            if (!seen.add(name)) {
                throw new DataException(file, header.line(), "the header names column '" + name + "' twice");
            }
            names.add(name);
        }
        return names;
    }

    private static List<String> positionalNames(int count) {
        List<String> names = new ArrayList<>(count);
        for (int index = 0; index < count; index++) {
            names.add(Integer.toString(index));
        }
        return names;
    }

    private List<Selected> select(List<String> columns, int headerLine) {
        List<Selected> selected = new ArrayList<>();
        if (settings.file().fields().keepsAll()) {
            for (int index = 0; index < columns.size(); index++) {
                selected.add(new Selected(columns.get(index), index));
            }
            return selected;
        }
        for (Map.Entry<String, String> mapped : settings.file().fields().outputToSource().entrySet()) {
            int index = columns.indexOf(mapped.getValue());
            if (index < 0) {
                throw new DataException(file, headerLine, "missing mapped field '" + mapped.getValue()
                        + "' (fields." + mapped.getKey() + "); the columns are " + columns);
            }
            selected.add(new Selected(mapped.getKey(), index));
        }
        return selected;
    }

    private static ColumnType inferType(List<CsvParser.Row> rows, int index) {
        boolean anyEmpty = false;
        boolean anyValue = false;
        boolean allInts = true;
        boolean allLongs = true;
        boolean allNumbers = true;
        boolean allBooleans = true;
        boolean allArrays = true;
        for (CsvParser.Row row : rows) {
            String value = row.cells().get(index).strip();
            if (value.isEmpty()) {
                anyEmpty = true;
                continue;
            }
            anyValue = true;
            boolean integral = INTEGER.matcher(value).matches();
            Long parsed = integral ? parseLong(value) : null;
            allLongs &= parsed != null;
            allInts &= parsed != null && parsed >= Integer.MIN_VALUE && parsed <= Integer.MAX_VALUE;
            allNumbers &= integral || DECIMAL.matcher(value).matches();
            allBooleans &= value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
            allArrays = allArrays && parseArray(value) != null;
        }
        if (!anyValue) {
            return ColumnType.STRING;
        }
        if (!anyEmpty && allInts) {
            return ColumnType.INTEGER;
        }
        if (!anyEmpty && allLongs) {
            return ColumnType.LONG;
        }
        if (allNumbers) {
            return ColumnType.DOUBLE;
        }
        if (!anyEmpty && allBooleans) {
            return ColumnType.BOOLEAN;
        }
        if (!anyEmpty && allArrays) {
            return ColumnType.ARRAY;
        }
        return ColumnType.STRING;
    }

    private static Object convert(String cell, ColumnType type) {
        String value = cell.strip();
        return switch (type) {
            case INTEGER -> Integer.parseInt(value);
            case LONG -> Long.parseLong(value);
            case DOUBLE -> value.isEmpty() ? Double.NaN : Double.parseDouble(value);
            case BOOLEAN -> Boolean.parseBoolean(value.toLowerCase(Locale.ROOT));
            case ARRAY -> JsonValues.convert(parseArray(value), "array cell");
            case STRING -> cell;
        };
    }

    private static Long parseLong(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The JSON array in a cell, or null when the cell is not one. */
    private static JsonNode parseArray(String value) {
        if (!value.startsWith("[") || !value.endsWith("]")) {
            return null;
        }
        try {
            JsonNode node = JsonlReader.MAPPER.readTree(value);
            return node.isArray() && !containsNull(node) ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static boolean containsNull(JsonNode node) {
        if (node.isNull()) {
            return true;
        }
        for (JsonNode child : node) {
            if (containsNull(child)) {
                return true;
            }
        }
        return false;
    }
}
