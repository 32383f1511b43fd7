package dev.trainer4j.api;

/**
 * An optimizer object of a backend, for HF's {@code optimizers=(optimizer, scheduler)} argument
 * ({@link TrainerSpec.Builder#optimizers}): what it is belongs to the backend (on TensorFlow a
 * {@code dev.trainer4j.tf.optim.TfOptimizer}, built as graph code); a backend refuses one of another kind.
 */
public interface Optimizer {
}
