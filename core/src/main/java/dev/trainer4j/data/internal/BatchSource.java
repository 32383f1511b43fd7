package dev.trainer4j.data.internal;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.CollateContext;

/**
 * The batches of one epoch, handed out in batch order. {@link #next()} is called by one thread at a time, in order;
 * the read it returns may run later on another thread (a map-style read is deferred to the worker that builds the
 * batch, a stream is read at once because it can only be read in order).
 */
interface BatchSource {

    /** The read of the next batch, or {@code null} after the epoch's last batch. */
    BatchRead next();

    /**
     * One batch's read and collation, run on the thread that builds the batch. Usually reads the examples and hands
     * them to the collator; a columnar dataset with the default collator gathers the batch straight from its columns.
     */
    @FunctionalInterface
    interface BatchRead {

        /** The batch, collated with {@code context} (which derives only from data-seed, epoch and batch index). */
        Batch build(CollateContext context);
    }
}
