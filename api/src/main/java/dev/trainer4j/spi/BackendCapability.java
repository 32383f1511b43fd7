package dev.trainer4j.spi;

/**
 * What a backend can do. The trainer checks the run's settings against these before the first step and refuses
 * a mode the backend lacks with one clear message, never ignoring it silently.
 */
public enum BackendCapability {
    /** Train: forward, backward and optimizer update. */
    TRAINING,
    /** {@code bf16 = true}. */
    MIXED_PRECISION_BF16,
    /** {@code fp16 = true} (with loss scaling). */
    MIXED_PRECISION_FP16,
    /** {@code bf16-full-eval} / {@code fp16-full-eval}: evaluation and prediction of the whole model in half precision. */
    HALF_PRECISION_EVAL,
    /** {@code devices > 1} in one process. */
    MULTI_DEVICE,
    /** Several processes or machines. */
    MULTI_WORKER,
    /** Export a model for serving (SavedModel). */
    MODEL_EXPORT,
    /** Autoregressive generation for seq2seq evaluation. */
    GENERATION
}
