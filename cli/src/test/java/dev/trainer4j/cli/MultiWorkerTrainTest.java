package dev.trainer4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code trainer4j train --workers 2} on loopback against {@code --set args.devices=2} in one process: the same
 * replicas at the same global batch, so the same per-step losses; only worker 0 writes the output folder.
 */
class MultiWorkerTrainTest {
    private static final int MAX_STEPS = 12;

    @TempDir
    Path directory;

    private ChildJvm train(Map<String, String> environment, String... extra) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("train", directory.resolve("run.conf").toString()));
        arguments.addAll(List.of(extra));
        java.util.Map<String, String> env = new java.util.HashMap<>(Map.of("TF_OVERRIDE_GLOBAL_THREADPOOL", "true",
                "TF_CPP_MIN_LOG_LEVEL", "2"));
        env.putAll(environment);
        return ChildJvm.start(directory, Duration.ofSeconds(180),
                List.of("-Xmx384m", "-DOPT_OUT_TRACKING=true", "-Dai.djl.offline=true"), env, Trainer4jCli.class,
                arguments);
    }

    private void writeRun() throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 96; i++) {
            int label = (i * 7 + 3) % 3 == 0 ? 1 : 0;
            double shift = label == 1 ? 1.0 : -1.0;
            rows.append(String.format(Locale.ROOT, "{\"features\": [%.3f, %.3f, %.3f, %.3f], \"label\": %d}%n",
                    shift + (i % 5) * 0.1, -shift + (i % 3) * 0.1, (i % 7) * 0.05, shift * 0.5, label));
        }
        Files.writeString(directory.resolve("train.jsonl"), rows.toString());
        Files.writeString(directory.resolve("run.conf"), """
                model { type = mlp-classifier, input-size = 4, hidden-sizes = [8], num-labels = 2 }
                data { train { type = jsonl, path = train.jsonl } }
                args { max-steps = %d, per-device-train-batch-size = 8, learning-rate = 0.05, logging-steps = 1,
                       save-strategy = steps, save-steps = 6, disable-progress = true, seed = 3,
                       intra-op-threads = 1, inter-op-threads = 1, optim = adamw }
                """.formatted(MAX_STEPS));
    }

    @Test
    void twoLocalWorkersTrainAsTwoDevicesAndOnlyTheChiefWrites() throws Exception {
        writeRun();
        Path workersOut = directory.resolve("workers");
        Path devicesOut = directory.resolve("devices");

        ChildJvm launcher = train(Map.of(), "--workers", "2", "--set", outputDir(workersOut));
        int launcherExit = launcher.awaitExit();
        ChildJvm local = train(Map.of(), "--set", outputDir(devicesOut), "--set", "args.devices=2");
        int localExit = local.awaitExit();

        assertThat(launcherExit).as("stderr: %s", launcher.stderr()).isZero();
        assertThat(localExit).as("stderr: %s", local.stderr()).isZero();
        assertThat(launcher.stderr()).contains("[worker 1] ").contains("2 workers [127.0.0.1:");
        List<Double> clustered = losses(workersOut.resolve(Checkpoints.name(MAX_STEPS)));
        List<Double> devices = losses(devicesOut.resolve(Checkpoints.name(MAX_STEPS)));
        assertThat(clustered).hasSize(MAX_STEPS);
        for (int step = 0; step < MAX_STEPS; step++) {
            assertThat(clustered.get(step)).as("loss of step %d", step + 1)
                    .isCloseTo(devices.get(step), org.assertj.core.data.Percentage.withPercentage(0.01));
        }
        // one writer: the checkpoints of save-steps 6 and 12, each written once, and no second trainer state
        try (Stream<Path> checkpoints = Files.list(workersOut).filter(path -> path.getFileName().toString()
                .startsWith("checkpoint-"))) {
            assertThat(checkpoints.map(path -> path.getFileName().toString()).sorted().toList())
                    .containsExactly(Checkpoints.name(12), Checkpoints.name(6));
        }
    }

    @Test
    void aBadTfConfigExitsWithTwoNamingTheKey() throws Exception {
        writeRun();
        ChildJvm child = train(Map.of("TF_CONFIG", "{\"cluster\": {\"worker\": [\"127.0.0.1:1\"]}, \"task\": {\"index\": 3}}"),
                "--set", outputDir(directory.resolve("bad")));

        assertThat(child.awaitExit()).isEqualTo(2);
        assertThat(child.stderr()).contains("TF_CONFIG.task.index");
        assertThat(Files.exists(directory.resolve("bad"))).isFalse();
    }

    private static String outputDir(Path path) {
        return "args.output-dir=\"" + path.toString().replace("\\", "/") + "\"";
    }

    @SuppressWarnings("unchecked")
    private static List<Double> losses(Path checkpoint) throws IOException {
        Map<String, Object> state = new ObjectMapper().readValue(checkpoint.resolve(Checkpoints.TRAINER_STATE).toFile(), Map.class);
        List<Double> losses = new ArrayList<>();
        for (Map<String, Object> entry : (List<Map<String, Object>>) state.get("log_history")) {
            if (entry.containsKey("loss")) {
                losses.add(((Number) entry.get("loss")).doubleValue());
            }
        }
        return losses;
    }
}
