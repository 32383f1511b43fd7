package dev.trainer4j.data.internal;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.CollateContext;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.StreamingDataset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SamplersAndLoadersTest {

    /** A dataset of {@code {index: i}} that counts its reads. */
    static final class CountingDataset implements MapDataset {
        final int size;
        final List<Integer> reads = new ArrayList<>();

        CountingDataset(int size) {
            this.size = size;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public Example get(int index) {
            reads.add(index);
            return Example.of(Map.of("index", index));
        }
    }

    /** Collates the indices and records the context (seed, epoch, batch) in the batch. */
    static final Collator RECORDING_COLLATOR = (examples, context) -> {
        long[] indices = examples.stream().mapToLong(e -> e.getLong("index")).toArray();
        return new Batch(Map.of("index", HostTensor.ofLongs(indices, indices.length),
                "context", HostTensor.ofLongs(repeat(new long[] {context.seed(), context.epoch(), context.batchIndex()}, indices.length),
                        indices.length, 3)));
    };

    private static long[] repeat(long[] row, int times) {
        long[] result = new long[row.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(row, 0, result, i * row.length, row.length);
        }
        return result;
    }

    private static List<List<Long>> drain(BatchIterator iterator) {
        List<List<Long>> batches = new ArrayList<>();
        while (iterator.hasNext()) {
            Batch batch = iterator.next();
            batches.add(Arrays.stream(batch.get("index").longs()).boxed().toList());
        }
        return batches;
    }

    @Test
    void seedsAreDeterministicAndDistinctAcrossCoordinates() {
        assertThat(Seeds.forEpoch(42, 0)).isEqualTo(Seeds.forEpoch(42, 0));
        assertThat(Seeds.forEpoch(42, 0)).isNotEqualTo(Seeds.forEpoch(42, 1)).isNotEqualTo(Seeds.forEpoch(43, 0));
        assertThat(Seeds.forBatch(42, 0, 5)).isEqualTo(Seeds.forBatch(42, 0, 5));
        assertThat(Seeds.forBatch(42, 0, 5)).isNotEqualTo(Seeds.forBatch(42, 0, 6))
                .isNotEqualTo(Seeds.forBatch(42, 1, 5)).isNotEqualTo(Seeds.forBatch(41, 0, 5));
        // SplitMix64's published first output for seed 0 is mix(0x9E3779B97F4A7C15)
        assertThat(Seeds.mix(0x9E3779B97F4A7C15L)).isEqualTo(0xE220A8397B1DCDAFL);
    }

    @Test
    void randomSamplerIsAPermutationReproducibleForSeedAndEpoch() {
        int[] order = new RandomSampler(50, 7).order(3);
        assertThat(Arrays.stream(order).sorted().toArray()).isEqualTo(IntStream.range(0, 50).toArray());
        assertThat(new RandomSampler(50, 7).order(3)).isEqualTo(order);
        assertThat(new RandomSampler(50, 8).order(3)).isNotEqualTo(order);
        assertThat(new RandomSampler(50, 7).order(4)).isNotEqualTo(order);
        assertThat(order).isNotEqualTo(IntStream.range(0, 50).toArray());
        assertThat(new SequentialSampler(4).order(9)).containsExactly(0, 1, 2, 3);
    }

    @Test
    void mapLoaderHonoursDropLast() {
        MapDataLoader keep = new MapDataLoader(new CountingDataset(10), new SequentialSampler(10), RECORDING_COLLATOR, 4, false, 1);
        MapDataLoader drop = new MapDataLoader(new CountingDataset(10), new SequentialSampler(10), RECORDING_COLLATOR, 4, true, 1);
        assertThat(keep.batchesPerEpoch()).isEqualTo(OptionalLong.of(3));
        assertThat(drain(keep.iterator(0, 0))).containsExactly(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L), List.of(8L, 9L));
        assertThat(drop.batchesPerEpoch()).isEqualTo(OptionalLong.of(2));
        assertThat(drain(drop.iterator(0, 0))).containsExactly(List.of(0L, 1L, 2L, 3L), List.of(4L, 5L, 6L, 7L));
    }

    @Test
    void iteratorFromBatchKEqualsSkippingTheFirstKBatchesWithoutReadingThem() {
        CountingDataset full = new CountingDataset(23);
        MapDataLoader loader = new MapDataLoader(full, new RandomSampler(23, 99), RECORDING_COLLATOR, 4, false, 5);
        BatchIterator fromStart = loader.iterator(2, 0);
        List<Batch> skipped = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            skipped.add(fromStart.next());
        }
        List<Batch> rest = new ArrayList<>();
        fromStart.forEachRemaining(rest::add);

        CountingDataset jumped = new CountingDataset(23);
        MapDataLoader jumping = new MapDataLoader(jumped, new RandomSampler(23, 99), RECORDING_COLLATOR, 4, false, 5);
        BatchIterator fromThree = jumping.iterator(2, 3);
        assertThat(fromThree.position()).isEqualTo(3);
        List<Batch> resumed = new ArrayList<>();
        fromThree.forEachRemaining(resumed::add);

        assertThat(resumed).hasSameSizeAs(rest).hasSize(3);
        for (int i = 0; i < rest.size(); i++) {
            assertThat(resumed.get(i).get("index").longs()).isEqualTo(rest.get(i).get("index").longs());
            assertThat(resumed.get(i).get("context").longs()).isEqualTo(rest.get(i).get("context").longs());
        }
        // only the 11 examples of batches 3..5 were read, never the 12 before them
        assertThat(jumped.reads).hasSize(11);
        long[] context = resumed.get(0).get("context").longs();
        assertThat(context[0]).isEqualTo(Seeds.forBatch(5, 2, 3));
        assertThat(context[1]).isEqualTo(2);
        assertThat(context[2]).isEqualTo(3);
        assertThat(fromThree.position()).isEqualTo(6);
    }

    @Test
    void streamingLoaderSkipsByIteratingAndPassesTheEpochSeed() {
        List<Long> seeds = new ArrayList<>();
        StreamingDataset stream = new StreamingDataset() {
            @Override
            public Iterator<Example> iterator(int epoch, long seed) {
                seeds.add(seed);
                return IntStream.range(0, 7).mapToObj(i -> Example.of(Map.of("index", i + 100 * epoch))).iterator();
            }
        };
        StreamingDataLoader loader = new StreamingDataLoader(stream, RECORDING_COLLATOR, 3, false, 11);
        assertThat(loader.batchesPerEpoch()).isEmpty();
        assertThat(drain(loader.iterator(1, 0))).containsExactly(List.of(100L, 101L, 102L), List.of(103L, 104L, 105L), List.of(106L));
        BatchIterator resumed = loader.iterator(1, 1);
        assertThat(resumed.hasNext()).isTrue();
        Batch batch = resumed.next();
        assertThat(batch.get("index").longs()).containsExactly(103, 104, 105);
        assertThat(batch.get("context").longs()[0]).isEqualTo(Seeds.forBatch(11, 1, 1));
        assertThat(seeds).containsOnly(Seeds.forEpoch(11, 1));
        StreamingDataLoader dropping = new StreamingDataLoader(stream, RECORDING_COLLATOR, 3, true, 11);
        assertThat(drain(dropping.iterator(0, 0))).containsExactly(List.of(0L, 1L, 2L), List.of(3L, 4L, 5L));
    }

    @Test
    void rejectsAStartBatchBeyondTheEpoch() {
        MapDataLoader loader = new MapDataLoader(new CountingDataset(4), new SequentialSampler(4), RECORDING_COLLATOR, 2, false, 1);
        assertThatThrownBy(() -> loader.iterator(0, 3)).hasMessageContaining("start batch 3 is outside [0, 2]");
        assertThat(CollateContext.unseeded().seed()).isZero();
    }
}
