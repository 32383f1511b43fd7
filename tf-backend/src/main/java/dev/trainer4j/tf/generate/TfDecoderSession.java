package dev.trainer4j.tf.generate;

import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Runs a {@link TfGenerationGraph} for a batch of rows: the {@link DecoderSession} the search drives.
 *
 * <p>Cached (the normal mode): the first {@link #logits()} runs the step over each row's initial tokens (the
 * left-padded prompt of a decoder-only model, the start token of an encoder-decoder) with an empty past; every
 * {@link #advance} runs the step over the one new token per row, feeding back the keys and values the previous run
 * returned (the {@code Result} holding them is closed once the next run has consumed them). Uncached (the baseline
 * of the speed bench and of the equivalence test): every step runs the same graph over the whole sequence so far
 * with an empty past.
 *
 * <p>Not thread-safe; close it to free the tensors it holds.
 */
public final class TfDecoderSession implements DecoderSession {
    private final Session session;
    private final TfGenerationGraph graph;
    private final boolean cached;
    private final int rows;
    private final int[][] sequences;
    private final int[][] masks;
    private final Result encoded;
    private final TInt32 crossMask;
    private Result previous;
    private float[][] logits;
    private boolean closed;

    /**
     * @param initialTokens per row, the tokens before the first generated one, all of the same length (left-padded)
     * @param initialMask per row, 1 for the real tokens of {@code initialTokens} and 0 for padding
     * @param encoderInputIds per row the encoder's input ids [rows][S] (encoder-decoder), else null
     * @param encoderMask per row the encoder's attention mask (encoder-decoder), else null
     * @param cached false runs the uncached baseline
     */
    public TfDecoderSession(Session session, TfGenerationGraph graph, int[][] initialTokens, int[][] initialMask,
            int[][] encoderInputIds, int[][] encoderMask, boolean cached) {
        this.session = requireNonNull(session, "session is null");
        this.graph = requireNonNull(graph, "graph is null");
        this.cached = cached;
        this.rows = initialTokens.length;
        this.sequences = new int[rows][];
        this.masks = new int[rows][];
        for (int row = 0; row < rows; row++) {
            sequences[row] = initialTokens[row].clone();
            masks[row] = initialMask[row].clone();
        }
        if (graph.model().encoderDecoder()) {
            requireNonNull(encoderInputIds, "an encoder-decoder needs the encoder inputs");
            try (TInt32 ids = matrix(encoderInputIds); TInt32 mask = matrix(encoderMask)) {
                Session.Runner runner = session.runner().feed(graph.inputIds(), ids).feed(graph.attentionMask(), mask);
                graph.encoded().forEach(layer -> runner.fetch(layer.keys()).fetch(layer.values()));
                this.encoded = runner.run();
            }
            this.crossMask = matrix(encoderMask);
        } else {
            this.encoded = null;
            this.crossMask = null;
        }
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public float[][] logits() {
        checkOpen();
        if (logits == null) {
            // the first step: every row's initial tokens at once, no past
            logits = run(sequences, masks, identity(), 0);
        }
        return logits;
    }

    @Override
    public void advance(int[] sources, int[] tokens) {
        checkOpen();
        if (sources.length != rows || tokens.length != rows) {
            throw new IllegalArgumentException("advance needs one source and one token per row (" + rows + ")");
        }
        logits();
        int[][] nextSequences = new int[rows][];
        int[][] nextMasks = new int[rows][];
        for (int row = 0; row < rows; row++) {
            int[] sequence = sequences[sources[row]];
            int[] mask = masks[sources[row]];
            nextSequences[row] = Arrays.copyOf(sequence, sequence.length + 1);
            nextSequences[row][sequence.length] = tokens[row];
            nextMasks[row] = Arrays.copyOf(mask, mask.length + 1);
            nextMasks[row][mask.length] = 1;
        }
        System.arraycopy(nextSequences, 0, sequences, 0, rows);
        System.arraycopy(nextMasks, 0, masks, 0, rows);
        if (cached) {
            int[][] last = new int[rows][1];
            for (int row = 0; row < rows; row++) {
                last[row][0] = tokens[row];
            }
            logits = run(last, masks, sources, 1);
        } else {
            logits = run(sequences, masks, identity(), 0);
        }
    }

    /** Runs the step over {@code newTokens} [rows][T] (the last T positions of {@code fullMask}). */
    private float[][] run(int[][] newTokens, int[][] fullMask, int[] sourceRows, int newLength) {
        int length = newTokens[0].length;
        int[][] positions = new int[rows][length];
        for (int row = 0; row < rows; row++) {
            int[] mask = fullMask[row];
            int before = 0;
            for (int i = 0; i < mask.length - length; i++) {
                before += mask[i];
            }
            for (int t = 0; t < length; t++) {
                before += mask[mask.length - length + t];
                positions[row][t] = Math.max(before - 1, 0);
            }
        }
        boolean usePast = cached && previous != null && newLength > 0;
        List<Tensor> owned = new ArrayList<>();
        try {
            TInt32 tokens = own(owned, matrix(newTokens));
            TInt32 positionTensor = own(owned, matrix(positions));
            TInt32 maskTensor = own(owned, matrix(fullMask));
            TInt32 sourceTensor = own(owned, TInt32.vectorOf(sourceRows));
            Session.Runner runner = session.runner().feed(graph.tokens(), tokens).feed(graph.positions(), positionTensor)
                    .feed(graph.keyMask(), maskTensor).feed(graph.sources(), sourceTensor);
            TfGenerativeModel.CacheLayout layout = graph.model().cacheLayout();
            for (int layer = 0; layer < layout.layers(); layer++) {
                if (usePast) {
                    runner.feed(graph.pastKeys().get(layer), previous.get(1 + 2 * layer));
                    runner.feed(graph.pastValues().get(layer), previous.get(2 + 2 * layer));
                } else {
                    TFloat32 empty = own(owned, TFloat32.tensorOf(Shape.of(rows, layout.heads(), 0, layout.headSize())));
                    runner.feed(graph.pastKeys().get(layer), empty).feed(graph.pastValues().get(layer), empty);
                }
                if (encoded != null) {
                    runner.feed(graph.crossKeys().get(layer), encoded.get(2 * layer));
                    runner.feed(graph.crossValues().get(layer), encoded.get(2 * layer + 1));
                }
            }
            if (encoded != null) {
                runner.feed(graph.crossMask(), crossMask);
            }
            runner.fetch(graph.logits());
            if (cached) {
                for (int layer = 0; layer < layout.layers(); layer++) {
                    runner.fetch(graph.presentKeys().get(layer)).fetch(graph.presentValues().get(layer));
                }
            }
            Result result = runner.run();
            float[][] values = toRows((TFloat32) result.get(0));
            if (previous != null) {
                previous.close();
            }
            previous = cached ? result : null;
            if (!cached) {
                result.close();
            }
            return values;
        } finally {
            owned.forEach(Tensor::close);
        }
    }

    private static float[][] toRows(TFloat32 tensor) {
        int rowCount = (int) tensor.shape().get(0);
        int width = (int) tensor.shape().get(1);
        float[] flat = new float[rowCount * width];
        tensor.copyTo(DataBuffers.of(flat, false, false));
        float[][] result = new float[rowCount][];
        for (int row = 0; row < rowCount; row++) {
            result[row] = Arrays.copyOfRange(flat, row * width, (row + 1) * width);
        }
        return result;
    }

    private int[] identity() {
        int[] identity = new int[rows];
        for (int row = 0; row < rows; row++) {
            identity[row] = row;
        }
        return identity;
    }

    private static <T extends Tensor> T own(List<Tensor> owned, T tensor) {
        owned.add(tensor);
        return tensor;
    }

    static TInt32 matrix(int[][] values) {
        int width = values.length == 0 ? 0 : values[0].length;
        int[] flat = new int[values.length * width];
        for (int row = 0; row < values.length; row++) {
            if (values[row].length != width) {
                throw new IllegalArgumentException("rows of different lengths: " + values[row].length + " and " + width);
            }
            System.arraycopy(values[row], 0, flat, row * width, width);
        }
        return TInt32.tensorOf(Shape.of(values.length, width), DataBuffers.of(flat, true, false));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the decoder session is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Result last = previous; Result encoderResult = encoded; TInt32 mask = crossMask) {
            previous = null;
        }
    }
}
