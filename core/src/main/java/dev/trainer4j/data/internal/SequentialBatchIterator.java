package dev.trainer4j.data.internal;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;

import java.util.NoSuchElementException;

import static java.util.Objects.requireNonNull;

/** Reads and collates each batch on the thread that calls {@link #next()} (no workers). */
final class SequentialBatchIterator implements BatchIterator {
    private final BatchSource source;
    private final long dataSeed;
    private final int epoch;
    private long position;
    private BatchSource.BatchRead pending;
    private boolean ended;

    SequentialBatchIterator(BatchSource source, long dataSeed, int epoch, long startBatch) {
        this.source = requireNonNull(source, "source is null");
        this.dataSeed = dataSeed;
        this.epoch = epoch;
        this.position = startBatch;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !ended) {
            pending = source.next();
            ended = pending == null;
        }
        return !ended;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " ended at batch " + position);
        }
        BatchSource.BatchRead read = pending;
        pending = null;
        Batch batch = read.build(Batches.context(dataSeed, epoch, position));
        position++;
        return batch;
    }
}
