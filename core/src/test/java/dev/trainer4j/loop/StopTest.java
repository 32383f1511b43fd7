package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.RecordingCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code Trainer.stop()} and interrupts of the training thread: the run ends at an optimizer-step boundary, saves the
 * checkpoint of that step (unless {@code save-strategy = no}), ends as usual, and a resume from that checkpoint ends
 * exactly where an uninterrupted run ends.
 */
class StopTest {
    private static final long STOP_STEP = 4;

    @TempDir
    Path root;

    /** 12 examples, batch 2, accumulation 2: 3 steps per epoch, 3 epochs = 9 steps; saves every 3 (not at step 4). */
    private static TrainingArguments.Builder args(Path dir) {
        return CheckpointFixtures.args(dir).gradientAccumulationSteps(2).numTrainEpochs(3);
    }

    /** Runs {@code train()} on a new thread and returns what it returned (or threw) and its interrupt flag afterwards. */
    private record Finished(TrainOutput output, boolean interruptedAfter) {
    }

    private static CompletableFuture<Finished> trainOnNewThread(Trainer trainer, Thread[] thread) {
        CompletableFuture<Finished> finished = new CompletableFuture<>();
        thread[0] = new Thread(() -> {
            try {
                TrainOutput output = trainer.train();
                finished.complete(new Finished(output, Thread.interrupted()));
            }
            catch (Throwable failure) {
                finished.completeExceptionally(failure);
            }
        }, "training");
        thread[0].start();
        return finished;
    }

