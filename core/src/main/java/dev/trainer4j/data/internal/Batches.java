package dev.trainer4j.data.internal;

import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.CollateContext;

/** What both loaders share: the per-batch context and the choice between inline and background collation. */
final class Batches {
    private Batches() {
    }

    /** The context of batch {@code batchIndex}: its seed derives only from (data-seed, epoch, batch index). */
    static CollateContext context(long dataSeed, int epoch, long batchIndex) {
        return new CollateContext(Seeds.forBatch(dataSeed, epoch, batchIndex), epoch, batchIndex);
    }

    static BatchIterator iterator(BatchSource source, long dataSeed, int epoch, long startBatch, PrefetchSettings prefetch) {
        if (prefetch.enabled()) {
            return new PrefetchingBatchIterator(source, dataSeed, epoch, startBatch, prefetch);
        }
        return new SequentialBatchIterator(source, dataSeed, epoch, startBatch);
    }
}
