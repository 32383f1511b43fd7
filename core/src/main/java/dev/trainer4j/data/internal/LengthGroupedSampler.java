package dev.trainer4j.data.internal;

import java.util.Arrays;
import java.util.Comparator;

import static java.util.Objects.requireNonNull;

/**
 * HF's {@code LengthGroupedSampler} ({@code train-sampling-strategy = group_by_length}): examples of similar length
 * land in the same batch, so batches need little padding, while the order stays random.
 *
 * <p>The order of an epoch, exactly as HF's {@code get_length_grouped_indices}:
 * <ol>
 *   <li>a random permutation of the indices, the one {@link RandomSampler} draws from (data-seed, epoch);</li>
 *   <li>cut into megabatches of {@code max(1, min(n / (4 * groupSize), 50)) * groupSize} consecutive indices (the
 *       last one may be shorter), where {@code groupSize} is the examples per optimizer step
 *       ({@code train batch size * gradient-accumulation-steps}, what HF passes);</li>
 *   <li>each megabatch sorted by length, longest first (a stable sort: equal lengths keep their random order);</li>
 *   <li>the first element of the first megabatch swapped with the first element of the megabatch that holds the
 *       longest example (the first such megabatch on ties), so the first batch holds the longest example and an
 *       out-of-memory shows at the first step.</li>
 * </ol>
 */
public final class LengthGroupedSampler implements Sampler {
    private static final int MAX_MEGABATCH_MULTIPLIER = 50;

    private final int[] lengths;
    private final int groupSize;
    private final RandomSampler permutation;

    /**
     * @param lengths the length of each example ({@link ExampleLengths} computes them); copied
     * @param groupSize examples per optimizer step: train batch size times gradient-accumulation-steps
     * @param dataSeed the data seed
     */
    public LengthGroupedSampler(int[] lengths, int groupSize, long dataSeed) {
        requireNonNull(lengths, "lengths is null");
        if (groupSize <= 0) {
            throw new IllegalArgumentException("group size (train batch size * gradient-accumulation-steps) must be > 0, got " + groupSize);
        }
        this.lengths = lengths.clone();
        this.groupSize = groupSize;
        this.permutation = new RandomSampler(lengths.length, dataSeed);
    }

    @Override
    public int size() {
        return lengths.length;
    }

    /** Indices per megabatch: {@code max(1, min(n / (4 * groupSize), 50)) * groupSize}. */
    public int megabatchSize() {
        int multiplier = Math.min(lengths.length / (4 * groupSize), MAX_MEGABATCH_MULTIPLIER);
        return Math.max(multiplier, 1) * groupSize;
    }

    @Override
    public int[] order(int epoch) {
        int n = lengths.length;
        int[] shuffled = permutation.order(epoch);
        if (n == 0) {
            return shuffled;
        }
        int megabatch = megabatchSize();
        Integer[] boxed = new Integer[n];
        for (int from = 0; from < n; from += megabatch) {
            int to = Math.min(from + megabatch, n);
            Integer[] part = new Integer[to - from];
            for (int i = from; i < to; i++) {
                part[i - from] = shuffled[i];
            }
            // Arrays.sort on objects is a stable merge sort, like Python's sorted()
            Arrays.sort(part, Comparator.comparingInt((Integer index) -> lengths[index]).reversed());
            System.arraycopy(part, 0, boxed, from, part.length);
        }
        int longestStart = 0;
        for (int start = megabatch; start < n; start += megabatch) {
            if (lengths[boxed[start]] > lengths[boxed[longestStart]]) {
                longestStart = start;
            }
        }
        Integer swap = boxed[0];
        boxed[0] = boxed[longestStart];
        boxed[longestStart] = swap;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        return order;
    }
}
