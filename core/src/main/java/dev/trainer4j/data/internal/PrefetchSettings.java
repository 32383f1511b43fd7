package dev.trainer4j.data.internal;

import dev.trainer4j.api.TrainingArguments;

/**
 * Background collation of a loader (HF's {@code dataloader_num_workers} and {@code dataloader_prefetch_factor}).
 * With {@code numWorkers = 0} batches are read and collated on the calling thread when {@code next()} asks for them;
 * otherwise a pool of {@code numWorkers} threads collates up to {@code numWorkers * prefetchFactor} upcoming batches.
 *
 * @param numWorkers collating threads; 0 collates on the calling thread
 * @param prefetchFactor batches kept in flight per worker (ignored without workers)
 */
public record PrefetchSettings(int numWorkers, int prefetchFactor) {
    private static final int DEFAULT_PREFETCH_FACTOR = 2;

    public PrefetchSettings {
        if (numWorkers < 0) {
            throw new IllegalArgumentException("dataloader-num-workers must be >= 0, got " + numWorkers);
        }
        if (prefetchFactor < 1) {
            throw new IllegalArgumentException("dataloader-prefetch-factor must be >= 1, got " + prefetchFactor);
        }
    }

    /** No background work: every batch is collated by the thread that calls {@code next()}. */
    public static PrefetchSettings none() {
        return new PrefetchSettings(0, DEFAULT_PREFETCH_FACTOR);
    }

    /**
     * The settings {@code dataloader-num-workers} and {@code dataloader-prefetch-factor} of a run; an unset prefetch
     * factor is 2, torch's default (HF leaves it to the data loader).
     */
    public static PrefetchSettings of(TrainingArguments args) {
        return new PrefetchSettings(args.dataloaderNumWorkers(), args.dataloaderPrefetchFactor().orElse(DEFAULT_PREFETCH_FACTOR));
    }

    public boolean enabled() {
        return numWorkers > 0;
    }

    /** The most batches submitted to the workers and not yet returned by {@code next()}. */
    public int maxBatchesInFlight() {
        return Math.multiplyExact(numWorkers, prefetchFactor);
    }
}
