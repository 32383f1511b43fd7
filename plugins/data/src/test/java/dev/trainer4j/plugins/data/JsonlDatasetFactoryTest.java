package dev.trainer4j.plugins.data;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.MapDataset;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonlDatasetFactoryTest {
    private final JsonlDatasetFactory factory = new JsonlDatasetFactory();

    @Test
    void readsEveryFieldWithJavaTypes() {
        MapDataset dataset = TestFiles.load(factory, "path = examples.jsonl");

        assertThat(dataset.size()).isEqualTo(3);
        Example first = dataset.get(0);
        assertThat(first.names()).containsExactly("id", "text", "label", "input_ids", "scores", "big", "weight", "ok");
        assertThat(first.get("id")).isEqualTo(1);
        assertThat(first.get("text")).isEqualTo("hello");
        assertThat(first.get("input_ids")).isEqualTo(new int[] {101, 7592, 102});
        assertThat(first.get("scores")).isEqualTo(new float[] {0.5f, 1.25f});
        assertThat(first.get("big")).isEqualTo(5_000_000_000L);
        assertThat(first.get("weight")).isEqualTo(0.75);
        assertThat(first.get("ok")).isEqualTo(true);
    }

    @Test
    void laterRowsKeepTheTypesOfTheFirstRow() {
        MapDataset dataset = TestFiles.load(factory, "path = examples.jsonl");

        Example second = dataset.get(1);
        // input_ids is a variable-length field (token ids, padded by a collator)
        assertThat(second.get("input_ids")).isEqualTo(new int[0]);
        assertThat(second.get("scores")).isEqualTo(new float[] {1f, 2.5f});
        // weight is a decimal field (0.75 in the first row): the integer 2 is read as 2.0
        assertThat(second.get("weight")).isEqualTo(2.0);
        Example third = dataset.get(2);
        assertThat(third.get("scores")).isEqualTo(new float[] {3f, 4f});
        assertThat(third.get("tags")).isEqualTo(List.of("a", "b"));
        assertThat(third.get("meta")).isEqualTo(Map.of("source", "x"));
        assertThat(third.getDouble("weight")).isEqualTo(1.5);
    }

    @Test
    void aStringWhereTheFirstRowHasANumberNamesTheLineFieldValueAndKind() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = string-in-number.jsonl"))
                .isInstanceOfSatisfying(DataException.class, error -> {
                    assertThat(error.file()).hasValue(TestFiles.folder().resolve("string-in-number.jsonl"));
                    assertThat(error.line()).hasValue(2);
                })
                .hasMessageContaining("string-in-number.jsonl line 2: field 'label' is \"one\" (a string);"
                        + " expected an integer as in the first row (line 1)");
    }

    @Test
    void aListOfAnotherLengthThanTheFirstRowsNamesTheLineAndBothLengths() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = short-row.jsonl"))
                .isInstanceOfSatisfying(DataException.class, error -> assertThat(error.line()).hasValue(3))
                .hasMessageContaining("short-row.jsonl line 3: field 'features' has 2 values; expected 3 as in the"
                        + " first row (line 1)")
                .hasMessageContaining("variable-length-fields");
    }

    @Test
    void variableLengthFieldsMayDifferInLength() {
        MapDataset dataset = TestFiles.load(factory, "path = short-row.jsonl, variable-length-fields = [features]");

        assertThat(dataset.get(2).get("features")).isEqualTo(new float[] {0.5f, 0.25f});
    }

    @Test
    void aMissingLabelNamesTheFileLineAndField() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = missing-label.jsonl"))
                .isInstanceOfSatisfying(DataException.class, error -> assertThat(error.line()).hasValue(2))
                .hasMessageContaining("missing-label.jsonl line 2: field 'label' is missing; the first row (line 1)"
                        + " has it, and this row has only [features]");
    }

    @Test
    void aFractionInAnIntegerFieldIsRefusedAndAWholeDecimalIsAnInteger() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = fraction-in-integer.jsonl"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("fraction-in-integer.jsonl line 2: field 'label' is 1.5 (a number); expected an"
                        + " integer as in the first row (line 1)");
        assertThatThrownBy(() -> TestFiles.load(factory, "path = fraction-in-integer-list.jsonl"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("fraction-in-integer-list.jsonl line 2: field 'features' is [1.5, 2.0]");

        assertThat(TestFiles.load(factory, "path = whole-decimal-in-integer.jsonl").get(1).get("label")).isEqualTo(1);
    }

    @Test
    void aStringWhereTheFirstRowHasAListIsRefused() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = string-for-list.jsonl"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("string-for-list.jsonl line 2: field 'features' is \"0.5 0.25\" (a string);"
                        + " expected a list of numbers as in the first row (line 1)");
    }

    @Test
    void aFileWithoutRowsNamesTheFile() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = empty.jsonl"))
                .isInstanceOfSatisfying(DataException.class, error -> {
                    assertThat(error.file()).hasValue(TestFiles.folder().resolve("empty.jsonl"));
                    assertThat(error.line()).isEmpty();
                })
                .hasMessageContaining(TestFiles.folder().resolve("empty.jsonl") + " has no rows");
        assertThatThrownBy(() -> TestFiles.load(factory, "path = blank.jsonl"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(TestFiles.folder().resolve("blank.jsonl") + " has no rows");
    }

    @Test
    void mapsFieldsToNewNames() {
        MapDataset dataset = TestFiles.load(factory, "path = examples.jsonl, fields { sentence = text, target = label }");

        assertThat(dataset.get(1).fields()).containsExactly(Map.entry("sentence", "world"), Map.entry("target", 1));
    }

    @Test
    void acceptsAListOfFieldsToKeep() {
        MapDataset dataset = TestFiles.load(factory, "path = examples.jsonl, fields = [label, text]");

        assertThat(dataset.get(2).fields()).containsExactly(Map.entry("label", 1), Map.entry("text", "again"));
    }

    @Test
    void limitStopsReadingBeforeLaterRows() {
        MapDataset limited = TestFiles.load(factory, "path = examples.jsonl, limit = 2");
        // the malformed line 3 is never read
        MapDataset beforeBadLine = TestFiles.load(factory, "path = bad-json.jsonl, limit = 2");

        assertThat(limited.size()).isEqualTo(2);
        assertThat(limited.get(1).get("id")).isEqualTo(2);
        assertThat(beforeBadLine.size()).isEqualTo(2);
    }

    @Test
    void badJsonNamesTheFileAndLine() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = bad-json.jsonl"))
                .isInstanceOfSatisfying(DataException.class, error -> {
                    assertThat(error.line()).hasValue(3);
                    assertThat(error.file()).hasValue(TestFiles.folder().resolve("bad-json.jsonl"));
                })
                .hasMessageContaining("bad-json.jsonl line 3: bad JSON");
    }

    @Test
    void aRowThatIsNotAnObjectIsRejected() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = not-object.jsonl"))
                .hasMessageContaining("not-object.jsonl line 2: expected a JSON object, found array");
    }

    @Test
    void aMissingMappedFieldNamesTheLineAndTheField() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = missing-field.jsonl, fields { target = label, text = text }"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("missing-field.jsonl line 4: missing mapped field 'label' (fields.target)")
                .hasMessageContaining("[text]");
    }

    @Test
    void nullValuesAreRejectedWithTheirLine() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = null-field.jsonl"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("null-field.jsonl line 1: field 'text' is null");
    }

    @Test
    void pathIsRequiredAndMustExist() {
        assertThatThrownBy(() -> TestFiles.load(factory, ""))
                .isInstanceOfSatisfying(ConfigurationException.class, error -> assertThat(error.key()).isEqualTo("path"))
                .hasMessageContaining("JSONL file");
        assertThatThrownBy(() -> TestFiles.load(factory, "path = nowhere.jsonl"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("path: 'nowhere.jsonl (resolved to " + TestFiles.folder().resolve("nowhere.jsonl"));
    }

    @Test
    void limitMustBePositive() {
        assertThatThrownBy(() -> TestFiles.load(factory, "path = examples.jsonl, limit = 0"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("limit: 0 is not allowed");
    }
}
