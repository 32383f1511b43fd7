package dev.trainer4j.api;

import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Training stopped because the process is being terminated ({@code save-on-interrupt}); the message names the
 * checkpoint saved at the step boundary, from which {@code train("latest")} resumes exactly.
 */
public final class TrainingInterruptedException extends Trainer4jException {
    private final transient Path checkpoint;
    private final String reason;

    public TrainingInterruptedException(String message, Path checkpoint) {
        this(message, checkpoint, "an interrupt");
    }

    /** {@code reason}: what asked for the stop, e.g. {@code SIGTERM}, {@code SIGINT} or {@code JVM shutdown}. */
    public TrainingInterruptedException(String message, Path checkpoint, String reason) {
        super(message);
        this.checkpoint = checkpoint;
        this.reason = requireNonNull(reason, "reason is null");
    }

    /** What asked for the stop: {@code SIGTERM}, {@code SIGINT}, {@code JVM shutdown}, ... */
    public String reason() {
        return reason;
    }

    /** The checkpoint saved before stopping. */
    public Optional<Path> checkpoint() {
        return Optional.ofNullable(checkpoint);
    }
}
