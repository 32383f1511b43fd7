package dev.trainer4j.data;

import dev.trainer4j.api.Example;

import java.util.List;
import java.util.function.Supplier;

/**
 * The examples of one epoch's batches, handed out in batch order. {@link #next()} is called by one thread at a
 * time, in order; the read it returns may run later on another thread (a map-style read is deferred to the worker
 * that collates the batch, a stream is read at once because it can only be read in order).
 */
interface BatchSource {

    /** The read of the next batch's examples, or {@code null} after the epoch's last batch. */
    Supplier<List<Example>> next();
}
