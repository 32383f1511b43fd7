package dev.trainer4j.data.internal;

/**
 * Seed derivation for data order and per-batch randomness. Every seed is a well-mixed 64-bit function of its
 * coordinates (SplitMix64 finalisation steps), never the history of a shared generator, so any batch of any epoch
 * gets the same seed in any process, worker thread, or after a resume.
 */
public final class Seeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long EPOCH_DOMAIN = 0x45504F4348L;
    private static final long BATCH_DOMAIN = 0x4241544348L;

    private Seeds() {
    }

    /** The seed of an epoch's order (samplers, shuffling streams), from (seed, epoch). */
    public static long forEpoch(long seed, int epoch) {
        return mix(mix(seed ^ EPOCH_DOMAIN) + GOLDEN_GAMMA * (epoch + 1L));
    }

    /** The seed of one batch's random choices (masking, augmentation), from (seed, epoch, batch index). */
    public static long forBatch(long seed, int epoch, long batchIndex) {
        return mix(mix(forEpoch(seed, epoch) ^ BATCH_DOMAIN) + GOLDEN_GAMMA * (batchIndex + 1L));
    }

    /** SplitMix64's output function: a bijective, avalanching mix of 64 bits. */
    public static long mix(long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
