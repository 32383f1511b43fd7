package dev.trainer4j.loop;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/** File-system steps that survive a crash: forcing files and folders to disk, atomic renames. */
final class Durability {
    private Durability() {
    }

    /** Forces a file's content and metadata to the storage device. */
    static void forceFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Forces a folder's entries (created, renamed, deleted names) to disk where the platform allows it (Linux and
     * macOS do; Windows cannot open a folder as a channel, and there the call does nothing).
     */
    static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
        catch (IOException | UnsupportedOperationException e) {
            // not possible on this platform or file system: the rename is still atomic, only its durability is weaker
        }
    }

    /** Forces every folder under and including {@code root}. */
    static void forceDirectories(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isDirectory).forEach(Durability::forceDirectory);
        }
    }

    /** Renames atomically (a plain rename where the file system cannot do it atomically). */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /** Deletes a folder tree; {@code afterFirstFile} runs once after the first file is gone (a fault point). */
    static void deleteRecursively(Path root, IoAction afterFirstFile) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        boolean[] first = {true};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                if (first[0]) {
                    first[0] = false;
                    afterFirstFile.run();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException exception) throws IOException {
                if (exception != null) {
                    throw exception;
                }
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteRecursively(Path root) throws IOException {
        deleteRecursively(root, () -> { });
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }
}
