package dev.trainer4j.api;

import java.util.OptionalLong;

/**
 * Batches of a dataset for one epoch at a time (HF's dataloader). A map-style loader can start at any batch of an
 * epoch without reading the batches before it, which makes resume O(1) in the skipped steps.
 */
public interface DataLoader {

    /** Batches per epoch, when known (map-style datasets). */
    OptionalLong batchesPerEpoch();

    /** Examples per epoch, when known. */
    OptionalLong numExamples();

    /**
     * The batches of {@code epoch} from batch {@code startBatch} on. The order depends only on (data-seed, epoch),
     * and each batch's random choices only on (data-seed, epoch, batch index).
     */
    BatchIterator iterator(int epoch, long startBatch);

    /**
     * Whether every batch of every epoch has the same keys and tensor shapes (for example fixed-width columns in
     * batches that are all full), which lets a backend build its training step for those shapes. False unless the
     * loader knows it.
     */
    default boolean uniformBatches() {
        return false;
    }
}
