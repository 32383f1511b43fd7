package dev.trainer4j.spi;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the loop tells a backend when it compiles an engine, beyond the model and the arguments.
 *
 * @param labelNames the batch keys that hold labels (from {@code label-names} or the model)
 * @param totalSteps the optimizer steps of the run when known, else -1 (for thread and schedule choices)
 */
public record EngineOptions(List<String> labelNames, long totalSteps) {
    public EngineOptions {
        labelNames = List.copyOf(requireNonNull(labelNames, "labelNames is null"));
    }
}
