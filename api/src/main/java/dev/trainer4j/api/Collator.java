package dev.trainer4j.api;

import java.util.List;

/**
 * Turns a list of examples into a {@link Batch} (HF's data collator). Collators should be pure functions of their
 * input and the context, and safe to call from several threads at once (prefetching runs them in workers).
 */
@FunctionalInterface
public interface Collator {

    /**
     * Makes one batch.
     *
     * @param examples the batch's examples, in order
     * @param context where the batch sits in the run; the only source of randomness
     * @return the batch's named tensors
     */
    Batch collate(List<Example> examples, CollateContext context);
}
