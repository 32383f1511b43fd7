package dev.trainer4j.loop;

import dev.trainer4j.api.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The writer's on-disk protocol on plain files: manifest, verification, work folders, rotation, failures. */
class CheckpointWriterTest {
    @TempDir
    Path dir;

    private static void writeFile(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static Path save(CheckpointWriter writer, Path dir, long step) {
        return writer.write(dir, step, folder -> {
            writeFile(folder.resolve("engine/weights.bin"), "weights of step " + step);
            writeFile(folder.resolve(Checkpoints.TRAINER_STATE), "{\"global_step\": " + step + "}");
        });
    }

    private Path save(long step) {
        return save(new CheckpointWriter(CheckpointFaults.NONE), dir, step);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    @Test
    void manifestListsEveryFileWithSizeAndSha256() throws Exception {
        Path checkpoint = save(3);
        assertThat(checkpoint).isEqualTo(dir.resolve("checkpoint-3"));
        Map<String, Object> manifest = Checkpoints.readJson(checkpoint.resolve("manifest.json"));
        assertThat(manifest.get("global_step")).isEqualTo(3);
        // sizes and digests computed independently: printf 'weights of step 3' | sha256sum
        assertThat(manifest.get("files")).isEqualTo(List.of(
                Map.of("path", "engine/weights.bin", "size", 17,
                        "sha256", "3e14e6a07d9b7ca2eada523b6eea5b8d7afab55acb3bcf6cb5473017325a93b8"),
                Map.of("path", "trainer_state.json", "size", 18,
                        "sha256", "076e975863f0bdc99e41247b2d579b8c6217cb7b84482a1e79ff2dbf713b0907")));
        assertThat(Checkpoints.verify(checkpoint)).isEmpty();
        assertThat(names()).containsExactly("checkpoint-3");
    }

    @Test
    void verifyNamesTheFileAndWhatIsWrong() throws Exception {
        Path truncated = save(1);
        truncate(truncated.resolve("engine/weights.bin"), 5);
        assertThat(Checkpoints.verify(truncated)).contains(
                "engine/weights.bin has 5 bytes but the manifest says 17 (truncated or overwritten)");

        Path altered = save(2);
        Files.writeString(altered.resolve("engine/weights.bin"), "WEIGHTS of step 2");
        assertThat(Checkpoints.verify(altered).orElseThrow())
                .startsWith("engine/weights.bin has SHA-256 ").contains("(its content changed)");

        Path missing = save(3);
        Files.delete(missing.resolve("trainer_state.json"));
        assertThat(Checkpoints.verify(missing)).contains("trainer_state.json is missing");

        Path unfinished = save(4);
        Files.delete(unfinished.resolve("manifest.json"));
        assertThat(Checkpoints.verify(unfinished).orElseThrow()).startsWith("manifest.json is missing");

        Path escaping = save(5);
        Files.writeString(escaping.resolve("manifest.json"),
                "{\"format_version\": 1, \"files\": [{\"path\": \"../checkpoint-6/x\", \"size\": 1, \"sha256\": \"00\"}]}");
        assertThat(Checkpoints.verify(escaping).orElseThrow()).startsWith("manifest.json has an invalid entry");
    }

    @Test
    void latestSkipsDamagedCheckpointsAndNeverPicksWorkFolders() throws Exception {
        save(2);
        save(4);
        Path newest = save(6);
        truncate(newest.resolve("trainer_state.json"), 0);
        Files.createDirectories(dir.resolve(".checkpoint-8.tmp-0123abcd"));
        Files.createDirectories(dir.resolve("checkpoint-7"));

        Checkpoints.Latest latest = Checkpoints.findLatest(dir);

        assertThat(latest.checkpoint()).contains(dir.resolve("checkpoint-4"));
        assertThat(latest.skipped().keySet()).containsExactly(dir.resolve("checkpoint-7"), dir.resolve("checkpoint-6"));
        assertThat(latest.skipped().get(dir.resolve("checkpoint-6")))
                .isEqualTo("trainer_state.json has 0 bytes but the manifest says 18 (truncated or overwritten)");
        assertThat(Checkpoints.findLatest(dir.resolve("absent")).checkpoint()).isEmpty();
    }

    @Test
    void workFoldersLeftByACrashAreRemovedAtTheNextSave() throws Exception {
        save(2);
        writeFile(dir.resolve(".checkpoint-4.tmp-00ff/engine/weights.bin"), "half");
        writeFile(dir.resolve(".checkpoint-2.deleting-0a/trainer_state.json"), "{}");
        writeFile(dir.resolve(".checkpoint-3.old-1b/trainer_state.json"), "{}");
        writeFile(dir.resolve("notes.txt"), "the user's file stays");

        save(4);

        assertThat(names()).containsExactly("checkpoint-2", "checkpoint-4", "notes.txt");
    }

    @Test
    void savingAnExistingStepReplacesItOnlyWhenTheNewOneIsComplete() {
        save(2);
        Path again = new CheckpointWriter(CheckpointFaults.NONE).write(dir, 2,
                folder -> writeFile(folder.resolve(Checkpoints.TRAINER_STATE), "{\"second\": true}"));
        assertThat(again.resolve("engine")).doesNotExist();
        assertThat(Checkpoints.verify(again)).isEmpty();
    }

    @Test
    void aFailedSaveIsOneClearErrorRemovesItsTemporaryFolderAndKeepsThePreviousCheckpoint() throws Exception {
        save(2);
        CheckpointWriter failing = new CheckpointWriter((point, path) -> {
            if (point.equals(CheckpointFaults.BEFORE_MANIFEST)) {
                throw new FileSystemException(path.resolve("engine/weights.bin").toString(), null, "No space left on device");
            }
        });

        CheckpointException error = catchThrowableOfType(() -> save(failing, dir, 4), CheckpointException.class);

        assertThat(error.checkpoint()).isEqualTo(dir.resolve("checkpoint-4"));
        assertThat(error.getMessage()).matches(java.util.regex.Pattern.quote("cannot save checkpoint " + dir.resolve("checkpoint-4")
                + ": " + dir + "/.checkpoint-4.tmp-") + "[0-9a-f]+" + java.util.regex.Pattern.quote("/engine/weights.bin: "
                + "No space left on device (while writing the checkpoint files); the partial folder was removed; "
                + "earlier checkpoints are unchanged (newest: checkpoint-2)"));
        assertThat(names()).containsExactly("checkpoint-2");
        assertThat(Checkpoints.verify(dir.resolve("checkpoint-2"))).isEmpty();
    }

    @Test
    void aFailureOfTheContentsIsReportedWithItsRootCause() throws Exception {
        CheckpointException error = catchThrowableOfType(() -> new CheckpointWriter(CheckpointFaults.NONE).write(dir, 1,
                folder -> {
                    throw new java.io.UncheckedIOException(new IOException("No space left on device"));
                }), CheckpointException.class);
        assertThat(error.getMessage()).isEqualTo("cannot save checkpoint " + dir.resolve("checkpoint-1")
                + ": No space left on device (while writing the checkpoint files); the partial folder was removed; "
                + "no earlier checkpoint exists");
        assertThat(names()).isEmpty();
    }

    @Test
    void rotationFollowsHfAndProtectsTheBest() {
        List<Path> five = new ArrayList<>();
        for (int step = 1; step <= 5; step++) {
            five.add(dir.resolve("checkpoint-" + step));
        }
        assertThat(Checkpoints.selectForRotation(five, 2, Optional.empty())).containsExactly(five.get(0), five.get(1), five.get(2));
        // the best (step 1) moves to the second-newest place: 2, 3, 4 go, 1 and 5 stay
        assertThat(Checkpoints.selectForRotation(five, 2, Optional.of("checkpoint-1")))
                .containsExactly(five.get(1), five.get(2), five.get(3));
        // limit 1 with best != last keeps two, so that the run can still be resumed
        assertThat(Checkpoints.selectForRotation(five, 1, Optional.of("checkpoint-2")))
                .containsExactly(five.get(0), five.get(2), five.get(3));
        assertThat(Checkpoints.selectForRotation(five, 1, Optional.of("checkpoint-5")))
                .containsExactly(five.get(0), five.get(1), five.get(2), five.get(3));
        assertThat(Checkpoints.selectForRotation(five, 3, Optional.of("checkpoint-4"))).containsExactly(five.get(0), five.get(1));
        assertThat(Checkpoints.selectForRotation(five, 9, Optional.of("checkpoint-4"))).isEmpty();
    }

    @Test
    void rotationDeletesByRenamingFirstSoAHalfDeletedFolderIsNeverACheckpoint() throws Exception {
        save(1);
        save(2);
        save(3);
        List<String> seenDuringDelete = new ArrayList<>();
        CheckpointWriter observing = new CheckpointWriter((point, path) -> {
            if (point.equals(CheckpointFaults.ROTATION_DELETE)) {
                seenDuringDelete.add(path.getFileName().toString());
                seenDuringDelete.addAll(Checkpoints.list(dir).stream().map(p -> p.getFileName().toString()).toList());
            }
        });

        List<Path> deleted = observing.rotate(dir, 1, Optional.of("checkpoint-2"));

        assertThat(deleted).containsExactly(dir.resolve("checkpoint-1"));
        assertThat(seenDuringDelete.get(0)).matches("\\.checkpoint-1\\.deleting-[0-9a-f]+");
        assertThat(seenDuringDelete.subList(1, seenDuringDelete.size())).containsExactly("checkpoint-2", "checkpoint-3");
        assertThat(names()).containsExactly("checkpoint-2", "checkpoint-3");
    }
}
