package dev.trainer4j.data.internal;

/** Visits {@code 0 .. size-1} in order, every epoch (evaluation, {@code train-sampling-strategy = sequential}). */
public final class SequentialSampler implements Sampler {
    private final int size;

    public SequentialSampler(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        this.size = size;
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
        return order;
    }
}
