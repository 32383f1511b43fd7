package dev.trainer4j.tf.contract;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Model;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.testing.contract.TrainingEngineContract;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.models.Pooling;
import dev.trainer4j.tf.models.TransformerClassifier;
import dev.trainer4j.tf.models.TransformerClassifierSettings;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntPredicate;

/**
 * The engine contract on TensorFlow with a small {@code transformer-classifier} (mean pooling, no dropout). Rows have
 * 2 to 7 tokens and every batch is padded to its longest row, so the same row meets different amounts of padding in
 * different batches: the attention and pooling masks must make the padding invisible. Token ids cannot carry a NaN,
 * so the non-finite tests are skipped here (the MLP fixture covers them).
 */
class TransformerClassifierEngineContractTest extends TrainingEngineContract {
    private static final int VOCABULARY = 24;
    private static final int CLASSES = 3;
    private static final int MAX_LENGTH = 7;
    private static final int[][] POOL_TOKENS = new int[POOL_ROWS][];
    private static final int[] POOL_LABELS = new int[POOL_ROWS];

    static {
        Random random = new Random(29);
        for (int row = 0; row < POOL_ROWS; row++) {
            int[] tokens = new int[2 + random.nextInt(MAX_LENGTH - 1)];
            for (int t = 0; t < tokens.length; t++) {
                tokens[t] = 1 + random.nextInt(VOCABULARY - 1);
            }
            POOL_TOKENS[row] = tokens;
            POOL_LABELS[row] = random.nextInt(CLASSES);
        }
    }

    /**
     * TensorFlow's CPU matrix kernels (oneDNN / Eigen) choose their blocking, and so the order of their float sums,
     * by the matrix shapes: a row predicted alone or among 3 rows can differ from the same row among 10 in the last
     * bits (measured: at most 4.8e-7 in batches of 1 and 3.4e-7 in batches of 3, with oneDNN on; the padding length
     * changes with the batch too). The bound is 1e-6 relative, about 16 units in the last place of float32.
     */
    @Override
    protected double predictionBatchSizeTolerance() {
        return 1e-6;
    }

    @Override
    protected Backend backend() {
        return new TfBackend();
    }

    @Override
    protected Model model() {
        return new TransformerClassifier(new TransformerClassifierSettings(VOCABULARY, 8, 1, 2, 16, MAX_LENGTH, 0,
                1e-5, Pooling.MEAN, CLASSES));
    }

    @Override
    protected Batch labelledRows(int[] rows, IntPredicate ignored) {
        int[] labels = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            labels[i] = ignored.test(rows[i]) ? IGNORED_LABEL : POOL_LABELS[rows[i]];
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>(unlabelledRows(rows).tensors());
        tensors.put(TransformerClassifier.LABELS, HostTensor.ofInts(labels, rows.length));
        return new Batch(tensors);
    }

    /** Token ids and attention mask, padded with id 0 and mask 0 to the batch's longest row. */
    @Override
    protected Batch unlabelledRows(int[] rows) {
        int length = Arrays.stream(rows).map(row -> POOL_TOKENS[row].length).max().orElse(1);
        int[] ids = new int[rows.length * length];
        int[] mask = new int[rows.length * length];
        for (int i = 0; i < rows.length; i++) {
            int[] tokens = POOL_TOKENS[rows[i]];
            System.arraycopy(tokens, 0, ids, i * length, tokens.length);
            Arrays.fill(mask, i * length, i * length + tokens.length, 1);
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put(TransformerClassifier.INPUT_IDS, HostTensor.ofInts(ids, rows.length, length));
        tensors.put(TransformerClassifier.ATTENTION_MASK, HostTensor.ofInts(mask, rows.length, length));
        return new Batch(tensors);
    }

    @Override
    protected Optional<Batch> nonFiniteBatch() {
        return Optional.empty();
    }
}
