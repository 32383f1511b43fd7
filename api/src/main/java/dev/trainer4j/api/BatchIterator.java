package dev.trainer4j.api;

import java.util.Iterator;

/**
 * Batches of one epoch. Close it to stop any background prefetching; {@link #position()} tells which batch
 * {@link #next()} returns next, which is what a checkpoint stores (prefetched batches do not advance it).
 */
public interface BatchIterator extends Iterator<Batch>, AutoCloseable {

    /** The index within the epoch of the batch the next call to {@link #next()} returns. */
    long position();

    @Override
    default void close() {
    }
}
