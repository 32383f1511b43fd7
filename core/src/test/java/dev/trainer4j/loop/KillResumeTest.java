package dev.trainer4j.loop;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.testing.ChildJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a child JVM ({@link CheckpointChild}) with SIGKILL at the checkpoint writer's fault points and at random
 * moments, and terminates one with SIGTERM (save-on-interrupt); a fresh child then resumes with {@code latest} and
 * must end with exactly the log and weights of an uninterrupted run.
 */
class KillResumeTest {
    private static final long WAIT_SECONDS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;

    private static Map<String, Object> uninterrupted;

    /** Starts a child; {@code faultPoint} is empty or {@code <point> <occurrence>} (see {@link CheckpointChild}). */
    private static ChildJvm start(Path dir, Path result, String mode, long stepDelayMillis, String... faultPoint) throws IOException {
        return start(List.of(), dir, result, mode, stepDelayMillis, faultPoint);
    }

    private static ChildJvm start(List<String> jvmOptions, Path dir, Path result, String mode, long stepDelayMillis,
                                  String... faultPoint) throws IOException {
        List<String> options = new ArrayList<>(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        options.addAll(jvmOptions);
        List<String> arguments = new ArrayList<>(List.of(dir.toString(), result.toString(), mode, Long.toString(stepDelayMillis)));
        arguments.addAll(List.of(faultPoint));
        return ChildJvm.start(root, Duration.ofSeconds(WAIT_SECONDS), options, Map.of(), CheckpointChild.class, arguments);
    }

    private static Map<String, Object> runToTheEnd(Path dir, String mode) throws Exception {
        Path result = dir.resolveSibling(dir.getFileName() + "-" + mode + ".json");
        ChildJvm child = start(dir, result, mode, 0);
        child.await("DONE");
        assertThat(child.awaitExit()).isZero();
        @SuppressWarnings("unchecked")
        Map<String, Object> content = JSON.readValue(result.toFile(), Map.class);
        return content;
    }

    @BeforeAll
    static void runUninterrupted() throws Exception {
        uninterrupted = runToTheEnd(root.resolve("uninterrupted"), "fresh");
        assertThat(uninterrupted.get("counted_steps")).isEqualTo(18);
        assertThat((List<?>) uninterrupted.get("history")).hasSizeGreaterThan(18);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private static Optional<Path> workFolder(Path dir, String regex) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(path -> path.getFileName().toString().matches(regex)).findFirst();
        }
    }

    /** Kills the child when it blocks at {@code point} ({@code occurrence}-th time); returns the folder it named. */
    private Path killAtFaultPoint(Path dir, String point, int occurrence) throws Exception {
        ChildJvm child = start(dir, dir.resolveSibling("unused.json"), "fresh", 0, point, Integer.toString(occurrence));
        String line = child.await("FAULT-POINT " + point);
        child.kill();
        return Path.of(line.substring(("FAULT-POINT " + point + " ").length()));
    }

    private void assertResumesExactly(Path dir) throws Exception {
        Map<String, Object> resumed = runToTheEnd(dir, "resume");
        assertThat(resumed).isEqualTo(uninterrupted);
        assertThat(Checkpoints.workFolders(dir)).isEmpty();
    }

    @Test
    void killedWithEngineStateWrittenButNoManifest() throws Exception {
        Path dir = root.resolve("before-manifest");
        Path temporary = killAtFaultPoint(dir, CheckpointFaults.BEFORE_MANIFEST, 3);

        assertThat(temporary.getFileName().toString()).matches("\\.checkpoint-6\\.tmp-[0-9a-f]+");
        assertThat(temporary.resolve("engine/fake-engine.json")).isRegularFile();
        assertThat(temporary.resolve(Checkpoints.MANIFEST)).doesNotExist();
        assertThat(Checkpoints.findLatest(dir).checkpoint()).contains(dir.resolve("checkpoint-4"));
        assertResumesExactly(dir);
    }

    @Test
    void killedWithManifestWrittenButFolderNotRenamed() throws Exception {
        Path dir = root.resolve("before-rename");
        Path temporary = killAtFaultPoint(dir, CheckpointFaults.BEFORE_RENAME, 4);

        assertThat(temporary.getFileName().toString()).matches("\\.checkpoint-8\\.tmp-[0-9a-f]+");
        assertThat(Checkpoints.verify(temporary)).isEmpty();
        assertThat(Checkpoints.list(dir)).doesNotContain(dir.resolve("checkpoint-8"));
        assertThat(Checkpoints.findLatest(dir).checkpoint().flatMap(Checkpoints::step)).contains(6L);
        assertResumesExactly(dir);
    }

