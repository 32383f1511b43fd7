package dev.trainer4j.data.internal;

import dev.trainer4j.api.ColumnarDataset;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.loop.DefaultTrainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeEngine;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.trainer4j.testing.ColumnarFixtures.bits;
import static org.assertj.core.api.Assertions.assertThat;

/** Training, evaluating and predicting on {@code Dataset.ofColumns} gives exactly what the same rows as examples give. */
class ColumnarTrainingTest {
    @TempDir
    Path dir;

    /** {@code x} FLOAT32 [rows, 2], {@code label} FLOAT32 [rows] ({@code 2 x0 - x1 + 0.5 + noise}) and an unused {@code id} INT64 [rows]. */
    private static ColumnarDataset columns(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[rows * 2];
        float[] label = new float[rows];
        long[] id = new long[rows];
        for (int i = 0; i < rows; i++) {
            x[2 * i] = (float) (random.nextDouble() * 2 - 1);
            x[2 * i + 1] = (float) (random.nextDouble() * 2 - 1);
            label[i] = (float) (2.0 * x[2 * i] - x[2 * i + 1] + 0.5 + random.nextDouble() * 0.1 - 0.05);
            id[i] = 1000 + i;
        }
        Map<String, HostTensor> columns = new LinkedHashMap<>();
        columns.put("x", HostTensor.ofFloats(x, rows, 2));
        columns.put("label", HostTensor.ofFloats(label, rows));
        columns.put("id", HostTensor.ofLongs(id, rows));
        return Dataset.ofColumns(columns);
    }

    /** The same rows as a list of examples built by hand (not through the columnar views). */
    private static MapDataset examples(ColumnarDataset columns) {
        float[] x = columns.column("x").floats();
        float[] label = columns.column("label").floats();
        long[] id = columns.column("id").longs();
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            examples.add(Example.builder().put("x", new float[] {x[2 * i], x[2 * i + 1]}).put("label", label[i]).put("id", id[i]).build());
        }
        return Dataset.of(examples);
    }

    private record Run(List<Object> losses, double[] parameters, List<Set<String>> batchKeys, PredictionOutput prediction) {
    }

    private Run run(MapDataset train, MapDataset eval, int workers, String name) {
        TrainingArguments args = TrainingArguments.builder()
                .outputDir(dir.resolve(name).toString())
                .perDeviceTrainBatchSize(3)
                .perDeviceEvalBatchSize(4)
                .numTrainEpochs(2)
                .optim("sgd")
                .learningRate(0.1)
                .lrSchedulerType("constant")
                .maxGradNorm(0)
                .loggingStrategy(IntervalStrategy.STEPS)
                .loggingSteps(1)
                .evalStrategy(IntervalStrategy.EPOCH)
                .saveStrategy(SaveStrategy.NO)
                .trainSamplingStrategy(SamplingStrategy.RANDOM)
                .dataSeed(21L)
                .removeUnusedColumns(true)
                .dataloaderNumWorkers(workers)
                .build();
        TrainerSpec spec = TrainerSpec.builder().args(args).model(new FakeModel(2)).trainDataset(train).evalDataset(eval).build();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
            PredictionOutput prediction = trainer.predict(eval);
            List<Object> losses = new ArrayList<>();
            for (Map<String, Object> entry : trainer.state().logHistory()) {
                if (entry.containsKey("loss")) {
                    losses.add(entry.get("loss"));
                }
                if (entry.containsKey("eval_loss")) {
                    losses.add(entry.get("eval_loss"));
                }
            }
            FakeEngine engine = backend.lastEngine();
            List<Set<String>> keys = new ArrayList<>(engine.trainBatchKeys());
            keys.addAll(engine.evalBatchKeys());
            return new Run(losses, engine.parameters().clone(), keys, prediction);
        }
    }

    @Test
    void trainingOnColumnsEqualsTrainingOnTheSameExamples() {
        ColumnarDataset train = columns(20, 1);
        ColumnarDataset eval = columns(6, 2);
        for (int workers : new int[] {0, 2}) {
            Run onExamples = run(examples(train), examples(eval), workers, "examples-" + workers);
            Run onColumns = run(train, eval, workers, "columns-" + workers);
            // 20 rows in batches of 3: 7 steps per epoch, 2 epochs, one evaluation per epoch
            assertThat(onColumns.losses()).as("workers %d", workers).hasSize(16).isEqualTo(onExamples.losses());
            assertThat(onColumns.parameters()).isEqualTo(onExamples.parameters());
            // remove-unused-columns dropped id, and label became labels, on both paths
            assertThat(onColumns.batchKeys()).isNotEmpty().allSatisfy(keys -> assertThat(keys).containsExactlyInAnyOrder("x", "labels"));
            assertThat(onColumns.batchKeys()).isEqualTo(onExamples.batchKeys());
            assertThat(onColumns.prediction().predictions().keySet()).isEqualTo(onExamples.prediction().predictions().keySet());
            onExamples.prediction().predictions().forEach((key, expected) ->
                    assertThat(bits(onColumns.prediction().predictions().get(key))).isEqualTo(bits(expected)));
            assertThat(bits(onColumns.prediction().labelIds().orElseThrow())).isEqualTo(bits(onExamples.prediction().labelIds().orElseThrow()));
        }
    }
}
