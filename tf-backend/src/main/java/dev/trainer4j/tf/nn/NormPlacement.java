package dev.trainer4j.tf.nn;

/** Where a transformer block normalises. */
public enum NormPlacement {
    /** Before each sub-layer, on its input: {@code x + f(norm(x))} (GPT-2, most models trained from scratch). */
    PRE,
    /** After each residual sum: {@code norm(x + f(x))} (the original transformer, BERT). */
    POST
}
