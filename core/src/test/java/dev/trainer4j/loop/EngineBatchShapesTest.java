package dev.trainer4j.loop;

import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
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
