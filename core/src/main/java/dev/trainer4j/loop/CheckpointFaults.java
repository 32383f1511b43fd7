package dev.trainer4j.loop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Fault points of the checkpoint writer, for crash and failure tests. The writer calls {@link #reached} at each
 * named point; an implementation may throw an {@link IOException} there (an injected write failure) or block (so
 * a test can kill the process at a known moment).
 *
 * <p>Production code uses {@link #NONE}. A test gives a trainer its faults by overriding
 * {@code DefaultTrainer.createCheckpointWriter()} to return {@code new CheckpointWriter(faults)}, e.g. with
 * {@link #blockAt(String, int)} to kill a child process at a known point.
 */
@FunctionalInterface
public interface CheckpointFaults {
    /** Every checkpoint file of the temporary folder is written; the manifest is not. */
    String BEFORE_MANIFEST = "before-manifest";
    /** The temporary folder is complete with its manifest; it is not yet renamed to {@code checkpoint-<step>}. */
    String BEFORE_RENAME = "before-rename";
    /** An old checkpoint was renamed out of the way by rotation and its deletion is half done. */
    String ROTATION_DELETE = "rotation-delete";

    /** No faults. */
    CheckpointFaults NONE = (point, path) -> { };

    /** Called by the writer at {@code point}; {@code path} is the folder being written or deleted. */
    void reached(String point, Path path) throws IOException;

    /**
     * Prints {@code FAULT-POINT <point> <path>} on standard output and blocks the writing thread forever (waiting to
     * be killed) at the {@code occurrence}-th (1-based) time {@code point} is reached.
     */
    static CheckpointFaults blockAt(String point, int occurrence) {
        requireNonNull(point, "point is null");
        if (occurrence < 1) {
            throw new IllegalArgumentException("occurrence: " + occurrence + " is not allowed; expected an integer >= 1");
        }
        AtomicInteger seen = new AtomicInteger();
        return (reachedPoint, path) -> {
            if (reachedPoint.equals(point) && seen.incrementAndGet() == occurrence) {
                System.out.println("FAULT-POINT " + point + " " + path);
                System.out.flush();
                while (true) {
                    try {
                        Thread.sleep(60_000);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while blocked at fault point " + point, e);
                    }
                }
            }
        };
    }
}
