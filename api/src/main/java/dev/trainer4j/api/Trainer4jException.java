package dev.trainer4j.api;

/**
 * The root of every error trainer4j raises on purpose. Each message is complete on its own: what was being done,
 * the key, file, line or tensor it is about, what was given and what was expected.
 *
 * <ul>
 *   <li>{@link InvalidInputException}: what the user gave is wrong — {@link ConfigurationException} (a run file, an
 *       argument, a plugin) or {@link DataException} (a dataset, a row, a batch). The command line exits with 2.</li>
 *   <li>{@link CheckpointException}: a checkpoint cannot be written or read.</li>
 *   <li>{@link BackendException}: the backend failed to build or run the model.</li>
 *   <li>{@link NonFiniteLossException} and {@link TrainingInterruptedException}: a run ended early.</li>
 * </ul>
 */
public abstract class Trainer4jException extends RuntimeException {

    protected Trainer4jException(String message) {
        super(message);
    }

    protected Trainer4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
