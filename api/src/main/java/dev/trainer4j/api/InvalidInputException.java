package dev.trainer4j.api;

/**
 * What the user gave is wrong: a setting ({@link ConfigurationException}) or data ({@link DataException}). Fixing
 * the input, not the code, makes it go away; the command line exits with 2.
 */
public abstract class InvalidInputException extends Trainer4jException {

    protected InvalidInputException(String message) {
        super(message);
    }

    protected InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
