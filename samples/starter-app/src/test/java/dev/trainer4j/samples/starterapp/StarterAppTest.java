package dev.trainer4j.samples.starterapp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The application built on the starter alone trains: held-out accuracy far above chance (10%). */
final class StarterAppTest {

    @Test
    void learnsTheDigits(@TempDir Path output) {
        Map<String, Double> metrics = StarterApp.trainAndEvaluate(StarterApp.run(Path.of("data"), output.resolve("run")));

        // measured 0.903 to 0.909 accuracy (macro F1 0.895 to 0.903) over seeds 42 and 1 to 6; seed 42 repeats exactly
        assertThat(metrics.get("eval_accuracy")).isGreaterThanOrEqualTo(0.85);
        assertThat(metrics.get("eval_f1")).isGreaterThanOrEqualTo(0.84);
    }
}
