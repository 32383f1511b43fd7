package dev.trainer4j.loop;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An engine compiled for a training run of a model with open input sizes (sequence lengths) is told the shapes of
 * the run's first batch (a backend sizes its threads by the step's real cost); one compiled only to evaluate, one
 * whose threads are pinned and one of a model whose shapes are known are told none.
 */
class EngineBatchShapesTest {
    @TempDir
    Path dir;

    /** 5 examples of 3 features: batches of 2, 2 and 1 rows. */
    private static Dataset data() {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            examples.add(FakeData.example(i, i, 2 * i, 3 * i));
        }
        return Dataset.of(examples);
    }

    @Test
    void aTrainingRunsEngineGetsTheShapesOfTheBatchItsFirstStepTrainsOn() {
        FakeBackend backend = new FakeBackend();
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).numTrainEpochs(1).build())
                .model(new FakeModel(3, 0, true)).trainDataset(data()).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        FakeEngine engine = backend.lastEngine();
        assertThat(engine.trainBatchShapes()).hasSize(3);
        assertThat(engine.options().batchShapes())
                .isEqualTo(engine.trainBatchShapes().get(0))
                .isEqualTo(Map.of("x", List.of(2L, 3L), "labels", List.of(2L)));
    }

    @Test
    void noShapesWhenNothingNeedsThem() {
        assertThat(shapesOfARun(new FakeModel(3, 0, true), LoopFixtures.args(dir), true))
                .as("an engine compiled to evaluate").isEmpty();
        assertThat(shapesOfARun(new FakeModel(3, 0, false), LoopFixtures.args(dir), false))
                .as("a model whose input sizes are declared").isEmpty();
        assertThat(shapesOfARun(new FakeModel(3, 0, true), LoopFixtures.args(dir.resolve("pinned")).trainTowers(1)
                .intraOpThreads(2).interOpThreads(1), false)).as("threads pinned by the arguments").isEmpty();
    }

    /** {@code rows} rows of 3 features as columns (a uniform loader when the batch size divides the rows). */
    private static Dataset columns(int rows) {
        float[] features = new float[rows * 3];
        float[] labels = new float[rows];
        for (int i = 0; i < rows; i++) {
            features[3 * i] = i;
            features[3 * i + 1] = 2 * i;
            features[3 * i + 2] = 3 * i;
            labels[i] = i;
        }
        return Dataset.ofColumns(Map.of("x", HostTensor.ofFloats(features, rows, 3), "labels", HostTensor.ofFloats(labels, rows)));
    }

    private FakeEngine trainedEngine(Dataset train, boolean overridePrepareBatch) {
        FakeBackend backend = new FakeBackend();
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).numTrainEpochs(2).build())
                .model(new FakeModel(3)).trainDataset(train).build();
        try (Trainer trainer = overridePrepareBatch ? new DefaultTrainer(spec, backend) {
            @Override
            protected Batch prepareBatch(Batch batch, boolean training) {
                return super.prepareBatch(batch, training);
            }
        } : new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        return backend.lastEngine();
    }

    @Test
    void aRunWhoseBatchesAllHaveOneShapeIsPromisedThatShape() {
        FakeEngine engine = trainedEngine(columns(4), false);

        assertThat(engine.options().uniformBatchShapes()).isTrue();
        assertThat(engine.options().batchShapes()).isEqualTo(Map.of("x", List.of(2L, 3L), "labels", List.of(2L)));
        assertThat(engine.trainBatchShapes()).hasSize(4).allSatisfy(shapes -> assertThat(shapes).isEqualTo(
                engine.options().batchShapes()));
    }

    @Test
    void noPromiseWhenABatchMayHaveAnotherShape() {
        assertThat(trainedEngine(columns(5), false).options().uniformBatchShapes()).as("a last batch of 1 row").isFalse();
        assertThat(trainedEngine(data(), false).options().uniformBatchShapes()).as("examples").isFalse();
        assertThat(trainedEngine(columns(4), true).options().uniformBatchShapes())
                .as("a trainer whose prepareBatch may change the batches").isFalse();
    }

    private Map<String, List<Long>> shapesOfARun(FakeModel model, dev.trainer4j.api.TrainingArguments.Builder args,
                                                 boolean evaluateOnly) {
        FakeBackend backend = new FakeBackend();
        TrainerSpec spec = TrainerSpec.builder().args(args.numTrainEpochs(1).build()).model(model)
                .trainDataset(data()).evalDataset(data()).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            if (evaluateOnly) {
                trainer.evaluate();
            }
            else {
                trainer.train();
            }
        }
        return backend.lastEngine().options().batchShapes();
    }
}
