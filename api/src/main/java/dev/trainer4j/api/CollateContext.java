package dev.trainer4j.api;

import java.util.SplittableRandom;

/**
 * Where a batch sits in the run. A collator that makes random choices (masking, augmentation) draws them only from
 * {@link #random()}, which derives from (data-seed, epoch, batch index): the same batch gets the same choices in
 * any process, in any worker thread, and after a resume.
 *
 * @param seed the seed of this batch, derived from (data-seed, epoch, batch index)
 * @param epoch the epoch (0-based)
 * @param batchIndex the index of the batch within its epoch (0-based)
 */
public record CollateContext(long seed, int epoch, long batchIndex) {

    /** A context for collating outside a training run (tests, prediction). */
    public static CollateContext unseeded() {
        return new CollateContext(0L, 0, 0L);
    }

    /** A fresh generator seeded for this batch. */
    public SplittableRandom random() {
        return new SplittableRandom(seed);
    }
}
