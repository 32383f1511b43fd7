package dev.trainer4j.bench.transformer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The benchmark's token ids, the same for every variant: the runner generates them once and writes them to a file that
 * each variant JVM reads (the DJL peer too, with its own reader of this format). Every sequence is padded to the full
 * length: id 2 ([CLS]) first, then tokens uniform in [3, vocabulary), a real length uniform in [13, length] (about 40%
 * padding, id 0, mask 0), and label 1 for half of the sequences, which contain token 7 one to four times (so the task
 * is learnable). Format: big-endian ints {@code samples, length, ids[samples*length], mask[samples*length],
 * labels[samples]}.
 *
 * @param ids [samples, length], row-major
 * @param mask [samples, length], 1 for a token, 0 for padding
 * @param labels [samples], 0 or 1
 */
public record SyntheticText(int samples, int length, int[] ids, int[] mask, int[] labels) {
    /** Sequences in the training set: 256 batches of 32. */
    public static final int TRAIN_SAMPLES = 8192;
    /** The seed of the benchmark's data. */
    public static final long SEED = 42;
    private static final int CLS = 2;
    private static final int SIGNAL = 7;
    private static final int MINIMUM_LENGTH = 13;

    public SyntheticText {
        if (ids.length != samples * length || mask.length != samples * length || labels.length != samples) {
            throw new IllegalArgumentException("arrays do not match " + samples + " x " + length);
        }
    }

    /** {@code samples} sequences of {@code length} tokens from {@code seed}. */
    public static SyntheticText generate(int samples, int length, int vocabulary, long seed) {
        Random random = new Random(seed);
        int[] ids = new int[samples * length];
        int[] mask = new int[samples * length];
        int[] labels = new int[samples];
        for (int row = 0; row < samples; row++) {
            int real = MINIMUM_LENGTH + random.nextInt(length - MINIMUM_LENGTH + 1);
            int offset = row * length;
            ids[offset] = CLS;
            mask[offset] = 1;
            for (int position = 1; position < real; position++) {
                int token;
                do {
                    token = 3 + random.nextInt(vocabulary - 3);
                } while (token == SIGNAL);
                ids[offset + position] = token;
                mask[offset + position] = 1;
            }
            if (random.nextBoolean()) {
                labels[row] = 1;
                int copies = 1 + random.nextInt(4);
                for (int copy = 0; copy < copies; copy++) {
                    ids[offset + 1 + random.nextInt(real - 1)] = SIGNAL;
                }
            }
        }
        return new SyntheticText(samples, length, ids, mask, labels);
    }

    /**
     * The causal LM's labels [samples, length]: the token ids, -100 on padding (HF's way; the loss shifts them, so
     * position t predicts label t + 1).
     */
    public int[] nextTokenLabels() {
        int[] labels = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            labels[i] = mask[i] == 1 ? ids[i] : -100;
        }
        return labels;
    }

    /** Rows [first, first + count) of one array, e.g. one batch. */
    public int[] rows(int[] array, int first, int count) {
        int width = array.length / samples;
        int[] rows = new int[count * width];
        System.arraycopy(array, first * width, rows, 0, rows.length);
        return rows;
    }

    public void write(Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(samples);
            out.writeInt(length);
            for (int[] array : new int[][] {ids, mask, labels}) {
                for (int value : array) {
                    out.writeInt(value);
                }
            }
        }
    }

    /** The file at {@code path}, or without one (a variant run by hand) the runner's data generated here. */
    public static SyntheticText readOrGenerate(String path) throws IOException {
        return path == null ? generate(TRAIN_SAMPLES, TransformerBenchModel.MAIN_JOB.length(),
                TransformerBenchModel.MAIN_JOB.vocabulary(), SEED) : read(Path.of(path));
    }

    public static SyntheticText read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int samples = in.readInt();
            int length = in.readInt();
            int[] ids = new int[samples * length];
            int[] mask = new int[samples * length];
            int[] labels = new int[samples];
            for (int[] array : new int[][] {ids, mask, labels}) {
                for (int i = 0; i < array.length; i++) {
                    array[i] = in.readInt();
                }
            }
            return new SyntheticText(samples, length, ids, mask, labels);
        }
    }
}
