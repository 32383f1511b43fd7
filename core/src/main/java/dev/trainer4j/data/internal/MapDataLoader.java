package dev.trainer4j.data.internal;

import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.ColumnarDataset;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.DefaultCollator;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.MapDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Batches of a {@link MapDataset} in a {@link Sampler}'s order. {@link #iterator(int, long)} jumps to any batch in
 * O(1) example reads: it recomputes the epoch's index order and reads only the examples of the batches it returns.
 * Each batch is collated with {@code CollateContext(Seeds.forBatch(dataSeed, epoch, batchIndex), epoch, batchIndex)},
 * on the calling thread or, with {@link PrefetchSettings workers}, in the background (same batches either way; the
 * workers also read the examples, so {@link MapDataset#get(int)} must be thread-safe as its contract says).
 *
 * <p>A {@link ColumnarDataset} with {@code DefaultCollator.INSTANCE} skips the examples: each batch is
 * {@link ColumnarDataset#gather(int[], int, int) gathered} straight from the columns, the same batch bit for bit.
 */
public final class MapDataLoader implements DataLoader {
    private final MapDataset dataset;
    private final Sampler sampler;
    private final Collator collator;
    private final int batchSize;
    private final boolean dropLast;
    private final long dataSeed;
    private final PrefetchSettings prefetch;
    private final ColumnarDataset gatheredDirectly;

    public MapDataLoader(MapDataset dataset, Sampler sampler, Collator collator, int batchSize, boolean dropLast, long dataSeed) {
        this(dataset, sampler, collator, batchSize, dropLast, dataSeed, PrefetchSettings.none());
    }

    /** A loader that collates in background workers when {@code prefetch} asks for them. */
    public MapDataLoader(MapDataset dataset, Sampler sampler, Collator collator, int batchSize, boolean dropLast, long dataSeed,
                         PrefetchSettings prefetch) {
        this.dataset = requireNonNull(dataset, "dataset is null");
        this.sampler = requireNonNull(sampler, "sampler is null");
        this.collator = requireNonNull(collator, "collator is null");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        if (sampler.size() != dataset.size()) {
            throw new IllegalArgumentException("sampler covers " + sampler.size() + " indices but the dataset has " + dataset.size());
        }
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.dataSeed = dataSeed;
        this.prefetch = requireNonNull(prefetch, "prefetch is null");
        this.gatheredDirectly = dataset instanceof ColumnarDataset columnar && collator == DefaultCollator.INSTANCE ? columnar : null;
    }

    /** Whether batches are gathered straight from a {@link ColumnarDataset}'s columns, without examples. */
    boolean gathersFromColumns() {
        return gatheredDirectly != null;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Columns gathered by the default collator, in batches that are all full: every batch has the same shapes. */
    @Override
    public boolean uniformBatches() {
        return gatheredDirectly != null && (dropLast || dataset.size() % batchSize == 0);
    }

    @Override
    public OptionalLong batchesPerEpoch() {
        long size = dataset.size();
        return OptionalLong.of(dropLast ? size / batchSize : (size + batchSize - 1) / batchSize);
    }

    @Override
    public OptionalLong numExamples() {
        return OptionalLong.of(dataset.size());
    }

    @Override
    public BatchIterator iterator(int epoch, long startBatch) {
        long batches = batchesPerEpoch().getAsLong();
        if (startBatch < 0 || startBatch > batches) {
            throw new IllegalArgumentException("start batch " + startBatch + " is outside [0, " + batches + "] for epoch " + epoch);
        }
        int[] order = sampler.order(epoch);
        BatchSource source = new BatchSource() {
            private long next = startBatch;

            @Override
            public BatchRead next() {
                if (next >= batches) {
                    return null;
                }
                int from = Math.toIntExact(next * batchSize);
                int to = Math.min(from + batchSize, order.length);
                next++;
                return read(order, from, to);
            }
        };
        return Batches.iterator(source, dataSeed, epoch, startBatch, prefetch);
    }

    /** The read of the batch of {@code order[from .. to-1]}, run later on the thread that builds the batch. */
    private BatchSource.BatchRead read(int[] order, int from, int to) {
        if (gatheredDirectly != null) {
            return context -> gatheredDirectly.gather(order, from, to);
        }
        return context -> {
            List<Example> examples = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                examples.add(dataset.get(order[i]));
            }
            return collator.collate(examples, context);
        };
    }
}
