package dev.trainer4j.tf.internal;

import org.tensorflow.exceptions.TensorFlowException;

/**
 * Recognises TensorFlow's native errors. A failed status becomes a {@link TensorFlowException} or, for some codes, a
 * class of {@code org.tensorflow.exceptions} that extends a JDK exception instead (e.g.
 * {@code TFInvalidArgumentException extends IllegalArgumentException}, raised by a failed {@code Assert} op).
 */
public final class TfErrors {
    private static final String EXCEPTIONS_PACKAGE = "org.tensorflow.exceptions";

    private TfErrors() {
    }

    /** True when {@code error} reports a failed TensorFlow status. */
    public static boolean isTensorFlowError(RuntimeException error) {
        return error instanceof TensorFlowException || error.getClass().getPackageName().equals(EXCEPTIONS_PACKAGE);
    }
}
