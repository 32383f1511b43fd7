package dev.trainer4j.data.internal;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.ColumnarDataset;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.DefaultCollator;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.testing.ColumnarFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.trainer4j.testing.ColumnarFixtures.ROWS;
import static dev.trainer4j.testing.ColumnarFixtures.assertSameBatch;
import static org.assertj.core.api.Assertions.assertThat;

/** A MapDataLoader over a ColumnarDataset with the DefaultCollator gathers batches from the columns, bit for bit as via examples. */
class ColumnarLoaderTest {
    /** The DefaultCollator behind another instance, so that the loader takes the per-example path. */
    private static final Collator VIA_EXAMPLES = (examples, context) -> DefaultCollator.INSTANCE.collate(examples, context);

    private final ColumnarDataset columnar = ColumnarFixtures.allTypes();

    private static List<Batch> drain(DataLoader loader, int epoch, long startBatch) {
        List<Batch> batches = new ArrayList<>();
        try (BatchIterator iterator = loader.iterator(epoch, startBatch)) {
            iterator.forEachRemaining(batches::add);
        }
        return batches;
    }

    @AfterEach
    void noLoaderThreadSurvives() {
        assertThat(Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("trainer4j-loader"))).isEmpty();
    }

    @Test
    void onlyAColumnarDatasetWithTheDefaultCollatorIsGatheredFromColumns() {
        MapDataset list = Dataset.of(IntStream.range(0, ROWS).mapToObj(columnar::get).toList());
        assertThat(new MapDataLoader(columnar, new SequentialSampler(ROWS), DefaultCollator.INSTANCE, 4, false, 1).gathersFromColumns()).isTrue();
        assertThat(new MapDataLoader(columnar, new SequentialSampler(ROWS), VIA_EXAMPLES, 4, false, 1).gathersFromColumns()).isFalse();
        assertThat(new MapDataLoader(list, new SequentialSampler(ROWS), DefaultCollator.INSTANCE, 4, false, 1).gathersFromColumns()).isFalse();
    }

    @Test
    void batchesAreUniformWhenGatheredFromColumnsAndAllFull() {
        MapDataset list = Dataset.of(IntStream.range(0, ROWS).mapToObj(columnar::get).toList());
        // 11 rows: batches of 1 are all full, batches of 4 leave a last one of 3
        int allFull = 1;
        int leavesPartial = 4;
        assertThat(ROWS % leavesPartial).as("a batch size that leaves a partial last batch").isNotZero();
        assertThat(new MapDataLoader(columnar, new SequentialSampler(ROWS), DefaultCollator.INSTANCE, allFull, false, 1)
                .uniformBatches()).isTrue();
        assertThat(new MapDataLoader(columnar, new SequentialSampler(ROWS), DefaultCollator.INSTANCE, leavesPartial, false, 1)
                .uniformBatches()).as("a partial last batch").isFalse();
        assertThat(new MapDataLoader(columnar, new SequentialSampler(ROWS), DefaultCollator.INSTANCE, leavesPartial, true, 1)
                .uniformBatches()).as("the partial last batch dropped").isTrue();
        assertThat(new MapDataLoader(columnar, new SequentialSampler(ROWS), VIA_EXAMPLES, allFull, false, 1)
                .uniformBatches()).as("another collator may pad each batch its own way").isFalse();
        assertThat(new MapDataLoader(list, new SequentialSampler(ROWS), DefaultCollator.INSTANCE, allFull, false, 1)
                .uniformBatches()).as("examples may differ in width").isFalse();
        // what the loader promises holds for every batch of an epoch
        MapDataLoader uniform = new MapDataLoader(columnar, new RandomSampler(ROWS, 3), DefaultCollator.INSTANCE, leavesPartial, true, 1);
        List<Batch> batches = drain(uniform, 1, 0);
        assertThat(batches).isNotEmpty().allSatisfy(batch -> assertThat(batch.shapes()).isEqualTo(batches.get(0).shapes()));
    }

    @Test
    void gatheredBatchesEqualThePerExampleBatchesForEverySamplerBatchingResumeAndPrefetch() {
        List<Sampler> samplers = List.of(new SequentialSampler(ROWS), new RandomSampler(ROWS, 3));
        List<PrefetchSettings> prefetches = List.of(PrefetchSettings.none(), new PrefetchSettings(2, 2));
        int cases = 0;
        for (Sampler sampler : samplers) {
            for (int batchSize : new int[] {1, 4, 11, 16}) {
                for (boolean dropLast : new boolean[] {false, true}) {
                    for (PrefetchSettings prefetch : prefetches) {
                        MapDataLoader gathered = new MapDataLoader(columnar, sampler, DefaultCollator.INSTANCE, batchSize, dropLast, 5, prefetch);
                        MapDataLoader perExample = new MapDataLoader(columnar, sampler, VIA_EXAMPLES, batchSize, dropLast, 5, prefetch);
                        long batches = gathered.batchesPerEpoch().getAsLong();
                        for (int epoch = 0; epoch < 2; epoch++) {
                            for (long start = 0; start <= Math.min(batches, 2); start++) {
                                String description = sampler.getClass().getSimpleName() + " batch " + batchSize + " drop-last " + dropLast
                                        + " workers " + prefetch.numWorkers() + " epoch " + epoch + " from " + start;
                                List<Batch> actual = drain(gathered, epoch, start);
                                List<Batch> expected = drain(perExample, epoch, start);
                                assertThat(actual).as(description).hasSameSizeAs(expected).hasSize(Math.toIntExact(batches - start));
                                for (int b = 0; b < expected.size(); b++) {
                                    assertSameBatch(actual.get(b), expected.get(b), description + " batch " + b);
                                }
                                cases++;
                            }
                        }
                    }
                }
            }
        }
        // samplers x workers x epochs x starts 0..min(batches, 2) per batch size, without and with drop-last:
        // size 1 (11 batches) -> 3 + 3, size 4 (3 or 2) -> 3 + 3, size 11 (1) -> 2 + 2, size 16 (1 or 0) -> 2 + 1
        assertThat(cases).isEqualTo(2 * 2 * 2 * ((3 + 3 + 2 + 2) + (3 + 3 + 2 + 1)));
    }

    @Test
    void sequentialBatchesAreConsecutiveRowsWithAPartialLastBatch() {
        MapDataLoader loader = new MapDataLoader(columnar, new SequentialSampler(ROWS), DefaultCollator.INSTANCE, 4, false, 1);
        List<Batch> batches = drain(loader, 0, 0);
        assertThat(batches).extracting(Batch::size).containsExactly(4, 4, 3);
        assertThat(batches.get(2).get("ids").ints()).containsExactly(80, 81, 90, 91, 100, 101);
        assertThat(batches.get(2).get("labels").ints()).containsExactly(2, 0, 1);
        MapDataLoader dropping = new MapDataLoader(columnar, new SequentialSampler(ROWS), DefaultCollator.INSTANCE, 4, true, 1);
        assertThat(drain(dropping, 0, 0)).extracting(Batch::size).containsExactly(4, 4);
    }

    @Test
    void randomBatchesFollowTheSamplersOrder() {
        RandomSampler sampler = new RandomSampler(ROWS, 3);
        int[] order = sampler.order(1);
        MapDataLoader loader = new MapDataLoader(columnar, sampler, DefaultCollator.INSTANCE, 4, false, 1);
        Batch second = drain(loader, 1, 1).get(0);
        assertThat(second.get("count").longs()).containsExactly(-order[4], -order[5], -order[6], -order[7]);
    }

    @Test
    void anEmptyColumnarDatasetGivesNoBatch() {
        ColumnarDataset empty = Dataset.ofColumns(Map.of("x", HostTensor.ofFloats(new float[0], 0, 2)));
        MapDataLoader loader = new MapDataLoader(empty, new SequentialSampler(0), DefaultCollator.INSTANCE, 4, false, 1);
        assertThat(loader.batchesPerEpoch()).hasValue(0);
        assertThat(drain(loader, 0, 0)).isEmpty();
    }

    @Test
    void aListOfTheRowViewsGivesTheSameBatches() {
        List<Example> rows = IntStream.range(0, ROWS).mapToObj(columnar::get).toList();
        MapDataLoader fromList = new MapDataLoader(Dataset.of(rows), new RandomSampler(ROWS, 8), DefaultCollator.INSTANCE, 3, false, 2);
        MapDataLoader fromColumns = new MapDataLoader(columnar, new RandomSampler(ROWS, 8), DefaultCollator.INSTANCE, 3, false, 2);
        List<Batch> expected = drain(fromList, 4, 0);
        List<Batch> actual = drain(fromColumns, 4, 0);
        assertThat(actual).hasSize(4).hasSameSizeAs(expected);
        for (int b = 0; b < expected.size(); b++) {
            assertSameBatch(actual.get(b), expected.get(b), "batch " + b);
        }
    }
}
