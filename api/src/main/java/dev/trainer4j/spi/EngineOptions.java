package dev.trainer4j.spi;

import dev.trainer4j.api.ClusterSpec;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the loop tells a backend when it compiles an engine, beyond the model and the arguments.
 *
 * @param labelNames the batch keys that hold labels (from {@code label-names} or the model)
 * @param totalSteps the optimizer steps of the run when known, else -1 (for thread and schedule choices)
 * @param cluster the workers of a multi-worker run, of which this process is the chief; empty for one process
 */
public record EngineOptions(List<String> labelNames, long totalSteps, Optional<ClusterSpec> cluster) {
    public EngineOptions {
        labelNames = List.copyOf(requireNonNull(labelNames, "labelNames is null"));
        requireNonNull(cluster, "cluster is null");
    }

    /** Options of a single-process run. */
    public EngineOptions(List<String> labelNames, long totalSteps) {
        this(labelNames, totalSteps, Optional.empty());
    }
}
