package dev.trainer4j.spi;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ClusterSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the loop tells a backend when it compiles an engine, beyond the model and the arguments.
 *
 * @param labelNames the batch keys that hold labels (from {@code label-names} or the model)
 * @param totalSteps the optimizer steps of the run when known, else -1 (for thread and schedule choices)
 * @param cluster the workers of a multi-worker run, of which this process is the chief; empty for one process
 * @param batchShapes the shape of each tensor of one training batch of the run (its first), by batch key, so a
 *        backend can size its threads by the step's real cost (sequence lengths are known only from the data);
 *        empty when the loop has no training batch (an engine compiled to evaluate or predict)
 * @param uniformBatchShapes the loop's promise that every training batch of the run has {@code batchShapes} (after
 *        {@code prepareBatch}), so a backend may build its training step for exactly those shapes; false when the
 *        shapes may vary (a last partial batch, padding to each batch's longest sequence) or are unknown
 */
public record EngineOptions(List<String> labelNames, long totalSteps, Optional<ClusterSpec> cluster,
                            Map<String, List<Long>> batchShapes, boolean uniformBatchShapes) {
    public EngineOptions {
        labelNames = List.copyOf(requireNonNull(labelNames, "labelNames is null"));
        requireNonNull(cluster, "cluster is null");
        Map<String, List<Long>> copied = new LinkedHashMap<>();
        requireNonNull(batchShapes, "batchShapes is null").forEach((name, shape) -> copied.put(
                requireNonNull(name, "batch key is null"), List.copyOf(requireNonNull(shape, "shape is null"))));
        batchShapes = java.util.Collections.unmodifiableMap(copied);
        if (uniformBatchShapes && batchShapes.isEmpty()) {
            throw new IllegalArgumentException("uniform batch shapes need the shapes of a training batch");
        }
    }

    /** Options without a training batch's shapes. */
    public EngineOptions(List<String> labelNames, long totalSteps, Optional<ClusterSpec> cluster) {
        this(labelNames, totalSteps, cluster, Map.of(), false);
    }

    /** Options of a single-process run. */
    public EngineOptions(List<String> labelNames, long totalSteps) {
        this(labelNames, totalSteps, Optional.empty());
    }

    /**
     * These options with the shapes of {@code batch}'s tensors as {@link #batchShapes()}, and {@code uniform}: whether
     * every training batch of the run has them.
     */
    public EngineOptions withBatchShapes(Batch batch, boolean uniform) {
        return new EngineOptions(labelNames, totalSteps, cluster, requireNonNull(batch, "batch is null").shapes(), uniform);
    }
}
