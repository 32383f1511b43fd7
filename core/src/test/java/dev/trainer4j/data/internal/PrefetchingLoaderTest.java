package dev.trainer4j.data.internal;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.StreamingDataset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrefetchingLoaderTest {
    private static final PrefetchSettings TWO_BY_TWO = new PrefetchSettings(2, 2);

    /** {@code {index: i, tokens: int[i % 5 + 1]}}. */
    private static final MapDataset DATASET = new MapDataset() {
        @Override
        public int size() {
            return 37;
        }

        @Override
        public Example get(int index) {
            return example(index);
        }
    };

    /** The same examples as a stream that shuffles with its epoch seed. */
    private static final StreamingDataset STREAM = new StreamingDataset() {
        @Override
        public Iterator<Example> iterator(int epoch, long seed) {
            List<Integer> indices = new ArrayList<>(IntStream.range(0, 37).boxed().toList());
            Collections.shuffle(indices, new java.util.Random(seed));
            return indices.stream().map(PrefetchingLoaderTest::example).iterator();
        }

        @Override
        public OptionalLong knownSize() {
            return OptionalLong.of(37);
        }
    };

    /** Collates the indices and random noise over each example's tokens drawn from the context, as an MLM collator would. */
    private static final Collator RANDOM_COLLATOR = (examples, context) -> {
        SplittableRandom random = context.random();
        int rows = examples.size();
        long[] indices = new long[rows];
        double[] noise = new double[rows * 5];
        long[] at = new long[rows * 2];
        for (int i = 0; i < rows; i++) {
            indices[i] = examples.get(i).getLong("index");
            int tokens = examples.get(i).getIntArray("tokens").length;
            for (int j = 0; j < tokens; j++) {
                noise[i * 5 + j] = random.nextDouble();
            }
            at[i * 2] = context.epoch();
            at[i * 2 + 1] = context.batchIndex();
        }
        return new Batch(Map.of("index", HostTensor.ofLongs(indices, rows),
                "noise", HostTensor.ofDoubles(noise, rows, 5),
                "at", HostTensor.ofLongs(at, rows, 2)));
    };

    private static Example example(int index) {
        return Example.of(Map.of("index", index, "tokens", new int[index % 5 + 1]));
    }

    private static List<Batch> drain(BatchIterator iterator) {
        List<Batch> batches = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(batches::add);
        }
        return batches;
    }

    private static void assertSameBatches(List<Batch> actual, List<Batch> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).names()).isEqualTo(expected.get(i).names());
            assertThat(actual.get(i).get("index").longs()).isEqualTo(expected.get(i).get("index").longs());
            assertThat(actual.get(i).get("at").longs()).isEqualTo(expected.get(i).get("at").longs());
            // bit for bit: compare the raw bits of every double
            double[] left = actual.get(i).get("noise").doubles();
            double[] right = expected.get(i).get("noise").doubles();
            assertThat(left).hasSameSizeAs(right);
            for (int j = 0; j < left.length; j++) {
                assertThat(Double.doubleToRawLongBits(left[j])).isEqualTo(Double.doubleToRawLongBits(right[j]));
            }
        }
    }

    private static List<String> loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("trainer4j-loader"))
                .toList();
    }

    @AfterEach
    void noLoaderThreadOutlivesATest() {
        assertThat(loaderThreads()).isEmpty();
    }

    @Test
    void prefetchedBatchesEqualInlineBatchesForMapAndStream() {
        for (int epoch = 0; epoch < 3; epoch++) {
            MapDataLoader inline = new MapDataLoader(DATASET, new RandomSampler(37, 5), RANDOM_COLLATOR, 4, false, 5);
            MapDataLoader prefetched = new MapDataLoader(DATASET, new RandomSampler(37, 5), RANDOM_COLLATOR, 4, false, 5, TWO_BY_TWO);
            List<Batch> expected = drain(inline.iterator(epoch, 0));
            assertThat(expected).hasSize(10);
            assertSameBatches(drain(prefetched.iterator(epoch, 0)), expected);

            StreamingDataLoader inlineStream = new StreamingDataLoader(STREAM, RANDOM_COLLATOR, 4, true, 5);
            StreamingDataLoader prefetchedStream = new StreamingDataLoader(STREAM, RANDOM_COLLATOR, 4, true, 5,
                    new PrefetchSettings(3, 1));
            List<Batch> expectedStream = drain(inlineStream.iterator(epoch, 0));
            assertThat(expectedStream).hasSize(9);
            assertSameBatches(drain(prefetchedStream.iterator(epoch, 0)), expectedStream);
        }
    }

    @Test
    void resumingAtBatchKWithWorkersGivesTheInlineTail() {
        MapDataLoader inline = new MapDataLoader(DATASET, new RandomSampler(37, 5), RANDOM_COLLATOR, 4, false, 5);
        MapDataLoader prefetched = new MapDataLoader(DATASET, new RandomSampler(37, 5), RANDOM_COLLATOR, 4, false, 5, TWO_BY_TWO);
        List<Batch> all = drain(inline.iterator(1, 0));
        try (BatchIterator resumed = prefetched.iterator(1, 6)) {
            assertThat(resumed.position()).isEqualTo(6);
            List<Batch> tail = new ArrayList<>();
            resumed.forEachRemaining(tail::add);
            assertSameBatches(tail, all.subList(6, 10));
            assertThat(resumed.position()).isEqualTo(10);
        }
        StreamingDataLoader stream = new StreamingDataLoader(STREAM, RANDOM_COLLATOR, 4, false, 5, TWO_BY_TWO);
        List<Batch> streamAll = drain(new StreamingDataLoader(STREAM, RANDOM_COLLATOR, 4, false, 5).iterator(2, 0));
        assertSameBatches(drain(stream.iterator(2, 7)), streamAll.subList(7, 10));
        // starting at the end gives an empty epoch
        assertThat(drain(prefetched.iterator(1, 10))).isEmpty();
    }

    @Test
    void batchesComeInOrderWhenWorkersFinishOutOfOrder() {
        CountDownLatch batchOneDone = new CountDownLatch(1);
        List<Long> finished = Collections.synchronizedList(new ArrayList<>());
        Collator outOfOrder = (examples, context) -> {
            try {
                if (context.batchIndex() == 0) {
                    // batch 0 waits until batch 1 is done, so batch 1 finishes first
                    assertThat(batchOneDone.await(10, TimeUnit.SECONDS)).isTrue();
                }
                else {
                    Thread.sleep(context.random().nextInt(5));
                }
            }
            catch (InterruptedException interrupted) {
                throw new IllegalStateException(interrupted);
            }
            Batch batch = RANDOM_COLLATOR.collate(examples, context);
            finished.add(context.batchIndex());
            if (context.batchIndex() == 1) {
                batchOneDone.countDown();
            }
            return batch;
        };
        MapDataLoader loader = new MapDataLoader(DATASET, new SequentialSampler(37), outOfOrder, 3, false, 9, new PrefetchSettings(4, 2));
        List<Batch> batches = drain(loader.iterator(0, 0));
        assertThat(finished.indexOf(1L)).isLessThan(finished.indexOf(0L));
        assertThat(batches).hasSize(13);
        for (int i = 0; i < batches.size(); i++) {
            assertThat(batches.get(i).get("at").longs()).startsWith(0, i);
            assertThat(batches.get(i).get("index").longs()[0]).isEqualTo(3L * i);
        }
        assertSameBatches(batches, drain(new MapDataLoader(DATASET, new SequentialSampler(37), RANDOM_COLLATOR, 3, false, 9).iterator(0, 0)));
    }

    @Test
    void positionCountsOnlyReturnedBatchesAndPrefetchIsBounded() throws InterruptedException {
        AtomicInteger collated = new AtomicInteger();
        Collator counting = (examples, context) -> {
            collated.incrementAndGet();
            return RANDOM_COLLATOR.collate(examples, context);
        };
        MapDataLoader loader = new MapDataLoader(DATASET, new SequentialSampler(37), counting, 2, false, 1, TWO_BY_TWO);
        try (BatchIterator batches = loader.iterator(0, 3)) {
            // the workers run ahead by at most 2 * 2 batches
            waitFor(() -> collated.get() == 4);
            Thread.sleep(50);
            assertThat(collated.get()).isEqualTo(4);
            assertThat(batches.position()).isEqualTo(3);
            assertThat(batches.hasNext()).isTrue();
            assertThat(batches.position()).isEqualTo(3);
            assertThat(batches.next().get("at").longs()).startsWith(0, 3);
            assertThat(batches.position()).isEqualTo(4);
            // one batch consumed frees one slot
            waitFor(() -> collated.get() == 5);
            Thread.sleep(50);
            assertThat(collated.get()).isEqualTo(5);
            assertThat(batches.position()).isEqualTo(4);
        }
        assertThat(loaderThreads()).isEmpty();
    }

    @Test
    void aWorkerFailureSurfacesFromNextWithItsCauseAndBatchIndex() {
        IllegalArgumentException boom = new IllegalArgumentException("bad example");
        Collator failing = (examples, context) -> {
            if (context.batchIndex() == 3) {
                throw boom;
            }
            return RANDOM_COLLATOR.collate(examples, context);
        };
        MapDataLoader loader = new MapDataLoader(DATASET, new SequentialSampler(37), failing, 4, false, 1, TWO_BY_TWO);
        BatchIterator batches = loader.iterator(2, 1);
        assertThat(batches.next().get("at").longs()).startsWith(2, 1);
        assertThat(batches.next().get("at").longs()).startsWith(2, 2);
        assertThatThrownBy(batches::next)
                .isInstanceOf(DataLoadingException.class)
                .hasMessageContaining("loading batch 3 of epoch 2 failed")
                .hasMessageContaining("bad example")
                .hasCause(boom)
                .satisfies(failure -> {
                    assertThat(((DataLoadingException) failure).batchIndex()).isEqualTo(3);
                    assertThat(((DataLoadingException) failure).epoch()).isEqualTo(2);
                });
        assertThat(batches.position()).isEqualTo(3);
        // the failure closed the iterator and its threads
        assertThat(batches.hasNext()).isFalse();
        assertThat(loaderThreads()).isEmpty();
        batches.close();
    }

    @Test
    void aStreamReadFailureSurfacesFromNext() {
        IllegalStateException broken = new IllegalStateException("disk gone");
        StreamingDataset failingStream = (epoch, seed) -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Example next() {
                if (next == 5) {
                    throw broken;
                }
                return example(next++);
            }
        };
        StreamingDataLoader loader = new StreamingDataLoader(failingStream, RANDOM_COLLATOR, 2, false, 1, TWO_BY_TWO);
        try (BatchIterator batches = loader.iterator(0, 0)) {
            batches.next();
            batches.next();
            assertThatThrownBy(batches::next).isInstanceOf(DataLoadingException.class).hasCause(broken)
                    .hasMessageContaining("loading batch 2 of epoch 0");
        }
    }

    @Test
    void closeCancelsPendingWorkAndLeavesNoThread() {
        AtomicInteger interrupted = new AtomicInteger();
        Collator slow = (examples, context) -> {
            try {
                Thread.sleep(10_000);
            }
            catch (InterruptedException stop) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
            }
            return RANDOM_COLLATOR.collate(examples, context);
        };
        DataLoader loader = new StreamingDataLoader(STREAM, slow, 2, false, 1, new PrefetchSettings(2, 3));
        BatchIterator batches = loader.iterator(0, 0);
        waitFor(() -> loaderThreads().size() == 3);
        assertThat(loaderThreads()).allMatch(name -> name.matches("trainer4j-loader-(feeder-)?\\d+"));
        assertThat(loaderThreads()).filteredOn(name -> name.contains("feeder")).hasSize(1);
        batches.close();
        assertThat(loaderThreads()).isEmpty();
        // both running collations were interrupted rather than waited for
        assertThat(interrupted.get()).isEqualTo(2);
        assertThat(batches.hasNext()).isFalse();
        batches.close();
    }

    /** The loop thread may be interrupted while it waits for a batch: it gets the batch and keeps the interrupt flag. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anInterruptWhileWaitingForABatchKeepsTheBatchAndThePositionAndTheFlag() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Collator held = (examples, context) -> {
            if (context.batchIndex() == 1) {
                try {
                    release.await();
                }
                catch (InterruptedException interrupted) {
                    throw new IllegalStateException(interrupted);
                }
            }
            return RANDOM_COLLATOR.collate(examples, context);
        };
        MapDataLoader loader = new MapDataLoader(DATASET, new SequentialSampler(37), held, 3, false, 9, TWO_BY_TWO);
        List<Batch> expected = drain(new MapDataLoader(DATASET, new SequentialSampler(37), RANDOM_COLLATOR, 3, false, 9).iterator(0, 0));
        List<Batch> received = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger positionAfter = new AtomicInteger(-1);
        AtomicInteger interruptedAfterNext = new AtomicInteger(-1);
        AtomicInteger interruptedAfterClose = new AtomicInteger(-1);
        Thread consumer = new Thread(() -> {
            BatchIterator batches = loader.iterator(0, 0);
            received.add(batches.next());
            received.add(batches.next()); // waits for batch 1, held by the collator, and is interrupted meanwhile
            positionAfter.set((int) batches.position());
            interruptedAfterNext.set(Thread.currentThread().isInterrupted() ? 1 : 0);
            batches.close(); // with the flag set: still waits for the loader threads
            interruptedAfterClose.set(Thread.interrupted() ? 1 : 0);
        }, "interrupted-consumer");
        consumer.start();
        waitFor(() -> received.size() == 1 && consumer.getState() == Thread.State.WAITING);
        consumer.interrupt();
        release.countDown();
        consumer.join();

        assertSameBatches(received, expected.subList(0, 2));
        assertThat(positionAfter.get()).isEqualTo(2);
        assertThat(interruptedAfterNext.get()).isEqualTo(1);
        assertThat(interruptedAfterClose.get()).isEqualTo(1);
        assertThat(loaderThreads()).isEmpty();
    }

    @Test
    void closingMidEpochAfterSomeBatchesLeavesNoThread() {
        MapDataLoader loader = new MapDataLoader(DATASET, new RandomSampler(37, 1), RANDOM_COLLATOR, 2, false, 1, TWO_BY_TWO);
        for (int round = 0; round < 5; round++) {
            try (BatchIterator batches = loader.iterator(round, 0)) {
                batches.next();
                batches.next();
                assertThat(batches.position()).isEqualTo(2);
            }
            assertThat(loaderThreads()).isEmpty();
        }
        assertThatThrownBy(() -> new PrefetchSettings(-1, 2)).hasMessageContaining("dataloader-num-workers must be >= 0, got -1");
        assertThatThrownBy(() -> new PrefetchSettings(1, 0)).hasMessageContaining("dataloader-prefetch-factor must be >= 1, got 0");
        assertThat(new PrefetchSettings(3, 4).maxBatchesInFlight()).isEqualTo(12);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(1);
            }
            catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new AssertionError(interrupted);
            }
        }
    }
}
