package dev.trainer4j.samples.digits;

import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.config.ConfigOverrides;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.trainer4j.loop.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The main job, exactly as its run.conf describes it (only the output folder moved): it must reach 95%. */
final class DigitsSampleTest {

    @Test
    void runConfReachesNinetyFivePercentEvalAccuracy(@TempDir Path output) throws IOException {
        Trainer4j runtime = Trainer4j.create();
        RunConfig run = runtime.load(Path.of("run.conf"),
                ConfigOverrides.parse(List.of("args.output-dir=" + output.resolve("run"))));
        try (Trainer trainer = runtime.trainer(run)) {
            TrainOutput trained = trainer.train();
            Map<String, Double> metrics = trainer.evaluate();

            assertThat(trained.globalStep()).isEqualTo(30 * 46);
            assertThat(trained.trainingLoss()).isLessThan(0.5);
            assertThat(metrics.get("eval_accuracy")).isGreaterThanOrEqualTo(0.95);
            assertThat(metrics.get("eval_f1")).isGreaterThanOrEqualTo(0.94);
        }
        // every output the run file asks for, by default
        Path folder = output.resolve("run");
        assertThat(folder.resolve("metrics.jsonl")).isNotEmptyFile();
        assertThat(folder.resolve("metrics.csv")).isNotEmptyFile();
        assertThat(folder.resolve("report.html")).isNotEmptyFile();
        assertThat(folder.resolve("plots/loss.png")).isNotEmptyFile();
        assertThat(eventFiles(folder.resolve("runs"))).isNotEmpty();
        assertThat(Checkpoints.list(folder)).hasSizeLessThanOrEqualTo(2).isNotEmpty();
    }

    private static List<Path> eventFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(file -> file.getFileName().toString().startsWith("events.out.tfevents.")).toList();
        }
    }
}
