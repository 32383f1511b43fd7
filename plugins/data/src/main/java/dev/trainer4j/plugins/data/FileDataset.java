package dev.trainer4j.plugins.data;

import dev.trainer4j.api.Example;
import dev.trainer4j.api.MapDataset;

import java.nio.file.Path;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** A map-style dataset holding the rows of one file in memory. */
final class FileDataset implements MapDataset {
    private final Path file;
    private final List<Example> examples;

    FileDataset(Path file, List<Example> examples) {
        this.file = requireNonNull(file, "file is null");
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
        return "FileDataset[" + file + ", " + examples.size() + " examples]";
    }
}
