package dev.trainer4j.tf;

import dev.trainer4j.api.Example;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.DeviceTestSupport.Digits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.trainer4j.tf.DeviceTestSupport.digits;
import static dev.trainer4j.tf.DeviceTestSupport.digitsMlp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoints do not depend on the device count: a run saved with 2 replicas resumes on 1 device with the same global
 * batch (the per-device batch doubles) at the same sample, and continues as the uninterrupted 2-replica run.
 */
class TfDeviceCountResumeTest {
    private static final int STEPS = 20;

    private static MapDataset digitsDataset() {
        Digits digits = digits("train-640.jsonl");
        List<Example> examples = new ArrayList<>();
        for (int row = 0; row < digits.size(); row++) {
            examples.add(TfTrainerTestSupport.example(digits.features()[row], digits.labels()[row]));
        }
        return TfTrainerTestSupport.dataset(examples);
    }

    private static TrainingArguments.Builder args(Path output, int devices) {
        return TrainingArguments.builder().outputDir(output.toString()).seed(5).maxSteps(STEPS)
                .perDeviceTrainBatchSize(32 / devices).devices(devices)
                .optim(OptimizerType.ADAMW).learningRate(1e-3).weightDecay(0.01)
                .trainSamplingStrategy(SamplingStrategy.RANDOM).intraOpThreads(1)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(1);
    }

    /** The logged loss of every step, by step. */
    private static Map<Integer, Double> train(TrainingArguments args, MapDataset data, String resumeFrom) {
        Map<Integer, Double> losses = new TreeMap<>();
        try (TfTrainer trainer = new TfTrainer(TrainerSpec.builder().args(args).model(digitsMlp()).trainDataset(data).build())) {
            trainer.train(resumeFrom);
            for (Map<String, Object> entry : trainer.state().logHistory()) {
                if (entry.containsKey("loss")) {
                    losses.put(((Number) entry.get("step")).intValue(), ((Number) entry.get("loss")).doubleValue());
                }
            }
        }
        return losses;
    }

    @Test
    void aRunSavedWithTwoReplicasResumesOnOneDeviceAsTheUninterruptedRun(@TempDir Path directory) {
        MapDataset data = digitsDataset();
        Map<Integer, Double> uninterrupted = train(args(directory.resolve("whole"), 2).saveStrategy(SaveStrategy.NO)
                .build(), data, null);
        Path interrupted = directory.resolve("interrupted");
        train(args(interrupted, 2).maxSteps(STEPS).saveStrategy(SaveStrategy.STEPS).saveSteps(10).build(), data, null);
        Map<Integer, Double> resumed = train(args(interrupted, 1).saveStrategy(SaveStrategy.NO)
                .overwriteOutputDir(true).build(), data, interrupted.resolve("checkpoint-10").toString());

        assertThat(uninterrupted).hasSize(STEPS);
        // steps 1-10 come from the checkpoint's log history, 11-20 from the resumed run
        assertThat(resumed).hasSize(STEPS);
        for (int step = 11; step <= STEPS; step++) {
            assertThat(resumed.get(step)).as("loss of step %d", step)
                    .isCloseTo(uninterrupted.get(step), org.assertj.core.data.Offset.offset(1e-4 * uninterrupted.get(step)));
        }
        // a sample position that a wrong data position would not reproduce: the steps' losses differ from each other
        assertThat(new java.util.HashSet<>(resumed.values())).hasSize(STEPS);
    }
}
