package dev.trainer4j.tf.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A fake {@link DecoderSession} for search tests: the next-token logits of a row are a function of the row's whole
 * sequence so far (so a beam's reordering must carry its sequence along), and it counts the steps it was advanced.
 */
final class FunctionDecoderSession implements DecoderSession {
    private final Function<List<Integer>, float[]> logitsOfSequence;
    private List<List<Integer>> sequences;
    int advances;

    /** One row per (history, copy): row {@code input * copies + copy}. */
    FunctionDecoderSession(List<int[]> histories, int copies, Function<List<Integer>, float[]> logitsOfSequence) {
        this.logitsOfSequence = logitsOfSequence;
        this.sequences = new ArrayList<>();
        for (int[] history : histories) {
            for (int copy = 0; copy < copies; copy++) {
                List<Integer> sequence = new ArrayList<>();
                for (int token : history) {
                    sequence.add(token);
                }
                sequences.add(sequence);
            }
        }
    }

    @Override
    public int rows() {
        return sequences.size();
    }

    @Override
    public float[][] logits() {
        float[][] logits = new float[sequences.size()][];
        for (int row = 0; row < sequences.size(); row++) {
            logits[row] = logitsOfSequence.apply(sequences.get(row));
        }
        return logits;
    }

    @Override
    public void advance(int[] sources, int[] tokens) {
        List<List<Integer>> next = new ArrayList<>();
        for (int row = 0; row < sources.length; row++) {
            List<Integer> sequence = new ArrayList<>(sequences.get(sources[row]));
            sequence.add(tokens[row]);
            next.add(sequence);
        }
        sequences = next;
        advances++;
    }
}
