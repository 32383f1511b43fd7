package dev.trainer4j.cli;

/** The command line asks for something impossible (exit code 2). */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
