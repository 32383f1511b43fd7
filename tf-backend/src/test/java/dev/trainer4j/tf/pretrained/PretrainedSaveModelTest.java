package dev.trainer4j.tf.pretrained;

import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.loop.SavedModelFolder;
import dev.trainer4j.tf.TfTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code Trainer.saveModel} adds {@code model.safetensors} and {@code config.json} for a model with HF names. */
class PretrainedSaveModelTest {
    private static final MapDataset DATA = data();

    private static MapDataset data() {
        Random random = new Random(5);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int[] ids = {random.nextInt(7), random.nextInt(7), random.nextInt(7)};
            examples.add(Example.of(Map.of("input_ids", ids, "labels", ids[0] % 3)));
        }
        return Dataset.of(examples);
    }

    private static TrainerSpec spec(Path outputDir, long seed, boolean saveSafetensors) {
        TrainingArguments args = TrainingArguments.builder().outputDir(outputDir.toString()).maxSteps(3)
                .perDeviceTrainBatchSize(8).learningRate(0.05).saveStrategy(SaveStrategy.NO).seed(seed)
                .saveSafetensors(saveSafetensors).build();
        return TrainerSpec.builder().args(args).model(new TinyHuggingFaceModel(7, 4, 3)).trainDataset(DATA).build();
    }

    @Test
    void saveModelWritesSafetensorsAndConfigThatInitialiseAnotherTrainerExactly(@TempDir Path temp) {
        Path saved = temp.resolve("model");
        Map<String, float[]> trained;
        try (TfTrainer source = new TfTrainer(spec(temp.resolve("source"), 1, true))) {
            source.train();
            source.saveModel(saved);
            trained = source.predict(DATA).predictions().entrySet().stream().findFirst()
                    .map(entry -> Map.of(entry.getKey(), entry.getValue().floats())).orElseThrow();
        }
        assertThat(saved.resolve("model.safetensors")).isRegularFile();
        assertThat(Checkpoints.readJson(saved.resolve("config.json"))).containsEntry("hidden_size", 4).containsEntry("vocab_size", 7);
        assertThat(Checkpoints.verify(saved)).as("the manifest covers the new files").isEmpty();
        assertThat(Checkpoints.readJson(saved.resolve(SavedModelFolder.MANIFEST)).get("files").toString())
                .contains("model.safetensors").contains("config.json");

        try (TfTrainer target = new TfTrainer(spec(temp.resolve("target"), 2, true))) {
            WeightMapping.Report report = target.initializeFrom(saved.resolve("model.safetensors"), WeightMapping.IDENTITY);
            assertThat(report.loaded()).hasSize(3);
            assertThat(report.unexpected()).isEmpty();
            Map.Entry<String, float[]> logits = trained.entrySet().iterator().next();
            assertThat(target.predict(DATA).predictions().get(logits.getKey()).floats()).containsExactly(logits.getValue());
        }
    }

    @Test
    void saveSafetensorsFalseWritesNeither(@TempDir Path temp) {
        Path saved = temp.resolve("model");
        try (TfTrainer source = new TfTrainer(spec(temp.resolve("source"), 1, false))) {
            source.saveModel(saved);
        }
        assertThat(saved.resolve("model.safetensors")).doesNotExist();
        assertThat(saved.resolve("config.json")).doesNotExist();
        assertThat(saved.resolve(SavedModelFolder.WEIGHTS_DIR)).isDirectory();
    }
}
