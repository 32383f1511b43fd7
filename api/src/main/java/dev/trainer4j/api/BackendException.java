package dev.trainer4j.api;

import static java.util.Objects.requireNonNull;

/**
 * The backend failed to build or run the model: an op without a gradient, a shape the graph refuses, a native
 * error during a step. The message says what was being built or run (the model, the graph part, the step) and the
 * backend's own error; {@link #subject()} names the part it is about.
 */
public class BackendException extends Trainer4jException {
    private final String subject;

    public BackendException(String subject, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.subject = requireNonNull(subject, "subject is null");
    }

    /** What failed: a graph part, an op or tensor name, or a step, e.g. {@code training step 12 of model 'mlp'}. */
    public String subject() {
        return subject;
    }
}
