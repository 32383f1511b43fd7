package dev.trainer4j.data.internal;

import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.StreamingDataset;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Batches of a {@link StreamingDataset}. The stream of an epoch is opened with {@link Seeds#forEpoch(long, int)};
 * starting at batch {@code k} skips {@code k * batchSize} examples by iterating (a stream has no index), without
 * collating them. With {@link PrefetchSettings workers} one background thread reads the stream in order and the
 * workers collate; the batches are the same as without workers.
 */
public final class StreamingDataLoader implements DataLoader {
    private final StreamingDataset dataset;
    private final Collator collator;
    private final int batchSize;
    private final boolean dropLast;
    private final long dataSeed;
    private final PrefetchSettings prefetch;

    public StreamingDataLoader(StreamingDataset dataset, Collator collator, int batchSize, boolean dropLast, long dataSeed) {
        this(dataset, collator, batchSize, dropLast, dataSeed, PrefetchSettings.none());
    }

    /** A loader that collates in background workers when {@code prefetch} asks for them. */
    public StreamingDataLoader(StreamingDataset dataset, Collator collator, int batchSize, boolean dropLast, long dataSeed,
                               PrefetchSettings prefetch) {
        this.dataset = requireNonNull(dataset, "dataset is null");
        this.collator = requireNonNull(collator, "collator is null");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.dataSeed = dataSeed;
        this.prefetch = requireNonNull(prefetch, "prefetch is null");
    }

    @Override
    public OptionalLong batchesPerEpoch() {
        OptionalLong size = dataset.knownSize();
        if (size.isEmpty()) {
            return OptionalLong.empty();
        }
        long n = size.getAsLong();
        return OptionalLong.of(dropLast ? n / batchSize : (n + batchSize - 1) / batchSize);
    }

    @Override
    public OptionalLong numExamples() {
        return dataset.knownSize();
    }

    @Override
    public BatchIterator iterator(int epoch, long startBatch) {
        if (startBatch < 0) {
            throw new IllegalArgumentException("start batch must be >= 0, got " + startBatch);
        }
        Iterator<Example> examples = dataset.iterator(epoch, Seeds.forEpoch(dataSeed, epoch));
        long toSkip = startBatch * batchSize;
        for (long i = 0; i < toSkip && examples.hasNext(); i++) {
            examples.next();
        }
        BatchSource source = () -> {
            List<Example> next = new ArrayList<>(batchSize);
            while (next.size() < batchSize && examples.hasNext()) {
                next.add(examples.next());
            }
            if (next.isEmpty() || (dropLast && next.size() < batchSize)) {
                return null;
            }
            return context -> collator.collate(next, context);
        };
        return Batches.iterator(source, dataSeed, epoch, startBatch, prefetch);
    }
}
