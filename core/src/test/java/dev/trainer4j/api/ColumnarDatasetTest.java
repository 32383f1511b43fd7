package dev.trainer4j.api;

import dev.trainer4j.testing.ColumnarFixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.trainer4j.testing.ColumnarFixtures.ROWS;
import static dev.trainer4j.testing.ColumnarFixtures.assertSameBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ColumnarDatasetTest {
    private final ColumnarDataset dataset = ColumnarFixtures.allTypes();

    private static Map<String, HostTensor> columns(Object... nameThenTensor) {
        Map<String, HostTensor> columns = new LinkedHashMap<>();
        for (int i = 0; i < nameThenTensor.length; i += 2) {
            columns.put((String) nameThenTensor[i], (HostTensor) nameThenTensor[i + 1]);
        }
        return columns;
    }

    @Test
    void refusesNoColumns() {
        assertThatThrownBy(() -> Dataset.ofColumns(Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a columnar dataset needs at least one column");
    }

    @Test
    void refusesAScalarColumnNamingIt() {
        Map<String, HostTensor> columns = columns("x", HostTensor.ofFloats(new float[6], 3, 2), "w", HostTensor.ofFloats(new float[] {1f}));
        assertThatThrownBy(() -> Dataset.ofColumns(columns)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("column 'w' is a scalar (shape [])");
    }

    @Test
    void refusesRankThreeNamingTheShapeAndTheFlatShape() {
        Map<String, HostTensor> columns = columns("images", HostTensor.ofFloats(new float[2 * 4 * 8], 2, 4, 8));
        assertThatThrownBy(() -> Dataset.ofColumns(columns)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 'images' has shape [2, 4, 8] (rank 3)")
                .hasMessageContaining("reshape it to [2, 32]");
    }

    @Test
    void refusesDifferentFirstDimensionsNamingBothColumnsAndSizes() {
        Map<String, HostTensor> columns = columns("x", HostTensor.ofFloats(new float[30], 10, 3), "y", HostTensor.ofInts(new int[9], 9));
        assertThatThrownBy(() -> Dataset.ofColumns(columns)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column 'y' has 9 examples (shape [9]) but column 'x' has 10 (shape [10, 3]);"
                        + " every column needs the same first dimension");
    }

    @Test
    void refusesTwoColumnsThatWouldBothBecomeLabels() {
        Map<String, HostTensor> columns = columns("labels", HostTensor.ofInts(new int[2], 2), "label_ids", HostTensor.ofInts(new int[2], 2));
        assertThatThrownBy(() -> Dataset.ofColumns(columns)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("columns 'labels' and 'label_ids' would both become batch tensor 'labels'");
    }

    @Test
    void refusesANullColumnNamingIt() {
        Map<String, HostTensor> columns = new LinkedHashMap<>();
        columns.put("x", null);
        assertThatThrownBy(() -> Dataset.ofColumns(columns)).isInstanceOf(NullPointerException.class).hasMessage("column 'x' is null");
    }

    @Test
    void anEmptyDatasetHasNoRows() {
        ColumnarDataset empty = Dataset.ofColumns(columns("x", HostTensor.ofFloats(new float[0], 0, 3), "label", HostTensor.ofInts(new int[0], 0)));
        assertThat(empty.size()).isZero();
        assertThatThrownBy(() -> empty.get(0)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("row 0 is outside [0, 0)");
    }

    @Test
    void keepsTheColumnsOrderAndSharesTheirArrays() {
        float[] b = {1f, 2f};
        HostTensor column = HostTensor.ofFloats(b, 2);
        ColumnarDataset shared = Dataset.ofColumns(columns("b", column, "a", HostTensor.ofInts(new int[] {5, 6}, 2)));
        assertThat(shared.columns().keySet()).containsExactly("b", "a");
        assertThat(shared.column("b")).isSameAs(column);
        assertThat(shared.column("b").floats()).isSameAs(b);
        assertThat(shared.gather(new int[] {1, 0}, 0, 2).names()).containsExactly("b", "a");
        assertThatThrownBy(() -> shared.column("c")).hasMessage("dataset has no column 'c'; present: [b, a]");
        assertThatThrownBy(() -> shared.columns().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void getIsAViewOfOneRowWithTheColumnsTypes() {
        Example row = dataset.get(2);
        assertThat(row.names()).containsExactly("x", "ids", "big", "score", "weights", "label", "count", "prob");
        assertThat(row.get("x")).isEqualTo(new float[] {6.25f, 7.25f, 8.25f});
        assertThat(row.get("ids")).isEqualTo(new int[] {20, 21});
        assertThat(row.get("big")).isEqualTo(new long[] {(1L << 40) + 20, (1L << 40) + 21});
        assertThat(row.get("score")).isEqualTo(0.1 * 2 + 1e-9);
        assertThat(row.get("weights")).isEqualTo(new double[] {2 / 3.0, 1 + 2 / 3.0});
        assertThat(row.get("label")).isEqualTo(2);
        assertThat(row.get("count")).isEqualTo(-2L);
        assertThat(row.get("prob")).isEqualTo(2 / 7f);
        // a row is a copy: changing it leaves the dataset alone
        ((float[]) row.get("x"))[0] = 99f;
        assertThat(dataset.get(2).get("x")).isEqualTo(new float[] {6.25f, 7.25f, 8.25f});
        assertThatThrownBy(() -> dataset.get(ROWS)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("row 11 is outside [0, 11)");
        assertThatThrownBy(() -> dataset.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void gatherCopiesTheRowsInTheGivenOrderWithTheDefaultCollatorsNamesAndTypes() {
        Batch batch = dataset.gather(new int[] {9, 3, 4, 5, 0}, 1, 4);
        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.names()).containsExactly("x", "ids", "big", "score", "weights", "labels", "count", "prob");
        assertThat(batch.get("ids").dataType()).isEqualTo(DataType.INT32);
        assertThat(batch.get("ids").shape()).containsExactly(3, 2);
        assertThat(batch.get("ids").ints()).containsExactly(30, 31, 40, 41, 50, 51);
        assertThat(batch.get("labels").shape()).containsExactly(3);
        assertThat(batch.get("labels").ints()).containsExactly(0, 1, 2);
        assertThat(batch.get("count").longs()).containsExactly(-3, -4, -5);
        assertThat(batch.get("score").dataType()).isEqualTo(DataType.FLOAT32);
        assertThat(batch.get("score").floats()).containsExactly((float) (0.3 + 1e-9), (float) (0.1 * 4 + 1e-9), (float) (0.1 * 5 + 1e-9));
        assertThat(batch.get("weights").dataType()).isEqualTo(DataType.FLOAT32);
        assertThat(batch.get("weights").floats()).containsExactly(1f, 2f, (float) (4 / 3.0), (float) (1 + 4 / 3.0),
                (float) (5 / 3.0), (float) (1 + 5 / 3.0));
        assertThat(batch.get("x").floats()).containsExactly(9.25f, 10.25f, 11.25f, 12.25f, 13.25f, 14.25f, 15.25f, 16.25f, 17.25f);
    }

    @Test
    void gatherEqualsTheDefaultCollatorOfTheRowViewsBitForBit() {
        int[] shuffled = {7, 2, 10, 0, 5, 9, 1, 8, 3, 6, 4};
        List<int[]> orders = List.of(IntStream.range(0, ROWS).toArray(), IntStream.range(0, ROWS).map(i -> ROWS - 1 - i).toArray(),
                shuffled, new int[] {5, 5, 6, 6, 1}, new int[] {1}, new int[] {2, 3, 4, 9, 0, 1, 10});
        for (int[] order : orders) {
            for (int from = 0; from < order.length; from++) {
                for (int to = from + 1; to <= order.length; to++) {
                    List<Example> rows = new ArrayList<>();
                    for (int i = from; i < to; i++) {
                        rows.add(dataset.get(order[i]));
                    }
                    Batch expected = DefaultCollator.INSTANCE.collate(rows, CollateContext.unseeded());
                    assertSameBatch(dataset.gather(order, from, to), expected,
                            "rows " + from + ".." + to + " of " + java.util.Arrays.toString(order));
                }
            }
        }
        // the NaN, -0.0 and subnormal of row 1 survive both paths
        assertThat(dataset.gather(new int[] {1}, 0, 1).get("x").floats()).containsExactly(-0.0f, Float.NaN, Float.MIN_VALUE);
    }

    @Test
    void gatherRefusesAnEmptyRangeAndRowsOutsideTheDataset() {
        assertThatThrownBy(() -> dataset.gather(new int[] {1, 2}, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot gather an empty batch");
        assertThatThrownBy(() -> dataset.gather(new int[] {1, 11}, 0, 2)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("row 11 is outside [0, 11)");
        assertThatThrownBy(() -> dataset.gather(new int[] {1, 2}, 0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void toStringNamesTheColumnsAndShapes() {
        ColumnarDataset small = Dataset.ofColumns(columns("x", HostTensor.ofFloats(new float[6], 3, 2), "label", HostTensor.ofLongs(new long[3], 3)));
        assertThat(small).hasToString("ColumnarDataset[3 examples: x FLOAT32 [3, 2], label INT64 [3]]");
    }
}
