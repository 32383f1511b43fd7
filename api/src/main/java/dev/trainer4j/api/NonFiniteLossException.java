package dev.trainer4j.api;

/**
 * Training stopped because a step's loss or gradient was NaN or infinite and {@code non-finite-policy = stop}.
 * The step was not applied: weights and optimizer state are those of the step before.
 */
public class NonFiniteLossException extends Trainer4jException {
    private final long globalStep;
    private final int epoch;

    public NonFiniteLossException(String message, long globalStep, int epoch) {
        super(message);
        this.globalStep = globalStep;
        this.epoch = epoch;
    }

    /** The optimizer step that failed, 1-based as HF counts ({@code global_step} after it would have been taken). */
    public long globalStep() {
        return globalStep;
    }

    /** The epoch of the failed step, 0-based. */
    public int epoch() {
        return epoch;
    }
}
