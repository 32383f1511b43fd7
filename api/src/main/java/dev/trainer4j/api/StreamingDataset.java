package dev.trainer4j.api;

import java.util.Iterator;
import java.util.OptionalLong;

/**
 * A dataset read as a stream, once per epoch. Training on a stream of unknown size needs {@code max-steps}.
 * Resuming a stream skips examples by iterating, since there is no index to jump to.
 */
public non-sealed interface StreamingDataset extends Dataset {

    /**
     * The examples of one epoch. {@code seed} derives from (data-seed, epoch); a stream that shuffles (for example
     * with a buffer) must draw only from it so that an epoch is reproducible.
     */
    Iterator<Example> iterator(int epoch, long seed);

    /** Number of examples when known. */
    default OptionalLong knownSize() {
        return OptionalLong.empty();
    }
}