    /** At the end of step {@code step}, signals {@code reached} and waits until {@code proceed} opens. */
    private static Callback pauseAt(long step, CountDownLatch reached, CountDownLatch proceed) {
        return new Callback() {
            @Override
            public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                if (state.globalStep() == step) {
                    reached.countDown();
                    try {
                        proceed.await();
                    }
                    catch (InterruptedException interrupted) {
                        // the test interrupts this (the training) thread: keep the flag for the loop to see
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    private static List<String> checkpointNames(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(path -> path.getFileName().toString()).filter(name -> name.contains("checkpoint")).sorted().toList();
        }
    }

    /** The stopped run ended normally at {@link #STOP_STEP} with its checkpoint; a resume equals an uninterrupted run. */
    private void assertStoppedAtTheStopStepAndResumesExactly(Path dir, TrainingArguments arguments, TrainOutput output,
                                                             RecordingCallback recorder) throws Exception {
        assertThat(output.globalStep()).isEqualTo(STOP_STEP);
        assertThat(output.metrics()).containsKey("train_loss");
        assertThat(recorder.events()).last().isEqualTo("onTrainEnd");
        assertThat(recorder.events()).contains("onSave");
        assertThat(checkpointNames(dir)).containsExactly("checkpoint-3", "checkpoint-4");
        assertThat(Checkpoints.verify(dir.resolve("checkpoint-4"))).isEmpty();
        assertThat(Checkpoints.readTrainerState(dir.resolve("checkpoint-4").resolve(Checkpoints.TRAINER_STATE)).globalStep())
                .isEqualTo(STOP_STEP);

        CheckpointFixtures.Outcome uninterrupted = CheckpointFixtures.run(
                CheckpointFixtures.spec(args(root.resolve("uninterrupted-" + dir.getFileName())).build()).build(), null);
        CheckpointFixtures.Outcome resumed = CheckpointFixtures.run(CheckpointFixtures.spec(arguments).build(), "latest");
        assertThat(resumed.history()).isEqualTo(uninterrupted.history());
        assertThat(resumed.weights()).containsExactly(uninterrupted.weights(), within(0.0));
        assertThat(resumed.trainLoss()).isEqualTo(uninterrupted.trainLoss());
        assertThat(resumed.countedSteps()).isEqualTo(9);
    }

    private static Trainer trainer(TrainingArguments arguments, FakeBackend backend, Callback... callbacks) {
        TrainerSpec.Builder spec = CheckpointFixtures.spec(arguments).addCallback(new CheckpointFixtures.StepCounter());
        for (Callback callback : callbacks) {
            spec.addCallback(callback);
        }
        return new DefaultTrainer(spec.build(), backend);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stopFromAnotherThreadEndsTheRunAtTheCurrentStepWithItsCheckpoint() throws Exception {
        Path dir = root.resolve("other-thread");
        TrainingArguments arguments = args(dir).build();
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch stopRequested = new CountDownLatch(1);
        RecordingCallback recorder = new RecordingCallback();
        Finished finished;
        try (Trainer trainer = trainer(arguments, new FakeBackend(), pauseAt(STOP_STEP, reached, stopRequested), recorder)) {
            Thread[] training = new Thread[1];
            CompletableFuture<Finished> run = trainOnNewThread(trainer, training);
            reached.await();
            trainer.stop();
            stopRequested.countDown();
            finished = run.get();
        }

        assertThat(finished.interruptedAfter()).isFalse();
        assertStoppedAtTheStopStepAndResumesExactly(dir, arguments, finished.output(), recorder);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stopFromACallbackInTheMiddleOfAnAccumulationWindowEndsAfterThatWindowsStep() throws Exception {
        Path dir = root.resolve("callback");
        TrainingArguments arguments = args(dir).build();
        RecordingCallback recorder = new RecordingCallback();
        FakeBackend backend = new FakeBackend();
        TrainOutput output;
        try (Trainer trainer = trainer(arguments, backend, recorder)) {
            trainer.addCallback(new Callback() {
                @Override
                public void onSubstepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                    // the first micro-batch of the window of step 4 (globalStep counts finished steps: 3)
                    if (state.globalStep() == STOP_STEP - 1) {
                        trainer.stop();
                    }
                }
            });
            output = trainer.train();
        }

        // the window's second micro-batch and its update were still applied
        assertThat(backend.lastEngine().calls()).contains("accumulate(step=3, micro=0/2)", "step(step=3, micro=1/2)")
                .doesNotContain("accumulate(step=4, micro=0/2)");
        assertStoppedAtTheStopStepAndResumesExactly(dir, arguments, output, recorder);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anInterruptOfTheTrainingThreadStopsLikeStopAndIsRestoredWhenTrainReturns() throws Exception {
        Path dir = root.resolve("interrupt");
        // with prefetching loader threads, which must be gone when train() returns
        TrainingArguments arguments = args(dir).dataloaderNumWorkers(2).build();
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        RecordingCallback recorder = new RecordingCallback();
        Finished finished;
        try (Trainer trainer = trainer(arguments, new FakeBackend(), pauseAt(STOP_STEP, reached, never), recorder)) {
            Thread[] training = new Thread[1];
            CompletableFuture<Finished> run = trainOnNewThread(trainer, training);
            reached.await();
            training[0].interrupt();
            finished = run.get();
        }

        assertThat(finished.interruptedAfter()).as("the interrupt status is set again when train() returns").isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive)
                .extracting(Thread::getName).noneMatch(name -> name.startsWith("trainer4j-loader"));
        assertStoppedAtTheStopStepAndResumesExactly(dir, arguments, finished.output(), recorder);
    }

    @Test
    void withSaveStrategyNoAStopSavesNothing() throws Exception {
        Path dir = root.resolve("no-save");
        TrainingArguments arguments = args(dir).saveStrategy(SaveStrategy.NO).build();
        RecordingCallback recorder = new RecordingCallback();
        TrainOutput output;
        try (Trainer trainer = trainer(arguments, new FakeBackend(), recorder)) {
            trainer.addCallback(stopAt(trainer::stop, STOP_STEP));
            output = trainer.train();
        }

        assertThat(output.globalStep()).isEqualTo(STOP_STEP);
        assertThat(recorder.events()).last().isEqualTo("onTrainEnd");
        assertThat(recorder.events()).doesNotContain("onSave");
        assertThat(checkpointNames(dir)).isEmpty();
    }

    @Test
    void aStopBeforeTrainEndsTheNextRunBeforeItsFirstStepAndTheRunAfterItTrainsNormally() throws Exception {
        Path dir = root.resolve("before");
        TrainingArguments arguments = args(dir).build();
        RecordingCallback recorder = new RecordingCallback();
        try (Trainer trainer = trainer(arguments, new FakeBackend(), recorder)) {
            trainer.stop();
            TrainOutput stopped = trainer.train();

            assertThat(stopped.globalStep()).isZero();
            assertThat(recorder.events()).contains("onTrainBegin").doesNotContain("onStepBegin", "onSave");
            assertThat(recorder.events()).last().isEqualTo("onTrainEnd");
            assertThat(checkpointNames(dir)).isEmpty();

            TrainOutput again = trainer.train();

            assertThat(again.globalStep()).isEqualTo(9);
            assertThat(checkpointNames(dir)).containsExactly("checkpoint-3", "checkpoint-6", "checkpoint-9");
        }
    }

    /** Calls {@code stop} at the end of step {@code step}, on the training thread. */
    private static Callback stopAt(Runnable stop, long step) {
        return new Callback() {
            @Override
            public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                if (state.globalStep() == step) {
                    stop.run();
                }
            }
        };
    }
}
