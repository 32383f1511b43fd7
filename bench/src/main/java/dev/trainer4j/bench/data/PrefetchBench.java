package dev.trainer4j.bench.data;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.DefaultCollator;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.loop.DefaultTrainer;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.TrainingEngine;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Shows that background collation ({@code dataloader-num-workers}) takes a slow collator's time off the step time.
 *
 * <p>A map-style loader with a collator that takes {@code collate-ms} per batch feeds a simulated training step that
 * takes {@code step-ms} (the training thread sleeps, as it would while waiting for a device). Each round runs
 * {@code steps} steps once with 0 workers and once with 2 workers x prefetch 2, timing every {@code next()} + step;
 * the program prints the median step time of each setting over all rounds and their ratio. With workers the step
 * should cost about {@code max(step, collate / workers)} instead of {@code step + collate}.
 *
 * <p>The loaders are the trainer's own ({@link Trainer#getTrainDataLoader()}: the random sampler seeded by
 * {@code data-seed}, the workers of {@code dataloader-num-workers}), taken from a trainer that never compiles a model.
 *
 * <p>Arguments (all optional): {@code rounds steps step-ms collate-ms}, default {@code 5 200 5 4}.
 */
public final class PrefetchBench {
    private static final int BATCH_SIZE = 8;
    private static final int WARMUP_STEPS = 20;

    private PrefetchBench() {
    }

    public static void main(String[] arguments) {
        int rounds = argument(arguments, 0, 5);
        int steps = argument(arguments, 1, 200);
        int stepMillis = argument(arguments, 2, 5);
        int collateMillis = argument(arguments, 3, 4);
        MapDataset dataset = syntheticDataset(steps * BATCH_SIZE);
        Collator slowCollator = (examples, context) -> {
            sleepMillis(collateMillis);
            return DefaultCollator.INSTANCE.collate(examples, context);
        };

        System.out.printf(Locale.ROOT, "prefetch bench: %d rounds x %d steps, step %d ms, collator %d ms per batch of %d%n",
                rounds, steps, stepMillis, collateMillis, BATCH_SIZE);
        double[] inlineAll = new double[0];
        double[] prefetchAll = new double[0];
        for (int round = 1; round <= rounds; round++) {
            double[] inline = run(trainLoader(dataset, slowCollator, round, 0), round, stepMillis);
            double[] prefetched = run(trainLoader(dataset, slowCollator, round, 2), round, stepMillis);
            System.out.printf(Locale.ROOT, "round %d: median step %.2f ms with 0 workers, %.2f ms with 2 workers x prefetch 2%n",
                    round, median(inline), median(prefetched));
            inlineAll = concat(inlineAll, inline);
            prefetchAll = concat(prefetchAll, prefetched);
        }
        double inlineMedian = median(inlineAll);
        double prefetchMedian = median(prefetchAll);
        System.out.printf(Locale.ROOT, "prefetch step time %.1f ms vs %.1f ms without (%.2fx)%n",
                prefetchMedian, inlineMedian, prefetchMedian / inlineMedian);
    }

    /** The training data loader a trainer builds for these settings (prefetch factor 2 when there are workers). */
    private static DataLoader trainLoader(MapDataset dataset, Collator collator, long dataSeed, int workers) {
        TrainingArguments args = TrainingArguments.builder().outputDir("unused").perDeviceTrainBatchSize(BATCH_SIZE)
                .dataSeed(dataSeed).dataloaderNumWorkers(workers).dataloaderPrefetchFactor(workers > 0 ? 2 : null)
                .build();
        TrainerSpec spec = TrainerSpec.builder().args(args).model(LoaderOnly.MODEL).trainDataset(dataset)
                .collator(collator).build();
        try (Trainer trainer = new DefaultTrainer(spec, new LoaderOnly())) {
            return trainer.getTrainDataLoader();
        }
    }

    /** Step times in ms of one epoch, after a warm-up; each step is next() plus the simulated training step. */
    private static double[] run(DataLoader loader, int epoch, int stepMillis) {
        long batches = loader.batchesPerEpoch().orElseThrow();
        double[] times = new double[(int) batches - WARMUP_STEPS];
        try (BatchIterator iterator = loader.iterator(epoch, 0)) {
            for (int step = 0; iterator.hasNext(); step++) {
                long start = System.nanoTime();
                Batch batch = iterator.next();
                simulateStep(batch, stepMillis);
                if (step >= WARMUP_STEPS) {
                    times[step - WARMUP_STEPS] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return times;
    }

    private static void simulateStep(Batch batch, int stepMillis) {
        if (batch.size() != BATCH_SIZE) {
            throw new IllegalStateException("expected batches of " + BATCH_SIZE + ", got " + batch.size());
        }
        sleepMillis(stepMillis);
    }

    private static MapDataset syntheticDataset(int size) {
        Example[] examples = new Example[size];
        for (int i = 0; i < size; i++) {
            float[] features = new float[16];
            Arrays.fill(features, i);
            examples[i] = Example.of(Map.of("x", features, "labels", (float) i));
        }
        return new MapDataset() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public Example get(int index) {
                return examples[index];
            }
        };
    }

    private static void sleepMillis(int millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        }
        catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", interrupted);
        }
    }

    private static int argument(String[] arguments, int index, int fallback) {
        if (arguments.length <= index) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(arguments[index]);
            if (value < 0 || (index < 2 && value == 0)) {
                throw new NumberFormatException();
            }
            return value;
        }
        catch (NumberFormatException bad) {
            throw new IllegalArgumentException("argument " + (index + 1) + " (" + new String[] {"rounds", "steps", "step-ms", "collate-ms"}[index]
                    + ") must be a " + (index < 2 ? "positive" : "non-negative") + " integer, got '" + arguments[index] + "'");
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double[] concat(double[] left, double[] right) {
        double[] result = Arrays.copyOf(left, left.length + right.length);
        System.arraycopy(right, 0, result, left.length, right.length);
        return result;
    }

    /** A backend and model that only give a trainer its data loaders: nothing is compiled or trained. */
    private static final class LoaderOnly implements Backend {
        static final Model MODEL = new Model() {
            @Override
            public String name() {
                return "loader-only";
            }

            @Override
            public List<InputSpec> inputs() {
                return List.of(InputSpec.feature("x", DataType.FLOAT32, -1, 16), InputSpec.label("labels", DataType.FLOAT32, -1));
            }
        };

        @Override
        public String name() {
            return "loader-only";
        }

        @Override
        public Set<BackendCapability> capabilities() {
            return Set.of();
        }

        @Override
        public TrainingEngine compile(Model model, TrainingArguments args, EngineOptions options) {
            throw new UnsupportedOperationException("the prefetch bench compiles no model");
        }

        @Override
        public Trainer createTrainer(TrainerSpec spec) {
            return new DefaultTrainer(spec, this);
        }
    }
}
