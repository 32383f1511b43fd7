package dev.trainer4j.loop;

import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The saved model folder of {@link DefaultTrainer#saveModel} on a backend without export, read back by loadModel. */
class SaveModelTest {
    @TempDir
    Path dir;

    /** Writes a fixed tokenizer.json; encodes nothing (the loop never calls it). */
    private static final class SavingOnlyTokenizer implements Tokenizer {
        @Override
        public Encoding encode(String text) {
            throw new UnsupportedOperationException("not used");
        }

        @Override
        public String decode(int[] ids, boolean skipSpecialTokens) {
            throw new UnsupportedOperationException("not used");
        }

        @Override
        public int vocabularySize() {
            return 1;
        }

        @Override
        public int tokenToId(String token) {
            return 0;
        }

        @Override
        public int padTokenId() {
            return 0;
        }

        @Override
        public int maxLength() {
            return 8;
        }

        @Override
        public void save(Path tokenizerJson) {
            try {
                Files.writeString(tokenizerJson, "{\"model\":\"fixed\"}");
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private TrainerSpec spec(Path outputDir, boolean withTokenizer) {
        TrainerSpec.Builder builder = TrainerSpec.builder().args(LoopFixtures.args(outputDir).maxSteps(3).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(12, 2, 1));
        if (withTokenizer) {
            builder.tokenizer(new SavingOnlyTokenizer());
        }
        return builder.build();
    }

    @Test
    void theFolderHoldsWeightsConfigTokenizerAndManifestAndLoadsBack() {
        Path saved = dir.resolve("model");
        FakeBackend sourceBackend = new FakeBackend();
        try (Trainer source = new DefaultTrainer(spec(dir.resolve("source"), true), sourceBackend)) {
            source.train();
            source.saveModel(saved);
        }

        assertThat(saved.resolve("weights")).isDirectory();
        assertThat(saved.resolve("saved_model")).as("the fake backend cannot export").doesNotExist();
        assertThat(saved.resolve("tokenizer.json")).hasContent("{\"model\":\"fixed\"}");
        assertThat(Checkpoints.readJson(saved.resolve("model_config.json")))
                .containsEntry("model_type", new FakeModel(2).name())
                .containsKey("inputs");
        assertThat(Checkpoints.verify(saved)).isEmpty();

        FakeBackend targetBackend = new FakeBackend();
        try (Trainer target = new DefaultTrainer(spec(dir.resolve("target"), false), targetBackend)) {
            target.loadModel(saved);
            assertThat(targetBackend.lastEngine().parameters()).containsExactly(sourceBackend.lastEngine().parameters());
        }
    }

    @Test
    void aSecondSaveReplacesTheFirstAndAnInterruptedOneIsRefused() throws IOException {
        Path saved = dir.resolve("model");
        try (Trainer source = new DefaultTrainer(spec(dir.resolve("source"), true), new FakeBackend())) {
            source.saveModel(saved);
            source.train();
            source.saveModel(saved);
        }
        assertThat(Checkpoints.verify(saved)).isEmpty();
        Files.delete(saved.resolve("manifest.json"));

        try (Trainer target = new DefaultTrainer(spec(dir.resolve("target"), false), new FakeBackend())) {
            assertThatThrownBy(() -> target.loadModel(saved)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("saved model " + saved).hasMessageContaining("manifest.json is missing");
        }
    }
}
