package dev.trainer4j.tf.nn;

/** What a variable is for; decides whether decoupled weight decay applies (HF: not to biases and norm parameters). */
public enum VariableRole {
    /** A kernel or embedding table: weight decay applies. */
    WEIGHT,
    /** A bias: no weight decay. */
    BIAS,
    /** A normalisation scale or offset (LayerNorm gamma/beta): no weight decay. */
    NORM;

    public boolean decays() {
        return this == WEIGHT;
    }
}
