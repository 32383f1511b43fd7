package dev.trainer4j.loop;

import dev.trainer4j.api.CheckpointException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import static java.util.Objects.requireNonNull;

/**
 * Writes, rotates and deletes checkpoint folders so that a crash (even {@code kill -9}) at any moment never leaves
 * a {@code checkpoint-<step>} folder that a resume would take for a good one.
 *
 * <p>A save fills a hidden folder {@code .checkpoint-<step>.tmp-<random>}, adds {@code manifest.json} last, forces
 * every file and folder to disk, and only then renames it to {@code checkpoint-<step>} (atomic on one file system).
 * A deletion first renames the folder to a hidden {@code .checkpoint-<step>.deleting-<random>} name. Hidden work
 * folders left by a crash are removed at the next save. A failed save throws one {@link CheckpointException}
 * naming the folder and the cause, after removing its temporary folder.
 */
public final class CheckpointWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);

    private final CheckpointFaults faults;

    /** What a save puts into the (empty, temporary) checkpoint folder: everything but the manifest. */
    @FunctionalInterface
    public interface Contents {
        void writeInto(Path folder) throws IOException;
    }

    /** A writer that calls {@code faults} at each fault point ({@link CheckpointFaults#NONE} outside tests). */
    public CheckpointWriter(CheckpointFaults faults) {
        this.faults = requireNonNull(faults, "faults is null");
    }

    /**
     * Saves {@code outputDir/checkpoint-<globalStep>}: removes leftover work folders, writes {@code contents} and the
     * manifest into a temporary folder, forces it to disk and renames it into place (replacing an existing folder of
     * that name only once the new one is complete). Returns the final folder.
     *
     * @throws CheckpointException when anything fails; the temporary folder is then removed
     */
    public Path write(Path outputDir, long globalStep, Contents contents) {
        requireNonNull(outputDir, "outputDir is null");
        requireNonNull(contents, "contents is null");
        Path target = outputDir.resolve(Checkpoints.name(globalStep));
        Path temporary = workFolder(outputDir, globalStep, "tmp");
        String phase = "creating the temporary folder " + temporary.getFileName();
        try {
            Files.createDirectories(outputDir);
            removeWorkFolders(outputDir);
            Files.createDirectory(temporary);
            phase = "writing the checkpoint files";
            contents.writeInto(temporary);
            faults.reached(CheckpointFaults.BEFORE_MANIFEST, temporary);
            phase = "writing " + CheckpointManifest.FILE;
            CheckpointManifest.write(temporary, globalStep);
            Durability.forceDirectories(temporary);
            faults.reached(CheckpointFaults.BEFORE_RENAME, temporary);
            phase = "renaming the temporary folder to " + target.getFileName();
            if (Files.exists(target)) {
                Path replaced = workFolder(outputDir, globalStep, "old");
                Durability.move(target, replaced);
                Durability.move(temporary, target);
                Durability.forceDirectory(outputDir);
                deleteQuietly(replaced);
            }
            else {
                Durability.move(temporary, target);
            }
            Durability.forceDirectory(outputDir);
            return target;
        }
        catch (Exception e) {
            throw failure(outputDir, target, temporary, phase, e);
        }
    }

    private CheckpointException failure(Path outputDir, Path target, Path temporary, String phase, Exception cause) {
        StringBuilder message = new StringBuilder("cannot save checkpoint ").append(target).append(": ")
                .append(describe(cause)).append(" (while ").append(phase).append(")");
        try {
            Durability.deleteRecursively(temporary);
            message.append("; the partial folder was removed");
        }
        catch (IOException | RuntimeException e) {
            message.append("; the partial folder ").append(temporary).append(" could not be removed (")
                    .append(describe(e)).append("), it will be removed at the next save");
        }
        List<Path> existing;
        try {
            existing = Checkpoints.list(outputDir);
        }
        catch (RuntimeException e) {
            existing = List.of();
        }
        existing = existing.stream().filter(path -> !path.equals(target)).toList();
        if (existing.isEmpty()) {
            message.append("; no earlier checkpoint exists");
        }
        else {
            message.append("; earlier checkpoints are unchanged (newest: ")
                    .append(existing.get(existing.size() - 1).getFileName()).append(")");
        }
        return new CheckpointException(target, message.toString(), cause);
    }

    /** The cause of a failure in words: the file and the operating system's reason when known. */
    static String describe(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof FileSystemException fs) {
                String reason = fs.getReason();
                if (reason == null) {
                    reason = fs instanceof AccessDeniedException ? "permission denied"
                            : fs instanceof NoSuchFileException ? "no such file or folder"
                            : fs instanceof FileAlreadyExistsException ? "already exists"
                            : fs.getClass().getSimpleName();
                }
                return (fs.getFile() != null ? fs.getFile() + ": " : "") + reason;
            }
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage();
        return text == null || text.isBlank() ? root.getClass().getSimpleName() : text;
    }

    /**
     * Deletes the checkpoints {@link Checkpoints#selectForRotation} picks for {@code save-total-limit}. A folder that
     * cannot be deleted is logged and left (the save itself succeeded). Returns the deleted folders.
     */
    public List<Path> rotate(Path outputDir, int limit, Optional<String> bestName) {
        List<Path> deleted = new ArrayList<>();
        for (Path checkpoint : Checkpoints.selectForRotation(Checkpoints.list(outputDir), limit, bestName)) {
            if (deleteOrWarn(checkpoint, "save-total-limit = " + limit)) {
                deleted.add(checkpoint);
            }
        }
        return deleted;
    }

    /** Deletes every checkpoint of {@code outputDir} except {@code keepName} (the end-of-training rule for limit 1). */
    public List<Path> deleteAllExcept(Path outputDir, String keepName, String reason) {
        List<Path> deleted = new ArrayList<>();
        for (Path checkpoint : Checkpoints.list(outputDir)) {
            if (!checkpoint.getFileName().toString().equals(keepName) && deleteOrWarn(checkpoint, reason)) {
                deleted.add(checkpoint);
            }
        }
        return deleted;
    }

    private boolean deleteOrWarn(Path checkpoint, String reason) {
        try {
            delete(checkpoint);
            LOG.info("deleted checkpoint {} ({})", checkpoint, reason);
            return true;
        }
        catch (IOException e) {
            LOG.warn("cannot delete checkpoint {} ({}): {}; it is kept", checkpoint, reason, describe(e));
            return false;
        }
    }

    /**
     * Removes every {@code checkpoint-*} folder and work folder of {@code outputDir} (training anew with
     * {@code overwrite-output-dir}), so that a later {@code latest} cannot pick a stale one.
     */
    public void removeAll(Path outputDir) {
        for (Path checkpoint : Checkpoints.list(outputDir)) {
            try {
                delete(checkpoint);
            }
            catch (IOException e) {
                throw new CheckpointException(checkpoint, "overwrite-output-dir = true, but the old checkpoint "
                        + checkpoint + " cannot be removed: " + describe(e), e);
            }
        }
        removeWorkFolders(outputDir);
    }

    /**
     * Deletes one checkpoint folder crash-safely: renames it to a hidden work name first (an atomic step after which
     * it is no longer a checkpoint), then deletes the files.
     */
    public void delete(Path checkpoint) throws IOException {
        long step = Checkpoints.step(checkpoint).orElseThrow(() ->
                new IllegalArgumentException(checkpoint + " is not a checkpoint-<step> folder"));
        Path outputDir = checkpoint.toAbsolutePath().getParent();
        Path doomed = workFolder(outputDir, step, "deleting");
        Durability.move(checkpoint, doomed);
        Durability.forceDirectory(outputDir);
        Durability.deleteRecursively(doomed, () -> faults.reached(CheckpointFaults.ROTATION_DELETE, doomed));
    }

    /** Removes the hidden work folders a crash left behind; failures are logged, never thrown. */
    public void removeWorkFolders(Path outputDir) {
        for (Path folder : Checkpoints.workFolders(outputDir)) {
            LOG.info("removing {} left by an interrupted save or deletion", folder);
            deleteQuietly(folder);
        }
    }

    private static void deleteQuietly(Path folder) {
        try {
            Durability.deleteRecursively(folder);
        }
        catch (IOException | RuntimeException e) {
            LOG.warn("cannot remove {}: {}; a hidden work folder is never taken for a checkpoint", folder, describe(e));
        }
    }

    private static Path workFolder(Path outputDir, long step, String kind) {
        String suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        return outputDir.resolve("." + Checkpoints.name(step) + "." + kind + "-" + suffix);
    }
}
