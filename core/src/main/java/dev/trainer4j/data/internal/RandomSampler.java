package dev.trainer4j.data.internal;

import java.util.SplittableRandom;

/**
 * A random permutation per epoch, drawn by Fisher–Yates from a {@link SplittableRandom} seeded with
 * {@link Seeds#forEpoch(long, int) (data-seed, epoch)}: reproducible for an epoch, different across epochs and seeds.
 */
public final class RandomSampler implements Sampler {
    private final int size;
    private final long dataSeed;

    public RandomSampler(int size, long dataSeed) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        this.size = size;
        this.dataSeed = dataSeed;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] order(int epoch) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(Seeds.forEpoch(dataSeed, epoch));
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
