package dev.trainer4j.loop;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A checkpoint could not be saved (no space left, permission denied, an engine error). The message names the
 * checkpoint folder and the cause; the partial folder was removed and earlier checkpoints are unchanged.
 */
public final class CheckpointWriteException extends RuntimeException {
    private final Path checkpoint;

    public CheckpointWriteException(Path checkpoint, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.checkpoint = requireNonNull(checkpoint, "checkpoint is null");
    }

    /** The folder that was being written, {@code output-dir/checkpoint-<step>}. */
    public Path checkpoint() {
        return checkpoint;
    }
}
