package dev.trainer4j.tf;

import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.loop.SavedModelFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.trainer4j.tf.TfTrainerTestSupport.bits;
import static dev.trainer4j.tf.TfTrainerTestSupport.classification;
import static dev.trainer4j.tf.TfTrainerTestSupport.dataset;
import static dev.trainer4j.tf.TfTrainerTestSupport.mlp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code saveModel} and {@code loadModel} are a pair, as HF's {@code save_pretrained} / {@code from_pretrained}. */
final class TfTrainerSaveModelTest {
    private static final MapDataset DATA = dataset(classification(64, 4, 7));

    @Test
    void aFreshTrainerLoadsTheSavedModelAndPredictsBitIdenticalLogits(@TempDir Path directory) throws IOException {
        Path saved = directory.resolve("model");
        PredictionOutput trained = trainAndSave(directory.resolve("source"), saved, 8);

        assertThat(saved.resolve(SavedModelFolder.WEIGHTS_DIR).resolve("variables.index")).isRegularFile();
        assertThat(saved.resolve(SavedModelFolder.SAVED_MODEL_DIR).resolve("saved_model.pb")).isRegularFile();
        assertThat(saved.resolve(SavedModelFolder.MANIFEST)).isRegularFile();
        Map<String, Object> config = Checkpoints.readJson(saved.resolve(SavedModelFolder.MODEL_CONFIG));
        assertThat(config).containsEntry("model_type", "mlp-classifier").containsEntry("format", SavedModelFolder.FORMAT);
        assertThat(Checkpoints.verify(saved)).isEmpty();

        try (TfTrainer target = new TfTrainer(spec(directory.resolve("target"), 2, 8))) {
            PredictionOutput before = target.predict(DATA);
            target.loadModel(saved);
            PredictionOutput after = target.predict(DATA);

            assertThat(bits(before.predictions().get("logits"))).isNotEqualTo(bits(trained.predictions().get("logits")));
            assertThat(bits(after.predictions().get("logits"))).isEqualTo(bits(trained.predictions().get("logits")));
        }
    }

    @Test
    void initializeFromASavedModelLoadsEveryVariable(@TempDir Path directory) {
        Path saved = directory.resolve("model");
        PredictionOutput trained = trainAndSave(directory.resolve("source"), saved, 8);

        try (TfTrainer target = new TfTrainer(spec(directory.resolve("target"), 2, 8))) {
            WeightMapping.Report report = target.initializeFrom(saved, WeightMapping.IDENTITY);

            assertThat(report.loaded()).containsExactlyInAnyOrder(
                    "mlp/dense_0/kernel", "mlp/dense_0/bias", "mlp/classifier/kernel", "mlp/classifier/bias");
            assertThat(report.missing()).isEmpty();
            assertThat(report.unexpected()).isEmpty();
            assertThat(bits(target.predict(DATA).predictions().get("logits")))
                    .isEqualTo(bits(trained.predictions().get("logits")));
        }
    }

    @Test
    void aTamperedWeightsFileIsRefusedByName(@TempDir Path directory) throws IOException {
        Path saved = directory.resolve("model");
        trainAndSave(directory.resolve("source"), saved, 8);
        Path index = saved.resolve(SavedModelFolder.WEIGHTS_DIR).resolve("variables.index");
        byte[] bytes = Files.readAllBytes(index);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(index, bytes);

        try (TfTrainer target = new TfTrainer(spec(directory.resolve("target"), 2, 8))) {
            assertThatThrownBy(() -> target.loadModel(saved))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("weights/variables.index")
                    .hasMessageContaining("SHA-256");
        }
    }

    @Test
    void aSavedModelOfAnotherHiddenSizeIsRefusedNamingTheVariableAndBothShapes(@TempDir Path directory) {
        Path saved = directory.resolve("model");
        trainAndSave(directory.resolve("source"), saved, 8);

        try (TfTrainer target = new TfTrainer(spec(directory.resolve("target"), 2, 5))) {
            assertThatThrownBy(() -> target.loadModel(saved))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("mlp/dense_0/kernel")
                    .hasMessageContaining("[4, 8]")
                    .hasMessageContaining("[4, 5]");
        }
    }

    @Test
    void aFolderWithForeignFilesIsNotOverwritten(@TempDir Path directory) throws IOException {
        Path saved = directory.resolve("model");
        Files.createDirectories(saved);
        Files.writeString(saved.resolve("notes.txt"), "mine");
        try (TfTrainer source = new TfTrainer(spec(directory.resolve("source"), 1, 8))) {
            assertThatThrownBy(() -> source.saveModel(saved)).hasMessageContaining("notes.txt");
        }
        assertThat(saved.resolve("notes.txt")).hasContent("mine");
    }

    private static PredictionOutput trainAndSave(Path outputDir, Path saved, int hidden) {
        try (TfTrainer source = new TfTrainer(spec(outputDir, 1, hidden))) {
            source.train();
            source.saveModel(saved);
            return source.predict(DATA);
        }
    }

    private static TrainerSpec spec(Path outputDir, long seed, int hidden) {
        TrainingArguments args = TrainingArguments.builder()
                .outputDir(outputDir.toString())
                .maxSteps(4)
                .perDeviceTrainBatchSize(16)
                .learningRate(0.01)
                .saveStrategy(SaveStrategy.NO)
                .seed(seed)
                .build();
        return TrainerSpec.builder().args(args).model(mlp(4, hidden, 0.0)).trainDataset(DATA).build();
    }
}
