package dev.trainer4j.spi;

/** Which engine state a save or restore covers. */
public enum CheckpointScope {
    /** Model variables only (fine-tuning sources, {@code save-only-model}, best-model loading). */
    MODEL,
    /** Model variables, optimizer slots and the engine's running accumulators: everything an exact resume needs. */
    FULL
}
