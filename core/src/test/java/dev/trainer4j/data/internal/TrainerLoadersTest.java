package dev.trainer4j.data.internal;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.DefaultCollator;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.loop.DefaultTrainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the Trainer builds its loaders: group_by_length sampling and background collation. */
class TrainerLoadersTest {
    @TempDir
    Path dir;

    private TrainingArguments.Builder args() {
        return TrainingArguments.builder()
                .outputDir(dir.toString())
                .perDeviceTrainBatchSize(2)
                .perDeviceEvalBatchSize(2)
                .numTrainEpochs(2)
                .optim("sgd")
                .learningRate(0.1)
                .lrSchedulerType("constant")
                .maxGradNorm(0)
                .loggingStrategy(IntervalStrategy.STEPS)
                .loggingSteps(1)
                .saveStrategy(SaveStrategy.NO);
    }

    /** Records the {@code id} of every collated example, in the order the batches reach the loop. */
    private static final class RecordingCollator implements Collator {
        final List<List<Long>> batches = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Batch collate(List<Example> examples, dev.trainer4j.api.CollateContext context) {
            batches.add(examples.stream().map(e -> e.getLong("id")).toList());
            return DefaultCollator.INSTANCE.collate(examples.stream().map(e -> e.select(java.util.Set.of("x", "labels"))).toList(), context);
        }
    }

    private static MapDataset withIdsAndLengths(int size) {
        MapDataset base = FakeData.regression(size, 2, 3);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            examples.add(base.get(i).with("id", i).with("length", (i * 7) % 24));
        }
        return Dataset.of(examples);
    }

    private static List<String> loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("trainer4j-loader")).toList();
    }

    @AfterEach
    void noLoaderThreadSurvives() {
        assertThat(loaderThreads()).isEmpty();
    }

    @Test
    void groupByLengthUsesTheLengthColumnAndBatchSizeTimesAccumulation() {
        RecordingCollator collator = new RecordingCollator();
        TrainerSpec spec = TrainerSpec.builder()
                .args(args().numTrainEpochs(1).gradientAccumulationSteps(2).dataSeed(17L)
                        .trainSamplingStrategy(SamplingStrategy.GROUP_BY_LENGTH).build())
                .model(new FakeModel(2)).trainDataset(withIdsAndLengths(24)).collator(collator).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            trainer.train();
        }
        int[] lengths = IntStream.range(0, 24).map(i -> (i * 7) % 24).toArray();
        // 2 per batch * 2 accumulation = 4 per step: megabatches of min(24 // 16, 50) * 4 = 4 (with 2 they would be 6)
        LengthGroupedSampler sampler = new LengthGroupedSampler(lengths, 4, 17);
        assertThat(sampler.megabatchSize()).isEqualTo(4);
        int[] order = sampler.order(0);
        List<List<Long>> expected = new ArrayList<>();
        for (int i = 0; i < 24; i += 2) {
            expected.add(List.of((long) order[i], (long) order[i + 1]));
        }
        assertThat(collator.batches).isEqualTo(expected);
        // the first batch holds the longest example (length 23)
        assertThat(collator.batches.get(0).stream().mapToInt(id -> lengths[id.intValue()]).max().getAsInt()).isEqualTo(23);
    }

    @Test
    void backgroundWorkersTrainExactlyAsInline() {
        List<Object> inlineLosses = trainLosses(0);
        List<Object> prefetchedLosses = trainLosses(2);
        // 10 steps per epoch, 2 epochs, one evaluation per epoch
        assertThat(inlineLosses).hasSize(22);
        assertThat(prefetchedLosses).isEqualTo(inlineLosses);
    }

    private List<Object> trainLosses(int workers) {
        TrainerSpec spec = TrainerSpec.builder()
                .args(args().dataloaderNumWorkers(workers).evalStrategy(IntervalStrategy.EPOCH)
                        .trainSamplingStrategy(SamplingStrategy.RANDOM).overwriteOutputDir(true).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(20, 2, 1))
                .evalDataset(FakeData.regression(6, 2, 2)).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            trainer.train();
            List<Object> losses = new ArrayList<>();
            for (Map<String, Object> entry : trainer.state().logHistory()) {
                if (entry.containsKey("loss")) {
                    losses.add(entry.get("loss"));
                }
                if (entry.containsKey("eval_loss")) {
                    losses.add(entry.get("eval_loss"));
                }
            }
            return losses;
        }
    }

    @Test
    void aFailingCollatorInAWorkerStopsTrainingAndLeavesNoThread() {
        IllegalStateException broken = new IllegalStateException("collator broke");
        Collator failing = (examples, context) -> {
            if (context.epoch() == 1 && context.batchIndex() == 2) {
                throw broken;
            }
            return DefaultCollator.INSTANCE.collate(examples, context);
        };
        TrainerSpec spec = TrainerSpec.builder()
                .args(args().dataloaderNumWorkers(2).dataloaderPrefetchFactor(3).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(20, 2, 1)).collator(failing).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            assertThatThrownBy(trainer::train).isInstanceOf(DataLoadingException.class).hasCause(broken)
                    .hasMessageContaining("loading batch 2 of epoch 1");
            assertThat(trainer.state().globalStep()).isEqualTo(12);
        }
    }
}
