package dev.trainer4j.api;

/**
 * A dataset with random access, like a PyTorch map-style dataset. Sampling, shuffling and resume work on indices,
 * so resuming at batch N of an epoch does not read the N earlier batches.
 */
public non-sealed interface MapDataset extends Dataset {

    /** Number of examples. */
    int size();

    /** Example {@code index}, {@code 0 <= index < size()}. Must be safe to call from several threads. */
    Example get(int index);
}
