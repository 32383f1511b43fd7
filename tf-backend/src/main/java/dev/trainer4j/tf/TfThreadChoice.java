package dev.trainer4j.tf;

/**
 * How an engine's training step uses the machine's cores, as chosen at compile (by the step's cost measured from the
 * model's graph, or from the
 * {@code intra-op-threads}, {@code inter-op-threads} and {@code train-towers} arguments) and logged.
 *
 * @param intraOp the session's intra-op thread count (threads inside one kernel)
 * @param interOp the session's inter-op thread count (-1: the caller's thread)
 * @param towers into how many row slices (replicas) each training batch is split (1: no split)
 * @param reason how the values were chosen
 */
public record TfThreadChoice(int intraOp, int interOp, int towers, String reason) {
    public TfThreadChoice {
        if (towers < 1) {
            throw new IllegalArgumentException("towers must be >= 1, got " + towers);
        }
        java.util.Objects.requireNonNull(reason, "reason is null");
    }
}
