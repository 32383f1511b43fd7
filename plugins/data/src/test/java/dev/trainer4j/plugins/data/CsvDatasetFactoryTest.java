package dev.trainer4j.plugins.data;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.MapDataset;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvDatasetFactoryTest {
    private final CsvDatasetFactory factory = new CsvDatasetFactory();

    @Test
    void readsQuotedFieldsAndTypesColumns() {
        MapDataset dataset = TestFiles.load(factory, "path = examples.csv");

        assertThat(dataset.size()).isEqualTo(4);
        Example first = dataset.get(0);
        assertThat(first.names()).containsExactly("id", "text", "label", "score", "flag", "input_ids", "big");
        assertThat(first.get("id")).isEqualTo(1);
        assertThat(first.get("text")).isEqualTo("hello, world");
        assertThat(first.get("label")).isEqualTo(0);
        assertThat(first.get("score")).isEqualTo(0.5);
        assertThat(first.get("flag")).isEqualTo(true);
        assertThat(first.get("input_ids")).isEqualTo(new int[] {1, 2, 3});
        assertThat(first.get("big")).isEqualTo(5_000_000_000L);
    }

    @Test
    void handlesEscapedQuotesEmptyCellsAndLineBreaksInQuotes() {
        MapDataset dataset = TestFiles.load(factory, "path = examples.csv");

        Example second = dataset.get(1);
        assertThat(second.get("text")).isEqualTo("she said \"hi\"");
        assertThat((Double) second.get("score")).isNaN();
        assertThat(second.get("flag")).isEqualTo(false);
        assertThat(second.get("input_ids")).isEqualTo(new int[] {4});
        assertThat(second.get("big")).isEqualTo(7L);
        Example third = dataset.get(2);
        assertThat(third.get("text")).isEqualTo("two\nlines");
        assertThat(third.get("score")).isEqualTo(2.0);
        assertThat(third.get("input_ids")).isEqualTo(new int[0]);
        assertThat(dataset.get(3).get("score")).isEqualTo(0.001);
    }

    @Test
    void mapsColumnsToNewNames() {
        MapDataset dataset = TestFiles.load(factory, "path = examples.csv, fields { sentence = text, target = label }");

        assertThat(dataset.get(1).fields())
                .containsExactly(Map.entry("sentence", "she said \"hi\""), Map.entry("target", 1));
    }

    @Test
    void limitKeepsTheFirstRowsAndTypesOnlyThose() {
        MapDataset dataset = TestFiles.load(factory, "path = examples.csv, limit = 1");
        // the first bad row of wrong-columns.csv is its second data row
        MapDataset beforeBadRow = TestFiles.load(factory, "path = wrong-columns.csv, limit = 1");

        assertThat(dataset.size()).isEqualTo(1);
        assertThat(dataset.get(0).get("big")).isEqualTo(5_000_000_000L);
        // with only the first row kept the score column has no empty cell, and big holds the Long from row 1
        assertThat(dataset.get(0).get("score")).isEqualTo(0.5);
        assertThat(beforeBadRow.get(0).get("b")).isEqualTo("x\ny");
    }

    @Test
    void readsWithoutHeaderAndWithAnotherDelimiter() {
        MapDataset dataset = TestFiles.load(factory, "path = no-header.tsv, header = false, delimiter = \"\\t\"");

        assertThat(dataset.size()).isEqualTo(2);
        assertThat(dataset.get(0).fields()).containsExactly(Map.entry("0", "hello"), Map.entry("1", 1));
        assertThat(dataset.get(1).fields()).containsExactly(Map.entry("0", "tab\there"), Map.entry("1", 0));
    }

    @Test
    void wrongColumnCountNamesTheLineOfTheRecord() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = wrong-columns.csv"))
                .isInstanceOfSatisfying(DataException.class, error -> assertThat(error.line()).hasValue(4))
                .hasMessageContaining("wrong-columns.csv line 4: expected 3 columns (as the header at line 1), found 2");
    }

    @Test
    void aMissingMappedColumnIsReportedAtTheHeader() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = examples.csv, fields { target = labels }"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("examples.csv line 1: missing mapped field 'labels' (fields.target)")
                .hasMessageContaining("[id, text, label, score, flag, input_ids, big]");
    }

    @Test
    void malformedQuotingNamesTheLine() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = unterminated.csv"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("unterminated.csv line 2: a quoted field is never closed");
        assertThatThrownBy(() -> TestFiles.load(factory, "path = after-quote.csv"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("after-quote.csv line 3: unexpected character 'y' after a closing quote");
    }

    @Test
    void delimiterMustBeOneCharacter() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = examples.csv, delimiter = \";;\""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("delimiter: ';;' is not allowed");
        assertThatThrownBy(() -> TestFiles.load(factory, "path = examples.csv, header = maybe"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("header: 'maybe' is not allowed");
    }

    @Test
    void anEmptyCellInAnIntegerColumnIsRefusedWithItsLineInsteadOfTurningTheColumnIntoDecimals() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = empty-label.csv"))
                .isInstanceOfSatisfying(DataException.class, error -> assertThat(error.line()).hasValue(3))
                .hasMessageContaining("empty-label.csv line 3: column 'label' is empty; expected an integer (the"
                        + " column's first value, 0 at line 2, sets its type)");
    }

    @Test
    void anEmptyCellInADecimalColumnIsRefusedAndNaNMarksAMissingValue() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = empty-decimal.csv"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("empty-decimal.csv line 2: column 'x' is empty; expected a number")
                .hasMessageContaining("write NaN to mark a missing value");
    }

    @Test
    void aFractionInAnIntegerColumnNamesTheLine() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = fraction-in-integer.csv"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("fraction-in-integer.csv line 3: column 'label' is 1.5, a number with a"
                        + " fraction, in a column of integers");
    }

    @Test
    void textInANumberColumnNamesTheLineAndTheColumn() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = text-in-number.csv"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("text-in-number.csv line 3: column 'x' is 'abc'; expected a number as its first"
                        + " value (0.5 at line 2)");
    }

    @Test
    void aTextColumnKeepsNumbersAsText() {
        MapDataset dataset = TestFiles.load(factory, "path = text-column.csv");

        assertThat(dataset.get(1).get("zip")).isEqualTo("12345");
        assertThat(dataset.get(1).get("label")).isEqualTo(1);
    }

    @Test
    void anArrayOfAnotherLengthThanTheFirstRowsNamesTheLine() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = short-array.csv"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("short-array.csv line 3: field 'features' has 1 values; expected 2");
    }

    @Test
    void aFileWithoutRowsNamesTheFile() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = empty.csv"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(TestFiles.folder().resolve("empty.csv") + " has no rows");
        assertThatThrownBy(() -> TestFiles.load(factory, "path = header-only.csv"))
                .isInstanceOfSatisfying(DataException.class, error -> assertThat(error.line()).hasValue(1))
                .hasMessageContaining("header-only.csv line 1: the file has no rows after the header");
    }
}
