package dev.trainer4j.tf.generate;

/**
 * A decoder being run token by token for a batch of rows (host side of generation): {@link #logits()} gives each
 * row's next-token scores after what has been fed so far, {@link #advance} feeds one more token per row. A row may
 * continue another row's sequence (beam search reorders its beams), so the implementation reorders whatever it keeps
 * per row (the key/value cache) before it feeds. The search code ({@link TokenSearch}) sees only this interface, so
 * it is tested without TensorFlow.
 */
public interface DecoderSession extends AutoCloseable {

    /** The number of rows. */
    int rows();

    /** The next-token logits of every row, [rows][vocabulary], after the tokens fed so far. */
    float[][] logits();

    /**
     * Row {@code r} continues the sequence of row {@code sources[r]} (as it was before this call) with the token
     * {@code tokens[r]}.
     */
    void advance(int[] sources, int[] tokens);

    @Override
    default void close() {
    }
}
