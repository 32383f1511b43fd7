package dev.trainer4j.data.internal;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * HF's {@code SortishSampler} ({@code sortish-sampler = true}, from {@code Seq2SeqTrainingArguments}): batches of
 * examples of similar length in a random order. The order of an epoch, as HF's {@code sortish_sampler_indices}:
 * <ol>
 *   <li>a random permutation of the indices, the one {@link RandomSampler} draws from (data-seed, epoch);</li>
 *   <li>cut into chunks of {@code 50 * batchSize}, each sorted by length, longest first (stable);</li>
 *   <li>the result cut into batches of {@code batchSize}; the batch whose first example is the longest (the first
 *       such batch on ties) is swapped with batch 0, so the longest example comes first;</li>
 *   <li>batch 0, then every other batch in a random order (a second permutation drawn from
 *       (data-seed, epoch)).</li>
 * </ol>
 */
public final class SortishSampler implements Sampler {
    private static final int CHUNK_BATCHES = 50;
    private static final long BATCH_ORDER_DOMAIN = 0x534F52544953L;

    private final int[] lengths;
    private final int batchSize;
    private final long dataSeed;
    private final RandomSampler permutation;

    /**
     * @param lengths the length of each example; copied
     * @param batchSize examples per batch, > 0
     * @param dataSeed the data seed
     */
    public SortishSampler(int[] lengths, int batchSize, long dataSeed) {
        requireNonNull(lengths, "lengths is null");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        this.lengths = lengths.clone();
        this.batchSize = batchSize;
        this.dataSeed = dataSeed;
        this.permutation = new RandomSampler(lengths.length, dataSeed);
    }

    @Override
    public int size() {
        return lengths.length;
    }

    @Override
    public int[] order(int epoch) {
        int n = lengths.length;
        int[] shuffled = permutation.order(epoch);
        Integer[] sorted = new Integer[n];
        int chunk = CHUNK_BATCHES * batchSize;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(from + chunk, n);
            Integer[] part = new Integer[to - from];
            for (int i = from; i < to; i++) {
                part[i - from] = shuffled[i];
            }
            Arrays.sort(part, Comparator.comparingInt((Integer index) -> lengths[index]).reversed());
            System.arraycopy(part, 0, sorted, from, part.length);
        }
        int batches = (n + batchSize - 1) / batchSize;
        if (batches == 0) {
            return new int[0];
        }
        int[] batchOrder = new int[batches];
        for (int batch = 0; batch < batches; batch++) {
            batchOrder[batch] = batch;
        }
        int longest = 0;
        for (int batch = 1; batch < batches; batch++) {
            if (lengths[sorted[batch * batchSize]] > lengths[sorted[longest * batchSize]]) {
                longest = batch;
            }
        }
        batchOrder[0] = longest;
        batchOrder[longest] = 0;
        // the batches after the first in a random order
        SplittableRandom random = new SplittableRandom(Seeds.forEpoch(dataSeed ^ BATCH_ORDER_DOMAIN, epoch));
        for (int i = batches - 1; i > 1; i--) {
            int j = 1 + random.nextInt(i);
            int swap = batchOrder[i];
            batchOrder[i] = batchOrder[j];
            batchOrder[j] = swap;
        }
        int[] order = new int[n];
        int next = 0;
        for (int batch : batchOrder) {
            for (int i = batch * batchSize; i < Math.min((batch + 1) * batchSize, n); i++) {
                order[next++] = sorted[i];
            }
        }
        return order;
    }
}
