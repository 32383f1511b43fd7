package dev.trainer4j.tf;

import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.loop.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.trainer4j.tf.TfTrainerTestSupport.bits;
import static dev.trainer4j.tf.TfTrainerTestSupport.classification;
import static dev.trainer4j.tf.TfTrainerTestSupport.dataset;
import static dev.trainer4j.tf.TfTrainerTestSupport.mlp;
import static org.assertj.core.api.Assertions.assertThat;

/** Fine-tuning's first step through the Trainer: start a new run from another run's trained weights. */
final class TfTrainerInitializeFromTest {

    @Test
    void aFreshTrainerInitialisedFromACheckpointPredictsLikeTheTrainedOne(@TempDir Path directory) {
        MapDataset data = dataset(classification(64, 4, 7));
        PredictionOutput trained;
        try (TfTrainer source = new TfTrainer(spec(directory.resolve("source"), 1, data))) {
            source.train();
            trained = source.predict(data);
        }
        Path checkpoint = Checkpoints.list(directory.resolve("source")).get(0);

        try (TfTrainer target = new TfTrainer(spec(directory.resolve("target"), 2, data))) {
            PredictionOutput before = target.predict(data);
            WeightMapping.Report report = target.initializeFrom(checkpoint, WeightMapping.IDENTITY);
            PredictionOutput after = target.predict(data);

            assertThat(report.loaded()).containsExactlyInAnyOrder(
                    "mlp/dense_0/kernel", "mlp/dense_0/bias", "mlp/classifier/kernel", "mlp/classifier/bias");
            assertThat(report.missing()).isEmpty();
            assertThat(report.unexpected()).isEmpty();
            assertThat(bits(before.predictions().get("logits"))).isNotEqualTo(bits(trained.predictions().get("logits")));
            assertThat(bits(after.predictions().get("logits"))).isEqualTo(bits(trained.predictions().get("logits")));
        }
    }

    private static TrainerSpec spec(Path outputDir, long seed, MapDataset data) {
        TrainingArguments args = TrainingArguments.builder()
                .outputDir(outputDir.toString())
                .maxSteps(6)
                .perDeviceTrainBatchSize(16)
                .learningRate(0.01)
                .saveStrategy(SaveStrategy.STEPS)
                .saveSteps(6)
                .seed(seed)
                .build();
        return TrainerSpec.builder().args(args).model(mlp(4, 8, 0.0)).trainDataset(data).build();
    }
}
