package dev.trainer4j.api;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A checkpoint cannot be written (no space left, permission denied, the backend failed) or read (missing, damaged,
 * of another model). The message names the checkpoint folder and the file or variable at fault. A failed save
 * leaves earlier checkpoints unchanged.
 */
public class CheckpointException extends Trainer4jException {
    private final transient Path checkpoint;

    public CheckpointException(Path checkpoint, String message) {
        super(requireNonNull(message, "message is null"));
        this.checkpoint = requireNonNull(checkpoint, "checkpoint is null");
    }

    public CheckpointException(Path checkpoint, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.checkpoint = requireNonNull(checkpoint, "checkpoint is null");
    }

    /** The checkpoint folder (or file) that was being written or read. */
    public Path checkpoint() {
        return checkpoint;
    }
}
