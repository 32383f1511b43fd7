package dev.trainer4j.api;

import java.util.List;

/**
 * A source of {@link Example}s: either {@link MapDataset map-style} (random access by index, known size) or
 * {@link StreamingDataset streaming} (iterated once per epoch, size possibly unknown).
 */
public sealed interface Dataset permits MapDataset, StreamingDataset {

    /** A map-style dataset over a list (the list is copied). */
    static MapDataset of(List<Example> examples) {
        return new ListDataset(examples);
    }
}
