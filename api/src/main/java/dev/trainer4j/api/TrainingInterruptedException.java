package dev.trainer4j.api;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Training stopped because the process is being terminated ({@code save-on-interrupt}); the message names the
 * checkpoint saved at the step boundary, from which {@code train("latest")} resumes exactly.
 */
public final class TrainingInterruptedException extends Trainer4jException {
    private final transient Path checkpoint;

    public TrainingInterruptedException(String message, Path checkpoint) {
        super(message);
        this.checkpoint = checkpoint;
    }

    /** The checkpoint saved before stopping. */
    public Optional<Path> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }
}
