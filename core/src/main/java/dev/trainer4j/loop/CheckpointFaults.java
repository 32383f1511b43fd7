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
 * <p>{@link #fromSystemProperties()} enables one blocking point without code changes:
 * {@code -Dtrainer4j.checkpoint.fault-point=<point>} (optionally {@code -Dtrainer4j.checkpoint.fault-point.occurrence=N},
 * 1-based, default 1) prints {@code FAULT-POINT <point> <path>} on standard output when the point is reached for the
 * N-th time and then blocks the writing thread forever, waiting to be killed.
 */
@FunctionalInterface
public interface CheckpointFaults {
    /** Every checkpoint file of the temporary folder is written; the manifest is not. */
    String BEFORE_MANIFEST = "before-manifest";
    /** The temporary folder is complete with its manifest; it is not yet renamed to {@code checkpoint-<step>}. */
    String BEFORE_RENAME = "before-rename";
    /** An old checkpoint was renamed out of the way by rotation and its deletion is half done. */
    String ROTATION_DELETE = "rotation-delete";

    String POINT_PROPERTY = "trainer4j.checkpoint.fault-point";
    String OCCURRENCE_PROPERTY = "trainer4j.checkpoint.fault-point.occurrence";

    /** No faults. */
    CheckpointFaults NONE = (point, path) -> { };

    /** Called by the writer at {@code point}; {@code path} is the folder being written or deleted. */
    void reached(String point, Path path) throws IOException;

    /** {@link #NONE}, or the blocking fault point named by the system property {@value #POINT_PROPERTY}. */
    static CheckpointFaults fromSystemProperties() {
        String point = System.getProperty(POINT_PROPERTY);
        if (point == null || point.isBlank()) {
            return NONE;
        }
        int occurrence = Integer.parseInt(System.getProperty(OCCURRENCE_PROPERTY, "1"));
        return blockAt(point, occurrence);
    }

    /** Prints {@code FAULT-POINT <point> <path>} and blocks forever at the {@code occurrence}-th time {@code point} is reached. */
    static CheckpointFaults blockAt(String point, int occurrence) {
        requireNonNull(point, "point is null");
        if (occurrence < 1) {
            throw new IllegalArgumentException(OCCURRENCE_PROPERTY + ": " + occurrence + " is not allowed; expected an integer >= 1");
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
