package dev.trainer4j.loop;

import dev.trainer4j.api.ConfigurationException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * Keeps a second run out of an output dir while a run writes into it. The lock is the operating system's lock on
 * {@code <output-dir>/.trainer4j.lock}, which the system releases when the holding process ends however it ends, so
 * the lock of a killed run is taken over by the next one without a stale-lock check. The file names the holder (its
 * process id and start time) for the error a second writer gets. The file stays after the run: deleting it
 * would let two runs lock two different files of that name.
 */
final class OutputDirLock implements AutoCloseable {
    static final String FILE = ".trainer4j.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private OutputDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code outputDir} (creating it) for this run.
     *
     * @throws ConfigurationException when another run, in this process or another, holds it; the message names it
     */
    static OutputDirLock acquire(Path outputDir) {
        requireNonNull(outputDir, "outputDir is null");
        Path file = outputDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(outputDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            }
            catch (OverlappingFileLockException heldInThisProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = readHolder(channel);
                channel.close();
                throw new ConfigurationException("output-dir", "output-dir '" + outputDir + "' is in use by another run ("
                        + (holder.isBlank() ? "its lock file " + file + " names no process" : holder) + "); wait for it to end"
                        + " or give this run another output-dir");
            }
            byte[] holder = ("pid " + ProcessHandle.current().pid() + " since " + Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder), 0);
            channel.force(false);
            return new OutputDirLock(channel, lock);
        }
        catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock output-dir " + outputDir + " through " + file + ": " + e.getMessage(), e);
        }
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            }
            catch (IOException ignored) {
                // the open or lock failure is what is reported
            }
        }
    }

    /** Releases the lock; the next run into this output dir may take it. */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock of " + FILE + ": " + e.getMessage(), e);
        }
    }
}
