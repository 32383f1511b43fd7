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
        assertThat(first.names()).containsExactly("id", "text", "label", "tokens", "scores", "big", "weight", "ok");
        assertThat(first.get("id")).isEqualTo(1);
        assertThat(first.get("text")).isEqualTo("hello");
        assertThat(first.get("tokens")).isEqualTo(new int[] {101, 7592, 102});
        assertThat(first.get("scores")).isEqualTo(new float[] {0.5f, 1.25f});
        assertThat(first.get("big")).isEqualTo(5_000_000_000L);
        assertThat(first.get("weight")).isEqualTo(0.75);
        assertThat(first.get("ok")).isEqualTo(true);
    }

    @Test
    void typesEachRowByItsOwnValues() {
        MapDataset dataset = TestFiles.load(factory, "path = examples.jsonl");

        Example second = dataset.get(1);
        assertThat(second.get("tokens")).isEqualTo(new int[0]);
        assertThat(second.get("scores")).isEqualTo(new float[] {1f, 2.5f});
        assertThat(second.get("weight")).isEqualTo(2);
        Example third = dataset.get(2);
        assertThat(third.get("tags")).isEqualTo(List.of("a", "b"));
        assertThat(third.get("meta")).isEqualTo(Map.of("source", "x"));
        assertThat(third.getDouble("weight")).isEqualTo(1.5);
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
