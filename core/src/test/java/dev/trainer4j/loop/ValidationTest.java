package dev.trainer4j.loop;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.StreamingDataset;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidationTest {
    @TempDir
    Path dir;

    @Test
    void argumentErrorsNameKeyValueAndExpectation() {
        assertThatThrownBy(() -> TrainingArguments.builder().learningRate(-1).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("learning-rate: -1.0 is not allowed; expected a number >= 0");
        assertThatThrownBy(() -> TrainingArguments.builder().perDeviceTrainBatchSize(0).build())
                .hasMessage("per-device-train-batch-size: 0 is not allowed; expected an integer > 0");
        assertThatThrownBy(() -> TrainingArguments.builder().optim("foo"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("optim: 'foo' is not allowed; expected one of [adamw_torch,")
                .hasMessageContaining("sgd");
        assertThatThrownBy(() -> TrainingArguments.builder().lrSchedulerType("foo"))
                .hasMessageStartingWith("lr-scheduler-type: 'foo' is not allowed; expected one of [")
                .hasMessageContaining("linear");
    }

    @Test
    void evalStrategyNeedsAnEvalDataset() {
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).evalStrategy(IntervalStrategy.STEPS).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(4, 2, 1)).build();
        assertThatThrownBy(() -> new DefaultTrainer(spec, new FakeBackend()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("eval-strategy = steps needs an eval dataset");
    }

    @Test
    void refusesModesTheBackendLacks() {
        TrainerSpec bf16 = TrainerSpec.builder().args(LoopFixtures.args(dir).bf16(true).build()).model(new FakeModel(2)).build();
        assertThatThrownBy(() -> new DefaultTrainer(bf16, new FakeBackend()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("bf16 = true is not supported by backend 'fake': it lacks bf16 mixed precision");
        TrainerSpec fp16 = TrainerSpec.builder().args(LoopFixtures.args(dir).fp16(true).build()).model(new FakeModel(2)).build();
        assertThatThrownBy(() -> new DefaultTrainer(fp16, new FakeBackend()))
                .hasMessageStartingWith("fp16 = true is not supported by backend 'fake': it lacks fp16 mixed precision");
        TrainerSpec devices = TrainerSpec.builder().args(LoopFixtures.args(dir).devices(2).build()).model(new FakeModel(2)).build();
        assertThatThrownBy(() -> new DefaultTrainer(devices, new FakeBackend()))
                .hasMessageStartingWith("devices = 2 is not supported by backend 'fake': it lacks multi-device training");
        TrainerSpec generate = TrainerSpec.builder().args(LoopFixtures.args(dir).set(TrainingArguments.PREDICT_WITH_GENERATE, true).build())
                .model(new FakeModel(2)).build();
        assertThatThrownBy(() -> new DefaultTrainer(generate, new FakeBackend()))
                .hasMessageStartingWith("predict-with-generate = true is not supported by backend 'fake': it lacks generation");
        TrainerSpec halfEval = TrainerSpec.builder().args(LoopFixtures.args(dir).bf16FullEval(true).build())
                .model(new FakeModel(2)).build();
        assertThatThrownBy(() -> new DefaultTrainer(halfEval, new FakeBackend()))
                .hasMessageStartingWith("bf16-full-eval = true is not supported by backend 'fake': it lacks half-precision"
                        + " evaluation");
        // the same settings pass with a backend that has them
        new DefaultTrainer(bf16, new FakeBackend(EnumSet.of(BackendCapability.TRAINING, BackendCapability.MIXED_PRECISION_BF16))).close();
        new DefaultTrainer(halfEval, new FakeBackend(EnumSet.of(BackendCapability.TRAINING,
                BackendCapability.HALF_PRECISION_EVAL))).close();
    }

    @Test
    void aStreamOfUnknownSizeNeedsMaxSteps() {
        StreamingDataset stream = new StreamingDataset() {
            @Override
            public Iterator<Example> iterator(int epoch, long seed) {
                return Collections.emptyIterator();
            }
        };
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).build()).model(new FakeModel(2))
                .trainDataset(stream).build();
        assertThatThrownBy(() -> new DefaultTrainer(spec, new FakeBackend()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("max-steps: -1 is not allowed; expected an integer > 0");
    }

    @Test
    void trainsOnAStreamWithMaxSteps() {
        var data = FakeData.regression(6, 2, 1);
        StreamingDataset stream = new StreamingDataset() {
            @Override
            public Iterator<Example> iterator(int epoch, long seed) {
                return java.util.stream.IntStream.range(0, data.size()).mapToObj(data::get).iterator();
            }
        };
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).maxSteps(7).build()).model(new FakeModel(2))
                .trainDataset(stream).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            // 3 batches per pass over the stream: 7 steps take 3 passes
            assertThat(trainer.train().globalStep()).isEqualTo(7);
            assertThat(LoopFixtures.entriesWith(trainer.state().logHistory(), "train_epoch_loss")).hasSize(3);
        }
    }

    @Test
    void aBadEvalSetIsNamedBeforeTheFirstStep() {
        FakeBackend backend = new FakeBackend();
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).evalStrategy(IntervalStrategy.EPOCH).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(8, 2, 1))
                .evalDataset(FakeData.regression(4, 2, 2))
                .evalDataset("holdout", Dataset.of(List.of(FakeData.example(1, 1, 2, 3), FakeData.example(2, 4, 5, 6))))
                .build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(DataException.class)
                    .hasMessage("the eval dataset 'holdout': field 'x' of its first rows is FLOAT32[2, 3] but model 'linear-regression'"
                            + " expects FLOAT32[-1, 2] (-1: any size)");
            assertThat(trainer.state().globalStep()).isZero();
            assertThat(backend.engines()).isEmpty();
        }
    }
}
