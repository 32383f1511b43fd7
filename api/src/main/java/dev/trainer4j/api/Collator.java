package dev.trainer4j.api;

import java.util.List;

/**
 * Turns a list of examples into a {@link Batch} (HF's data collator). Collators should be pure functions of their
 * input and the context, and safe to call from several threads at once (prefetching runs them in workers).
 */
@FunctionalInterface
public interface Collator {

    Batch collate(List<Example> examples, CollateContext context);
}
