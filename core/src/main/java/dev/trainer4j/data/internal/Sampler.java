package dev.trainer4j.data.internal;

/**
 * The order in which a map-style dataset's examples are visited in an epoch. An order depends only on the
 * sampler's settings and the epoch, so a loader can recompute it and jump to any batch without reading the earlier
 * examples. Batching takes consecutive runs of this order (a length-grouped sampler fits the same shape).
 */
public interface Sampler {

    /** Number of indices in an epoch. */
    int size();

    /** The dataset indices of {@code epoch} in visiting order; a fresh array of {@link #size()} elements. */
    int[] order(int epoch);
}
