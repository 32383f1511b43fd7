package dev.trainer4j.plugins.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CsvParserTest {

    private static List<CsvParser.Row> parse(String text) {
        CsvParser parser = new CsvParser(Path.of("test.csv"), text, ',');
        List<CsvParser.Row> rows = new ArrayList<>();
        CsvParser.Row row;
        while ((row = parser.next()) != null) {
            rows.add(row);
        }
        return rows;
    }

    @Test
    void splitsOnCrLfAndKeepsLineNumbers() {
        List<CsvParser.Row> rows = parse("a,b\r\n1,\"x\r\ny\"\r\n\r\n3,4");

        assertThat(rows).containsExactly(
                new CsvParser.Row(1, List.of("a", "b")),
                new CsvParser.Row(2, List.of("1", "x\r\ny")),
                new CsvParser.Row(5, List.of("3", "4")));
    }

    @Test
    void keepsEmptyFieldsAndQuotedEmptyRecords() {
        List<CsvParser.Row> rows = parse("a,,\n\"\"\n,\n");

        assertThat(rows).containsExactly(
                new CsvParser.Row(1, List.of("a", "", "")),
                new CsvParser.Row(2, List.of("")),
                new CsvParser.Row(3, List.of("", "")));
    }

    @Test
    void unescapesDoubledQuotesAndKeepsStrayQuotesInUnquotedFields() {
        List<CsvParser.Row> rows = parse("\"a \"\"b\"\", c\",5 \"in\" ch\n");

        assertThat(rows).containsExactly(new CsvParser.Row(1, List.of("a \"b\", c", "5 \"in\" ch")));
    }

    @Test
    void skipsAByteOrderMark() {
        assertThat(parse("\uFEFFa,b\n")).containsExactly(new CsvParser.Row(1, List.of("a", "b")));
    }
}
