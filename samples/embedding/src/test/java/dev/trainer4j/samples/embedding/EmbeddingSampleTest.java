package dev.trainer4j.samples.embedding;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

final class EmbeddingSampleTest {

    @Test
    void runFileAndCodeBuildTheSameRun(@TempDir Path output) {
        Map<String, Double> fromFile;
        Trainer4j runtime = Trainer4j.create();
        RunConfig run = runtime.load(Path.of("run.conf"),
                ConfigFactory.parseMap(Map.of("args.output-dir", output.resolve("config").toString())));
        try (Trainer trainer = runtime.trainer(run)) {
            trainer.train();
            fromFile = trainer.evaluate();
        }
        Map<String, Double> inCode;
        try (Trainer trainer = EmbeddingSample.inCode(Path.of("../digits/data"), output.resolve("code"))) {
            trainer.train();
            inCode = trainer.evaluate();
        }

        assertThat(fromFile.get("eval_accuracy")).isGreaterThanOrEqualTo(0.9);
        // same settings, same seed, same data: the same numbers, bit for bit
        assertThat(inCode.get("eval_loss")).isEqualTo(fromFile.get("eval_loss"));
        assertThat(inCode.get("eval_accuracy")).isEqualTo(fromFile.get("eval_accuracy"));
        assertThat(inCode.get("eval_f1")).isEqualTo(fromFile.get("eval_f1"));
    }

    @Test
    void oneCallFromARunFile() {
        try (Trainer trainer = EmbeddingSample.fromRunFile(Path.of("run.conf"))) {
            assertThat(trainer.args().numTrainEpochs()).isEqualTo(5.0);
            assertThat(trainer.args().outputDir()).startsWith("runs/embedding-");
        }
    }
}
