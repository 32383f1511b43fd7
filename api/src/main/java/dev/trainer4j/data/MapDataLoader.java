package dev.trainer4j.data;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.CollateContext;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.MapDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Batches of a {@link MapDataset} in a {@link Sampler}'s order. {@link #iterator(int, long)} jumps to any batch in
 * O(1) example reads: it recomputes the epoch's index order and reads only the examples of the batches it returns.
 * Each batch is collated with {@code CollateContext(Seeds.forBatch(dataSeed, epoch, batchIndex), epoch, batchIndex)}.
 */
public final class MapDataLoader implements DataLoader {
    private final MapDataset dataset;
    private final Sampler sampler;
    private final Collator collator;
    private final int batchSize;
    private final boolean dropLast;
    private final long dataSeed;

    public MapDataLoader(MapDataset dataset, Sampler sampler, Collator collator, int batchSize, boolean dropLast, long dataSeed) {
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
    }

    public int batchSize() {
        return batchSize;
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
        return new BatchIterator() {
            private long position = startBatch;

            @Override
            public long position() {
                return position;
            }

            @Override
            public boolean hasNext() {
                return position < batches;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("epoch " + epoch + " has " + batches + " batches");
                }
                int from = Math.toIntExact(position * batchSize);
                int to = Math.min(from + batchSize, order.length);
                List<Example> examples = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    examples.add(dataset.get(order[i]));
                }
                CollateContext context = new CollateContext(Seeds.forBatch(dataSeed, epoch, position), epoch, position);
                position++;
                return collator.collate(examples, context);
            }
        };
    }
}