    @Test
    void killedInTheMiddleOfARotationDelete() throws Exception {
        Path dir = root.resolve("rotation");
        Path doomed = killAtFaultPoint(dir, CheckpointFaults.ROTATION_DELETE, 2);

        assertThat(doomed.getFileName().toString()).matches("\\.checkpoint-\\d+\\.deleting-[0-9a-f]+");
        assertThat(doomed).isDirectory();
        Checkpoints.Latest latest = Checkpoints.findLatest(dir);
        assertThat(latest.skipped()).isEmpty();
        assertThat(latest.checkpoint()).isPresent();
        for (Path checkpoint : Checkpoints.list(dir)) {
            assertThat(Checkpoints.verify(checkpoint)).as(checkpoint.toString()).isEmpty();
        }
        assertResumesExactly(dir);
    }

    @Test
    void killedAtRandomMoments() throws Exception {
        long seed = 20240611L;
        Random random = new Random(seed);
        for (int attempt = 0; attempt < 3; attempt++) {
            Path dir = root.resolve("random-" + attempt);
            // one random moment in each third of the ~300 ms run (15 ms per step, 18 steps)
            long delay = 80 + 90L * attempt + random.nextInt(60);
            ChildJvm child = start(dir, dir.resolveSibling("random-" + attempt + "-unused.json"), "fresh", 15);
            child.await("STARTED");
            Thread.sleep(delay);
            child.kill();
            List<String> left = Files.isDirectory(dir) ? names(dir) : List.of();
            List<String> printed = child.drainPrinted();
            System.out.println("random kill " + attempt + " after " + delay + " ms (seed " + seed + "): the child's last lines "
                    + printed.subList(Math.max(0, printed.size() - 3), printed.size()) + ", left " + left);
            assertThat(Checkpoints.findLatest(dir).skipped()).as("seed %d, attempt %d, left %s", seed, attempt, left).isEmpty();
            assertResumesExactly(dir);
        }
    }

    @Test
    void sigtermSavesAtTheNextStepBoundaryAndTheRunResumesExactly() throws Exception {
        Path dir = root.resolve("sigterm");
        ChildJvm child = start(dir, dir.resolveSibling("sigterm-unused.json"), "fresh", 200);
        child.await("STEP 5");
        child.process().destroy(); // SIGTERM on Linux
        child.awaitExit();

        assertThat(Checkpoints.list(dir)).contains(dir.resolve("checkpoint-5"));
        assertThat(Checkpoints.verify(dir.resolve("checkpoint-5"))).isEmpty();
        assertThat(Checkpoints.findLatest(dir).checkpoint()).contains(dir.resolve("checkpoint-5"));
        assertThat(child.stderr()).contains("SIGTERM received: saving a checkpoint at the next step boundary");
        assertResumesExactly(dir);
    }

    /** An application's own handler of {@code signal}, installed before training, runs after the save. */
    private void assertChainsToTheApplicationsHandler(String signal, Path dir) throws Exception {
        // a second per step: the signal, sent by a kill process after STEP 5, lands in step 5's pause even on a loaded
        // machine, so the save is at step 5's boundary (with 200 ms it sometimes came after step 6)
        ChildJvm child = start(List.of("-D" + CheckpointChild.APP_SIGNAL_PROPERTY + "=" + signal), dir,
                dir.resolveSibling(dir.getFileName() + "-unused.json"), "fresh", 1000);
        String installed = child.await("APP-HANDLER-INSTALLED");
        if (installed.endsWith("ignored")) {
            child.kill();
            Assumptions.abort("SIG" + signal + " is ignored in this process tree (started in the background?)");
        }
        child.await("STEP 5");
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.process().pid())).start();
        assertThat(kill.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(child.await("APP-HANDLER")).isEqualTo("APP-HANDLER SIG" + signal + " latest checkpoint-5");
        assertThat(child.awaitExit()).isEqualTo(CheckpointChild.APP_EXIT_STATUS);
        assertThat(child.stderr()).contains("SIG" + signal + " received: saving a checkpoint");
        assertResumesExactly(dir);
    }

    @Test
    void sigtermGoesOnToTheHandlerTheApplicationInstalledBefore() throws Exception {
        assertChainsToTheApplicationsHandler("TERM", root.resolve("application-sigterm"));
    }

    @Test
    void sigintSavesAndGoesOnToTheHandlerTheApplicationInstalledBefore() throws Exception {
        assertChainsToTheApplicationsHandler("INT", root.resolve("application-sigint"));
    }
}
