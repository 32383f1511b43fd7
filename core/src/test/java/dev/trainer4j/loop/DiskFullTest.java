package dev.trainer4j.loop;

import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.loop.CheckpointFixtures.Outcome;
import dev.trainer4j.testing.FakeBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.trainer4j.loop.CheckpointFixtures.args;
import static dev.trainer4j.loop.CheckpointFixtures.run;
import static dev.trainer4j.loop.CheckpointFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A real full disk: a 256 KiB tmpfs (needs root and permission to mount; skipped otherwise, but with the environment
 * variable {@code REQUIRE_MOUNT=1}, which {@code .ci/run} sets when a probe mount works, a failed mount fails the
 * test instead of skipping it). The disk is filled after the first checkpoint, so the second save fails with ENOSPC.
 */
class DiskFullTest {
    @TempDir
    Path root;

    private Path mountPoint;

    private static int exec(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    @AfterEach
    void unmount() throws Exception {
        if (mountPoint != null && exec("umount", mountPoint.toString()) != 0) {
            exec("umount", "-l", mountPoint.toString());
        }
    }

    private static void fill(Path disk) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(disk.resolve("filler"))) {
            while (true) {
                out.write(block);
                out.flush();
            }
        }
        catch (IOException expected) {
            assertThat(expected.getMessage()).contains("No space left on device");
        }
    }

    @Test
    void aSaveOnAFullDiskFailsClearlyAndThePreviousCheckpointResumesExactly() throws Exception {
        Path disk = Files.createDirectories(root.resolve("tiny"));
        int status;
        try {
            status = exec("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk.toString());
        }
        catch (IOException e) {
            status = -1;
        }
        if ("1".equals(System.getenv("REQUIRE_MOUNT"))) {
            assertThat(status).as("mount -t tmpfs exit status with REQUIRE_MOUNT=1 (a probe mount worked before the build)")
                    .isZero();
        }
        Assumptions.assumeTrue(status == 0, "mounting a tmpfs is not permitted here; the injected-failure tests cover this");
        mountPoint = disk;

        Outcome straight = run(spec(args(root.resolve("straight")).build()).build(), null);
        Path dir = disk.resolve("run");
        TrainerSpec spec = spec(args(dir).build()).addCallback(new CheckpointFixtures.StepCounter()).build();
        Callback fillAfterFirstSave = new Callback() {
            @Override
            public void onSave(TrainingArguments args, TrainerState state, TrainerControl control) {
                try {
                    fill(disk);
                }
                catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        };
        try (Trainer trainer = new DefaultTrainer(spec.toBuilder().addCallback(fillAfterFirstSave).build(), new FakeBackend())) {
            Throwable error = org.assertj.core.api.Assertions.catchThrowable(trainer::train);
            System.out.println("save on a full tmpfs: " + error);
            assertThat(error)
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageStartingWith("cannot save checkpoint " + dir.resolve("checkpoint-6") + ": ")
                    .hasMessageContaining("No space left on device")
                    .hasMessageEndingWith("the partial folder was removed; earlier checkpoints are unchanged (newest: checkpoint-3)");
        }
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder(OutputDirLock.FILE, "checkpoint-3");
        }
        assertThat(Checkpoints.verify(dir.resolve("checkpoint-3"))).isEmpty();

        Files.delete(disk.resolve("filler"));
        Outcome resumed = run(spec(args(dir).build()).build(), "latest");
        assertThat(resumed.history()).isEqualTo(straight.history());
        assertThat(resumed.weights()).containsExactly(straight.weights(), within(0.0));
        assertThat(resumed.trainLoss()).isEqualTo(straight.trainLoss());
    }
}
