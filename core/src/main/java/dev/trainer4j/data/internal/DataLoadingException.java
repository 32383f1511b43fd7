package dev.trainer4j.data.internal;

import dev.trainer4j.api.DataException;

/**
 * Reading or collating a batch failed in a background worker. The original failure is the {@link #getCause() cause};
 * {@link #epoch()} and {@link #batchIndex()} tell which batch it was.
 */
public final class DataLoadingException extends DataException {
    private final int epoch;
    private final long batchIndex;

    public DataLoadingException(int epoch, long batchIndex, Throwable cause) {
        super("loading batch " + batchIndex + " of epoch " + epoch + " failed: " + cause, cause);
        this.epoch = epoch;
        this.batchIndex = batchIndex;
    }

    public int epoch() {
        return epoch;
    }

    /** The index within the epoch of the batch that failed. */
    public long batchIndex() {
        return batchIndex;
    }
}
