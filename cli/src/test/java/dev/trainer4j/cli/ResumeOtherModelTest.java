package dev.trainer4j.cli;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resuming from a checkpoint of another model fails before anything is assigned, naming each variable whose shape
 * differs with both shapes, instead of TensorFlow's {@code Assign} error about the first one.
 */
final class ResumeOtherModelTest {
    @TempDir
    Path directory;

    private Path runFile(String name, int hiddenSize, String outputDir) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, """
                model { type = mlp-classifier, input-size = 3, hidden-sizes = [%d], num-labels = 2, dropout = 0.0 }
                data { train { type = jsonl, path = data.jsonl } }
                callbacks = []
                args { output-dir = "%s", max-steps = 2, per-device-train-batch-size = 8, save-strategy = steps,
                       save-steps = 2, disable-progress = true }
                """.formatted(hiddenSize, directory.resolve(outputDir).toString().replace("\\", "/")));
        return file;
    }

    @Test
    void aCheckpointOfAnotherSizeNamesTheVariableAndBothShapes() throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            rows.append(String.format(Locale.ROOT, "{\"features\": [%d.0, 0.5, -1.0], \"label\": %d}%n", i % 4, i % 2));
        }
        Files.writeString(directory.resolve("data.jsonl"), rows.toString());
        Trainer4j runtime = Trainer4j.create();
        try (Trainer trainer = runtime.trainer(runtime.load(runFile("small.conf", 6, "small"), ConfigFactory.empty()))) {
            trainer.train();
        }
        Path checkpoint = directory.resolve("small").resolve(Checkpoints.name(2));

        try (Trainer trainer = runtime.trainer(runtime.load(runFile("large.conf", 8, "large"), ConfigFactory.empty()))) {
            assertThatThrownBy(() -> trainer.train(checkpoint.toString()))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("it holds the variables of another model")
                    .hasMessageMatching("(?s).*shapes differ \\(\\d+\\): \\S*kernel: checkpoint \\[3, 6\\], model \\[3, 8\\].*")
                    .hasMessageContaining("checkpoint [6, 2], model [8, 2]")
                    .hasMessageNotContaining("Assign");
        }
    }
}
