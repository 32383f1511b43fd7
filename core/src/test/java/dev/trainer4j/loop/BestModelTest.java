package dev.trainer4j.loop;

import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BestModelTest {
    @TempDir
    Path dir;

    private TrainerSpec spec(TrainingArguments args, List<Double> scores) {
        Iterator<Double> next = scores.iterator();
        // 8 examples, batch 2: 4 steps, one evaluation per step with a scripted score
        return TrainerSpec.builder().args(args).model(new FakeModel(2)).trainDataset(FakeData.regression(8, 2, 1))
                .evalDataset(FakeData.regression(2, 2, 2)).computeMetrics(all -> Map.of("score", next.next())).build();
    }

    @Test
    void saveStrategyBestSavesOnlyOnANewBest() {
        TrainingArguments args = LoopFixtures.args(dir).numTrainEpochs(1).evalStrategy(IntervalStrategy.STEPS).evalSteps(1.0)
                .saveStrategy(SaveStrategy.BEST).metricForBestModel("score").build();
        try (Trainer trainer = new DefaultTrainer(spec(args, List.of(1.0, 3.0, 2.0, 5.0)), new FakeBackend())) {
            trainer.train();
            assertThat(trainer.state().bestMetric()).isEqualTo(5.0);
            assertThat(trainer.state().bestGlobalStep()).isEqualTo(4);
            assertThat(trainer.state().bestModelCheckpoint()).isEqualTo(dir.resolve("checkpoint-4").toString());
        }
        assertThat(Checkpoints.list(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-1", "checkpoint-2", "checkpoint-4");
    }

    @Test
    void rotationKeepsTheNewestAndProtectsTheBest() {
        TrainingArguments args = LoopFixtures.args(dir).numTrainEpochs(1).evalStrategy(IntervalStrategy.STEPS).evalSteps(1.0)
                .saveStrategy(SaveStrategy.STEPS).saveSteps(1).saveTotalLimit(2).metricForBestModel("eval_score")
                .greaterIsBetter(true).build();
        try (Trainer trainer = new DefaultTrainer(spec(args, List.of(5.0, 1.0, 1.0, 1.0)), new FakeBackend())) {
            trainer.train();
            assertThat(trainer.state().bestGlobalStep()).isEqualTo(1);
        }
        assertThat(Checkpoints.list(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-1", "checkpoint-4");
    }
}
