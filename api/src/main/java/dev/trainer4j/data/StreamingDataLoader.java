package dev.trainer4j.data;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.CollateContext;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.StreamingDataset;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Batches of a {@link StreamingDataset}. The stream of an epoch is opened with {@link Seeds#forEpoch(long, int)};
 * starting at batch {@code k} skips {@code k * batchSize} examples by iterating (a stream has no index), without
 * collating them.
 */
public final class StreamingDataLoader implements DataLoader {
    private final StreamingDataset dataset;
    private final Collator collator;
    private final int batchSize;
    private final boolean dropLast;
    private final long dataSeed;

    public StreamingDataLoader(StreamingDataset dataset, Collator collator, int batchSize, boolean dropLast, long dataSeed) {
        this.dataset = requireNonNull(dataset, "dataset is null");
        this.collator = requireNonNull(collator, "collator is null");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.dataSeed = dataSeed;
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
        return new BatchIterator() {
            private long position = startBatch;
            private List<Example> pending;

            @Override
            public long position() {
                return position;
            }

            @Override
            public boolean hasNext() {
                if (pending == null) {
                    List<Example> next = new ArrayList<>(batchSize);
                    while (next.size() < batchSize && examples.hasNext()) {
                        next.add(examples.next());
                    }
                    if (next.isEmpty() || (dropLast && next.size() < batchSize)) {
                        return false;
                    }
                    pending = next;
                }
                return true;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the stream of epoch " + epoch + " ended at batch " + position);
                }
                List<Example> batch = pending;
                pending = null;
                CollateContext context = new CollateContext(Seeds.forBatch(dataSeed, epoch, position), epoch, position);
                position++;
                return collator.collate(batch, context);
            }
        };
    }
}
