package dev.trainer4j.tf.resume;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.loop.CheckpointFaults;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.testing.ChildJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end exact resume on TensorFlow: a {@link TfCheckpointChild} JVM (dropout, shuffled data, gradient
 * accumulation 2, AdamW with clipping and a linear schedule) is killed with SIGKILL while its checkpoint writer
 * blocks at each fault point; a fresh JVM resumes with {@code latest} and must end bit-identical to an uninterrupted
 * run: every logged value, the final logits and the last checkpoint's engine files (weights and optimizer state).
 * The uninterrupted run and the three doomed runs start side by side to keep the JVM and TensorFlow start-ups short.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TfKillResumeTest {
    private static final long WAIT_SECONDS = 150;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;

    private static Map<String, Object> uninterrupted;
    private static final List<ChildJvm> children = new ArrayList<>();
    /** The folder each doomed child named when it blocked at its fault point, by fault point. */
    private static final Map<String, Path> killedAt = new HashMap<>();

    private static ChildJvm start(Path dir, Path result, String mode, String... faultPoint) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(dir.toString(), result.toString(), mode));
        arguments.addAll(List.of(faultPoint));
        // the same kernels and thread pools in every child (the surefire JVM sets these too)
        ChildJvm child = ChildJvm.start(root, Duration.ofSeconds(WAIT_SECONDS),
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                Map.of("TF_OVERRIDE_GLOBAL_THREADPOOL", "true", "TF_ENABLE_ONEDNN_OPTS", "1", "TF_CPP_MIN_LOG_LEVEL", "2"),
                TfCheckpointChild.class, arguments);
        children.add(child);
        return child;
    }

    private static Path result(Path dir, String mode) {
        return dir.resolveSibling(dir.getFileName() + "-" + mode + ".json");
    }

    private static Map<String, Object> finish(ChildJvm child, Path result) throws Exception {
        child.await("DONE");
        assertThat(child.awaitExit()).as("exit code; stderr:\n%s", child.stderr()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> content = JSON.readValue(result.toFile(), Map.class);
        return content;
    }

    /** Starts the uninterrupted run and the three doomed runs together, kills each doomed one at its fault point. */
    @BeforeAll
    static void runUninterruptedAndKillAtEveryFaultPoint() throws Exception {
        Path uninterruptedDir = root.resolve("uninterrupted");
        ChildJvm whole = start(uninterruptedDir, result(uninterruptedDir, "fresh"), "fresh");
        Map<String, ChildJvm> doomed = new LinkedHashMap<>();
        // occurrence n of before-manifest / before-rename is the n-th checkpoint (every 2 steps); rotation starts at the 3rd
        doomed.put(CheckpointFaults.BEFORE_MANIFEST, start(root.resolve(CheckpointFaults.BEFORE_MANIFEST),
                root.resolve("unused-1.json"), "fresh", CheckpointFaults.BEFORE_MANIFEST, "3"));
        doomed.put(CheckpointFaults.BEFORE_RENAME, start(root.resolve(CheckpointFaults.BEFORE_RENAME),
                root.resolve("unused-2.json"), "fresh", CheckpointFaults.BEFORE_RENAME, "4"));
        doomed.put(CheckpointFaults.ROTATION_DELETE, start(root.resolve(CheckpointFaults.ROTATION_DELETE),
                root.resolve("unused-3.json"), "fresh", CheckpointFaults.ROTATION_DELETE, "2"));
        for (Map.Entry<String, ChildJvm> entry : doomed.entrySet()) {
            String line = entry.getValue().await("FAULT-POINT " + entry.getKey());
            entry.getValue().kill();
            killedAt.put(entry.getKey(), Path.of(line.substring(("FAULT-POINT " + entry.getKey() + " ").length())));
        }
        uninterrupted = finish(whole, result(uninterruptedDir, "fresh"));
        @SuppressWarnings("unchecked")
        List<Map<String, String>> history = (List<Map<String, String>>) uninterrupted.get("history");
        assertThat(history.stream().filter(entry -> entry.containsKey("loss")))
                .as("a training log entry per step, each with its learning rate and gradient norm")
                .hasSize((int) TfCheckpointChild.STEPS)
                .allSatisfy(entry -> assertThat(entry).containsKeys("learning_rate", "grad_norm"));
        assertThat(history.stream().filter(entry -> entry.containsKey("eval_loss"))).as("evaluations every 2 steps")
                .hasSize(9);
    }

    @AfterAll
    static void killLeftovers() {
        children.forEach(ChildJvm::close);
    }

    /** Resumes in a fresh child, which must start at the step after {@code latest} and end like the uninterrupted run. */
    private void assertResumesExactly(Path dir) throws Exception {
        long latestStep = Checkpoints.findLatest(dir).checkpoint().flatMap(Checkpoints::step).orElseThrow();
        ChildJvm child = start(dir, result(dir, "resume"), "resume");
        Map<String, Object> resumed = finish(child, result(dir, "resume"));
        assertThat(child.seen().stream().filter(line -> line.startsWith("STEP ")).findFirst())
                .as("the first step the resumed child took (it resumes, it does not retrain)")
                .contains("STEP " + (latestStep + 1));
        assertThat(resumed.get("history")).as("the whole log history (raw bits of every value) of the resumed run")
                .isEqualTo(uninterrupted.get("history"));
        assertThat(resumed.get("train_loss")).as("raw bits of the train loss").isEqualTo(uninterrupted.get("train_loss"));
        assertThat(resumed.get("train_logits")).as("raw bits of the final logits on the training data")
                .isEqualTo(uninterrupted.get("train_logits"));
        assertThat(resumed.get("eval_logits")).as("raw bits of the final logits on the evaluation data")
                .isEqualTo(uninterrupted.get("eval_logits"));
        assertThat(resumed.get("last_checkpoint_engine")).as("SHA-256 of the last checkpoint's engine files")
                .isEqualTo(uninterrupted.get("last_checkpoint_engine"));
        assertThat(Checkpoints.workFolders(dir)).as("work folders left after the resumed run").isEmpty();
    }

    @Test
    void killedWithEngineStateWrittenButNoManifest() throws Exception {
        Path dir = root.resolve(CheckpointFaults.BEFORE_MANIFEST);
        Path temporary = killedAt.get(CheckpointFaults.BEFORE_MANIFEST);
        assertThat(temporary.getFileName().toString()).matches("\\.checkpoint-6\\.tmp-[0-9a-f]+");
        assertThat(temporary.resolve(Checkpoints.MANIFEST)).doesNotExist();
        assertThat(Checkpoints.findLatest(dir).checkpoint()).contains(dir.resolve("checkpoint-4"));
        assertResumesExactly(dir);
    }

    @Test
    void killedWithManifestWrittenButFolderNotRenamed() throws Exception {
        Path dir = root.resolve(CheckpointFaults.BEFORE_RENAME);
        Path temporary = killedAt.get(CheckpointFaults.BEFORE_RENAME);
        assertThat(temporary.getFileName().toString()).matches("\\.checkpoint-8\\.tmp-[0-9a-f]+");
        assertThat(Checkpoints.verify(temporary)).as("the unrenamed folder is complete").isEmpty();
        assertThat(Checkpoints.findLatest(dir).checkpoint().flatMap(Checkpoints::step)).contains(6L);
        assertResumesExactly(dir);
    }

    @Test
    void killedInTheMiddleOfARotationDelete() throws Exception {
        Path dir = root.resolve(CheckpointFaults.ROTATION_DELETE);
        Path doomed = killedAt.get(CheckpointFaults.ROTATION_DELETE);
        assertThat(doomed.getFileName().toString()).matches("\\.checkpoint-\\d+\\.deleting-[0-9a-f]+");
        Checkpoints.Latest latest = Checkpoints.findLatest(dir);
        assertThat(latest.skipped()).as("checkpoints skipped as damaged").isEmpty();
        assertThat(latest.checkpoint()).isPresent();
        assertResumesExactly(dir);
    }
}
