package dev.trainer4j.loop;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.TrainingArguments;

import java.util.NoSuchElementException;
import java.util.OptionalDouble;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * The first {@code limit} batches of every epoch of a loader: {@code limit-train-batches}, {@code overfit-batches}
 * and {@code fast-dev-run} for training, {@code limit-eval-batches} and {@code fast-dev-run} for evaluation.
 */
final class LimitedDataLoader implements DataLoader {
    private final DataLoader loader;
    private final long limit;
    private final int batchSize;

    private LimitedDataLoader(DataLoader loader, long limit, int batchSize) {
        this.loader = requireNonNull(loader, "loader is null");
        this.limit = limit;
        this.batchSize = batchSize;
    }

    /** The training loader as the quick-run arguments limit it (the loader itself when none does). */
    static DataLoader forTraining(DataLoader loader, TrainingArguments args) {
        long limit = Long.MAX_VALUE;
        if (args.fastDevRun() > 0) {
            limit = (long) args.fastDevRun() * args.gradientAccumulationSteps();
        }
        if (args.overfitBatches() > 0) {
            limit = Math.min(limit, args.overfitBatches());
        }
        limit = Math.min(limit, resolve(TrainingArguments.LIMIT_TRAIN_BATCHES.key(), args.limitTrainBatches(), loader));
        return limit == Long.MAX_VALUE ? loader : new LimitedDataLoader(loader, limit, args.trainBatchSize());
    }

    /** An eval loader as {@code limit-eval-batches} and {@code fast-dev-run} limit it. */
    static DataLoader forEvaluation(DataLoader loader, TrainingArguments args) {
        long limit = args.fastDevRun() > 0 ? args.fastDevRun() : Long.MAX_VALUE;
        limit = Math.min(limit, resolve(TrainingArguments.LIMIT_EVAL_BATCHES.key(), args.limitEvalBatches(), loader));
        return limit == Long.MAX_VALUE ? loader : new LimitedDataLoader(loader, limit, args.evalBatchSize());
    }

    /** An integer limit as is; a ratio of the epoch's batches rounded up (at least 1); none: no limit. */
    private static long resolve(String key, OptionalDouble value, DataLoader loader) {
        if (value.isEmpty()) {
            return Long.MAX_VALUE;
        }
        double limit = value.getAsDouble();
        if (limit >= 1) {
            return (long) limit;
        }
        OptionalLong batches = loader.batchesPerEpoch();
        if (batches.isEmpty()) {
            throw new ConfigurationException(key, limit, "an integer number of batches: a ratio needs a dataset of known"
                    + " size, and this one is a stream");
        }
        return Math.max(1, (long) Math.ceil(batches.getAsLong() * limit));
    }

    @Override
    public OptionalLong batchesPerEpoch() {
        OptionalLong batches = loader.batchesPerEpoch();
        return batches.isPresent() ? OptionalLong.of(Math.min(batches.getAsLong(), limit)) : OptionalLong.empty();
    }

    @Override
    public OptionalLong numExamples() {
        OptionalLong examples = loader.numExamples();
        return examples.isPresent() ? OptionalLong.of(Math.min(examples.getAsLong(), limit * batchSize)) : OptionalLong.empty();
    }

    /** The first batches of a uniform loader are uniform too. */
    @Override
    public boolean uniformBatches() {
        return loader.uniformBatches();
    }

    @Override
    public BatchIterator iterator(int epoch, long startBatch) {
        BatchIterator batches = loader.iterator(epoch, startBatch);
        return new BatchIterator() {
            @Override
            public long position() {
                return batches.position();
            }

            @Override
            public boolean hasNext() {
                return batches.position() < limit && batches.hasNext();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the epoch's first " + limit + " batches are used up");
                }
                return batches.next();
            }

            @Override
            public void close() {
                batches.close();
            }
        };
    }
}
