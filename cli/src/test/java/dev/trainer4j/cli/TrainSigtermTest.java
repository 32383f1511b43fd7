package dev.trainer4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code trainer4j train} in a real child JVM is stopped with SIGTERM between two steps: it saves a checkpoint at
 * that step, says so, exits with 143, and {@code --resume latest} in a new JVM ends bit-identical to an
 * uninterrupted run (every logged value and the last checkpoint's engine files). The run file does not mention
 * {@code save-on-interrupt}: the command turns it on (and {@code full-gc-before-training}, seen in the start-up line).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TrainSigtermTest {
    private static final long WAIT_SECONDS = 90;
    private static final int MAX_STEPS = 30;
    private static final Pattern SAVED = Pattern.compile("SIGTERM: saved (\\S+) at global step (\\d+); training stops");

    @TempDir
    Path directory;

    private ChildJvm train(Path outputDir, String... extra) throws IOException {
        List<String> arguments = new ArrayList<>(List.of("train", directory.resolve("run.conf").toString(), "--set",
                "args.output-dir=\"" + outputDir.toString().replace("\\", "/") + "\""));
        arguments.addAll(List.of(extra));
        return ChildJvm.start(directory, Duration.ofSeconds(WAIT_SECONDS),
                List.of("-Xmx512m", "-DOPT_OUT_TRACKING=true", "-Dai.djl.offline=true"),
                Map.of("TF_OVERRIDE_GLOBAL_THREADPOOL", "true", "TF_CPP_MIN_LOG_LEVEL", "2"), Trainer4jCli.class, arguments);
    }

    private void writeRun() throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            int label = (i * 7 + 3) % 3 == 0 ? 1 : 0;
            double shift = label == 1 ? 1.0 : -1.0;
            rows.append(String.format(Locale.ROOT, "{\"features\": [%.3f, %.3f, %.3f, %.3f], \"label\": %d}%n",
                    shift + (i % 5) * 0.1, -shift + (i % 3) * 0.1, (i % 7) * 0.05, shift * 0.5, label));
        }
        Files.writeString(directory.resolve("train.jsonl"), rows.toString());
        Files.writeString(directory.resolve("run.conf"), """
                model { type = mlp-classifier, input-size = 4, hidden-sizes = [8], num-labels = 2, dropout = 0.1 }
                data { train { type = jsonl, path = train.jsonl } }
                callbacks = [{ type = cli-test-pacer, step-delay-millis = 150 }]
                args { max-steps = %d, per-device-train-batch-size = 8, learning-rate = 0.05, logging-steps = 1,
                       save-strategy = steps, save-steps = 10, disable-progress = true, seed = 3,
                       intra-op-threads = 1, inter-op-threads = 1, train-towers = 1 }
                """.formatted(MAX_STEPS));
    }

    @Test
    void sigtermSavesTheCurrentStepExitsWith143AndTheResumeEndsBitIdentical() throws Exception {
        writeRun();
        Path straight = directory.resolve("straight");
        Path stopped = directory.resolve("stopped");
        ChildJvm uninterrupted = train(straight);
        ChildJvm doomed = train(stopped);

        doomed.await(line -> line.equals("STEP 12"), "'STEP 12'");
        doomed.process().destroy(); // SIGTERM on Linux
        int exitCode = doomed.awaitExit();
        String log = doomed.stderr();
        assertThat(exitCode).as("stderr: %s", log).isEqualTo(143);
        assertThat(log).contains("save-on-interrupt: SIGTERM/SIGINT save a checkpoint at the next step boundary");
        Matcher saved = SAVED.matcher(log);
        assertThat(saved.find()).as("stderr: %s", log).isTrue();
        long step = Long.parseLong(saved.group(2));
        assertThat(step).isBetween(12L, (long) MAX_STEPS - 1);
        Path checkpoint = stopped.resolve(Checkpoints.name(step));
        assertThat(Path.of(saved.group(1))).isEqualTo(checkpoint);
        assertThat(Checkpoints.verify(checkpoint)).isEmpty();
        assertThat(Checkpoints.findLatest(stopped).checkpoint()).contains(checkpoint);

        assertThat(uninterrupted.awaitExit()).as("stderr: %s", uninterrupted.stderr()).isZero();
        // the command's other default: one full collection between the setup and the first step
        assertThat(uninterrupted.stderr()).containsPattern("start: .* full gc [0-9.]+, first batch");
        ChildJvm resumed = train(stopped, "--resume", "latest");
        assertThat(resumed.awaitExit()).as("stderr: %s", resumed.stderr()).isZero();
        assertThat(resumed.stderr()).contains("resume-from-checkpoint = latest: " + checkpoint);

        Path last = Path.of(Checkpoints.name(MAX_STEPS));
        assertThat(logHistory(stopped.resolve(last))).isEqualTo(logHistory(straight.resolve(last)));
        assertThat(engineDigests(stopped.resolve(last))).isEqualTo(engineDigests(straight.resolve(last)));
    }

    /** The checkpoint's {@code log_history} without the timing values. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> logHistory(Path checkpoint) throws IOException {
        Map<String, Object> state = new ObjectMapper().readValue(checkpoint.resolve(Checkpoints.TRAINER_STATE).toFile(), Map.class);
        List<Map<String, Object>> history = new ArrayList<>();
        for (Map<String, Object> entry : (List<Map<String, Object>>) state.get("log_history")) {
            Map<String, Object> kept = new LinkedHashMap<>(entry);
            kept.keySet().removeIf(key -> key.endsWith("runtime") || key.endsWith("_per_second"));
            history.add(kept);
        }
        assertThat(history).hasSizeGreaterThan(MAX_STEPS);
        return history;
    }

    /** SHA-256 of every file of the checkpoint's engine folder (weights and optimizer state), by relative path. */
    private static Map<String, String> engineDigests(Path checkpoint) throws Exception {
        Path engine = checkpoint.resolve(Checkpoints.ENGINE_DIR);
        Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.walk(engine)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                digests.put(engine.relativize(file).toString(), HexFormat.of().formatHex(digest));
            }
        }
        assertThat(digests).isNotEmpty();
        return digests;
    }
}
