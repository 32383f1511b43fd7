package dev.trainer4j.api;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A map-style dataset over an in-memory list. */
final class ListDataset implements MapDataset {
    private final List<Example> examples;

    ListDataset(List<Example> examples) {
        this.examples = List.copyOf(requireNonNull(examples, "examples is null"));
    }

    @Override
    public int size() {
        return examples.size();
    }

    @Override
    public Example get(int index) {
        return examples.get(index);
    }

    @Override
    public String toString() {
        return "ListDataset[" + examples.size() + "]";
    }
}
