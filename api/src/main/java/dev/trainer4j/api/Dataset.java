package dev.trainer4j.api;

import java.util.List;
import java.util.Map;

/**
 * A source of {@link Example}s: either {@link MapDataset map-style} (random access by index, known size) or
 * {@link StreamingDataset streaming} (iterated once per epoch, size possibly unknown).
 *
 * <p>For numeric data already in memory as arrays (features, token ids, labels), prefer {@link #ofColumns(Map)}
 * over {@link #of(List)}: with the {@link DefaultCollator} its batches are copied straight from the arrays, with no
 * per-example objects, which keeps the host side of a fast training step short.
 */
public sealed interface Dataset permits MapDataset, StreamingDataset {

    /** A map-style dataset over a list (the list is copied). */
    static MapDataset of(List<Example> examples) {
        return new ListDataset(examples);
    }

    /**
     * A map-style dataset over in-memory columns (the map's order is kept; the tensors and their arrays are shared,
     * not copied). Each column's first dimension is the number of examples; columns are rank 1 ({@code [N]}) or
     * rank 2 ({@code [N, width]}). See {@link ColumnarDataset}.
     *
     * @throws IllegalArgumentException if there is no column, a column is a scalar or of rank 3 or more, the
     *                                  columns' first dimensions differ, or two columns would get the same batch
     *                                  name ({@code label}/{@code label_ids} become {@code labels})
     */
    static ColumnarDataset ofColumns(Map<String, HostTensor> columns) {
        return new ColumnarDataset(columns);
    }
}
