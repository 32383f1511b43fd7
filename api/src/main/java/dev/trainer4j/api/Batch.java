package dev.trainer4j.api;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Collections.unmodifiableMap;
import static java.util.Objects.requireNonNull;

/**
 * A collated batch: named host tensors that share their first dimension, the number of examples.
 * Names keep the order they were added in.
 */
public final class Batch {
    private final Map<String, HostTensor> tensors;
    private final int size;

    public Batch(Map<String, HostTensor> tensors) {
        requireNonNull(tensors, "tensors is null");
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one tensor");
        }
        int examples = -1;
        for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
            HostTensor tensor = requireNonNull(entry.getValue(), () -> "tensor '" + entry.getKey() + "' is null");
            if (tensor.rank() == 0) {
                throw new IllegalArgumentException("tensor '" + entry.getKey() + "' is a scalar; batch tensors need a first (batch) dimension");
            }
            int rows = Math.toIntExact(tensor.dimension(0));
            if (examples < 0) {
                examples = rows;
            }
            else if (rows != examples) {
                throw new IllegalArgumentException("tensor '" + entry.getKey() + "' has " + rows
                        + " rows but the batch has " + examples + " (tensors: " + tensors.keySet() + ")");
            }
        }
        this.tensors = unmodifiableMap(new LinkedHashMap<>(tensors));
        this.size = examples;
    }

    /** Number of examples. */
    public int size() {
        return size;
    }

    public Map<String, HostTensor> tensors() {
        return tensors;
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public Optional<HostTensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The tensor named {@code name}; a clear error names the present keys when it is missing. */
    public HostTensor get(String name) {
        HostTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("batch has no tensor '" + name + "'; present: " + tensors.keySet());
        }
        return tensor;
    }

    /** The shape of each tensor, by name (in this batch's order). */
    public Map<String, List<Long>> shapes() {
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> shapes.put(name, Arrays.stream(tensor.shape()).boxed().toList()));
        return unmodifiableMap(shapes);
    }

    /** A batch holding only the given names (in this batch's order). */
    public Batch select(Set<String> names) {
        Map<String, HostTensor> kept = new LinkedHashMap<>();
        tensors.forEach((name, tensor) -> {
            if (names.contains(name)) {
                kept.put(name, tensor);
            }
        });
        return new Batch(kept);
    }

    @Override
    public String toString() {
        return "Batch" + tensors.values() + " of " + size + " (" + tensors.keySet() + ")";
    }
}
