package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.GradientSnapshot;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeEngine;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The loop asks the engine for a step's gradients only on the steps the logging strategy logs, and only while a
 * callback {@link Callback#needsGradients() needs them}; ordinary steps fetch none.
 */
class GradientCaptureTest {
    @TempDir
    Path dir;

    /** Reads the trainer's gradients at every training log, as the TensorBoard callback does. */
    private static final class GradientReader implements Callback {
        private final boolean needs;
        private Trainer trainer;
        final List<Optional<GradientSnapshot>> seen = new ArrayList<>();
        final List<Long> logSteps = new ArrayList<>();
        final List<Double> gradNorms = new ArrayList<>();

        GradientReader(boolean needs) {
            this.needs = needs;
        }

        @Override
        public void onTrainerAttached(Trainer attached) {
            this.trainer = attached;
        }

        @Override
        public boolean needsGradients() {
            return needs;
        }

        @Override
        public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {
            if (logs.containsKey("loss")) {
                seen.add(trainer.lastGradients());
                logSteps.add(state.globalStep());
                gradNorms.add(((Number) logs.get("grad_norm")).doubleValue());
            }
        }
    }

    private static List<String> steps(FakeEngine engine) {
        return engine.calls().stream().filter(call -> call.startsWith("step(")).toList();
    }

    @Test
    void onlyTheLoggedStepsFetchGradientsAndTheLogSeesThem() {
        // 20 examples, batch 2 -> 10 steps; logs at steps 1 (first step), 3, 6 and 9
        GradientReader reader = new GradientReader(true);
        FakeBackend backend = new FakeBackend();
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).numTrainEpochs(1).loggingStrategy(IntervalStrategy.STEPS).loggingSteps(3)
                        .loggingFirstStep(true).maxGradNorm(0.01).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(20, 2, 1)).addCallback(reader).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        List<String> steps = steps(backend.engines().get(0));
        assertThat(steps).hasSize(10);
        // StepContext.globalStep is 0-based: logged steps 1, 3, 6, 9 are calls 0, 2, 5, 8
        List<Integer> capturing = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).endsWith(", gradients)")) {
                capturing.add(i);
            }
        }
        assertThat(capturing).containsExactly(0, 2, 5, 8);
        assertThat(reader.logSteps).containsExactly(1L, 3L, 6L, 9L);
        for (int i = 0; i < reader.seen.size(); i++) {
            GradientSnapshot snapshot = reader.seen.get(i).orElseThrow();
            assertThat(snapshot.globalStep()).isEqualTo(reader.logSteps.get(i));
            assertThat(snapshot.gradients()).containsOnlyKeys("w", "b");
            // the snapshot is the pre-clipping gradient (max-grad-norm 0.01 clips every step): its norm is grad_norm
            double squares = 0;
            for (float[] values : snapshot.gradients().values()) {
                for (float value : values) {
                    squares += (double) value * value;
                }
            }
            assertThat(reader.gradNorms.get(i)).isGreaterThan(0.01);
            assertThat(Math.sqrt(squares)).isCloseTo(reader.gradNorms.get(i), within(1e-6 * reader.gradNorms.get(i)));
        }
    }

    @Test
    void withoutACallbackThatNeedsGradientsNoStepFetchesThem() {
        GradientReader reader = new GradientReader(false);
        FakeBackend backend = new FakeBackend();
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).numTrainEpochs(1).loggingStrategy(IntervalStrategy.STEPS).loggingSteps(1).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(8, 2, 1)).addCallback(reader).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        assertThat(steps(backend.engines().get(0))).hasSize(4).noneMatch(call -> call.contains("gradients"));
        assertThat(reader.seen).hasSize(4).allMatch(Optional::isEmpty);
    }

    @Test
    void epochLoggingFetchesTheLastWindowOfEachEpochAndOnlyItsLastMicroBatch() {
        // 10 examples, batch 2, accumulation 2 -> windows of 2, 2 and 1 micro-batches: 3 steps per epoch, 2 epochs
        GradientReader reader = new GradientReader(true);
        FakeBackend backend = new FakeBackend();
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).numTrainEpochs(2).gradientAccumulationSteps(2)
                        .loggingStrategy(IntervalStrategy.EPOCH).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(10, 2, 1)).addCallback(reader).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        FakeEngine engine = backend.engines().get(0);
        assertThat(engine.calls()).filteredOn(call -> call.startsWith("accumulate(")).noneMatch(call -> call.contains("gradients"));
        assertThat(steps(engine)).containsExactly(
                "step(step=0, micro=1/2)", "step(step=1, micro=1/2)", "step(step=2, micro=0/1, gradients)",
                "step(step=3, micro=1/2)", "step(step=4, micro=1/2)", "step(step=5, micro=0/1, gradients)");
        assertThat(reader.logSteps).containsExactly(3L, 6L);
        assertThat(reader.seen).extracting(seen -> seen.orElseThrow().globalStep()).containsExactly(3L, 6L);
    }
}
