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
 * Reads a CSV file into examples. A column's first non-empty (kept) cell sets its type: an integer → {@link Integer}
 * ({@link Long} when a value of the column needs it), another number → {@link Double}, {@code true}/{@code false} →
 * {@link Boolean}, a JSON array → arrays as in JSON Lines, anything else {@link String} (every cell kept as text).
 * Every cell of a typed column must fit its type, with its file and line named otherwise: no fraction in an integer
 * column, no empty cell ({@code NaN} marks a missing value in a decimal column). Rows are then checked against the
 * first as in JSON Lines (see {@link FirstRowSchema}); a file without data rows is refused.
 */
final class CsvReader {
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private enum ColumnType {
        INTEGER("an integer"),
        DECIMAL("a number"),
        BOOLEAN("true or false"),
        ARRAY("a JSON array"),
        STRING("text");

        private final String description;

        ColumnType(String description) {
            this.description = description;
        }
    }

    /** A kept column: its output name and its index in the file. */
    private record Selected(String output, int index) {
    }

    /** A kept column's type and the line of the cell that set it. */
    private record Typed(Selected column, ColumnType type, long line, String firstValue) {
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
            throw new DataException(file, "has no rows; expected " + (settings.header() ? "a header and " : "")
                    + "at least one row of values");
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
        if (rows.isEmpty()) {
            throw new DataException(file, first.line(), "the file has no rows after the header; expected at least one"
                    + " row of values");
        }

        List<Typed> typed = new ArrayList<>(selected.size());
        for (Selected column : selected) {
            typed.add(type(rows, column));
        }
        List<Map<String, Object>> converted = new ArrayList<>(rows.size());
        for (CsvParser.Row kept : rows) {
            Map<String, Object> fields = new LinkedHashMap<>();
            for (Typed column : typed) {
                fields.put(column.column().output(), convert(kept, column));
            }
            converted.add(fields);
        }
        widenIntegerColumns(typed, converted);
        FirstRowSchema schema = new FirstRowSchema(file, settings.file().variableLengthFields());
        List<Example> examples = new ArrayList<>(rows.size());
        for (int index = 0; index < rows.size(); index++) {
            examples.add(Example.of(schema.check(converted.get(index), rows.get(index).line())));
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

    /** The column's type, from its first non-empty cell; a column of empty cells is text. */
    private static Typed type(List<CsvParser.Row> rows, Selected column) {
        for (CsvParser.Row row : rows) {
            String value = row.cells().get(column.index()).strip();
            if (!value.isEmpty()) {
                return new Typed(column, typeOf(value), row.line(), value);
            }
        }
        return new Typed(column, ColumnType.STRING, rows.get(0).line(), "");
    }

    private static ColumnType typeOf(String value) {
        if (INTEGER.matcher(value).matches() && parseLong(value) != null) {
            return ColumnType.INTEGER;
        }
        if (isDecimal(value)) {
            return ColumnType.DECIMAL;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return ColumnType.BOOLEAN;
        }
        if (parseArray(value) != null) {
            return ColumnType.ARRAY;
        }
        return ColumnType.STRING;
    }

    private static boolean isDecimal(String value) {
        return DECIMAL.matcher(value).matches() || value.equalsIgnoreCase("nan");
    }

    private Object convert(CsvParser.Row row, Typed column) {
        String cell = row.cells().get(column.column().index());
        if (column.type() == ColumnType.STRING) {
            return cell;
        }
        String value = cell.strip();
        String name = column.column().output();
        String setBy = "the column's first value, " + column.firstValue() + " at line " + column.line()
                + ", sets its type";
        if (value.isEmpty()) {
            String marker = column.type() == ColumnType.DECIMAL
                    ? "write NaN to mark a missing value in a decimal column"
                    : "this column type has no missing-value marker; fill the cell or leave the row out";
            throw new DataException(file, row.line(), "column '" + name + "' is empty; expected "
                    + column.type().description + " (" + setBy + "); " + marker);
        }
        switch (column.type()) {
            case INTEGER -> {
                if (INTEGER.matcher(value).matches() && parseLong(value) != null) {
                    return parseLong(value);
                }
                if (isDecimal(value)) {
                    throw new DataException(file, row.line(), "column '" + name + "' is " + value
                            + ", a number with a fraction, in a column of integers (its first value "
                            + column.firstValue() + " at line " + column.line() + " is an integer); write the first"
                            + " value with a fraction (e.g. 1.0) if the column holds decimals");
                }
            }
            case DECIMAL -> {
                if (isDecimal(value)) {
                    return Double.parseDouble(value);
                }
            }
            case BOOLEAN -> {
                if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(value.toLowerCase(Locale.ROOT));
                }
            }
            case ARRAY -> {
                JsonNode array = parseArray(value);
                if (array != null) {
                    return JsonValues.convert(array, "column '" + name + "'");
                }
            }
            default -> throw new IllegalStateException("unexpected column type " + column.type());
        }
        throw new DataException(file, row.line(), "column '" + name + "' is '" + value + "'; expected "
                + column.type().description + " as its first value (" + column.firstValue() + " at line "
                + column.line() + ")");
    }

    /** Integer columns hold {@link Integer}s, or {@link Long}s when one of their values needs it. */
    private static void widenIntegerColumns(List<Typed> typed, List<Map<String, Object>> rows) {
        for (Typed column : typed) {
            if (column.type() != ColumnType.INTEGER) {
                continue;
            }
            String name = column.column().output();
            boolean needsLong = false;
            for (Map<String, Object> row : rows) {
                long value = (Long) row.get(name);
                needsLong |= value < Integer.MIN_VALUE || value > Integer.MAX_VALUE;
            }
            if (!needsLong) {
                for (Map<String, Object> row : rows) {
                    row.put(name, Math.toIntExact((Long) row.get(name)));
                }
            }
        }
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
