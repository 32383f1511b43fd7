package dev.trainer4j.tf.contract;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Model;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.testing.contract.TrainingEngineContract;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.nn.Activation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntPredicate;

/** The engine contract on TensorFlow with a small {@code mlp-classifier} (6 features, 16 hidden units, 3 classes, no dropout). */
class MlpClassifierEngineContractTest extends TrainingEngineContract {
    private static final int FEATURES = 6;
    private static final int CLASSES = 3;
    private static final float[] POOL_FEATURES = new float[POOL_ROWS * FEATURES];
    private static final int[] POOL_LABELS = new int[POOL_ROWS];

    static {
        Random random = new Random(23);
        for (int i = 0; i < POOL_FEATURES.length; i++) {
            POOL_FEATURES[i] = (float) random.nextGaussian();
        }
        for (int row = 0; row < POOL_ROWS; row++) {
            POOL_LABELS[row] = random.nextInt(CLASSES);
        }
    }

    /**
     * TensorFlow's CPU matrix kernels (oneDNN / Eigen) choose their blocking, and so the order of their float sums,
     * by the matrix shapes: a row predicted alone or among 3 rows can differ from the same row among 10 in the last
     * bits (measured: at most 2.1e-7 in batches of 1 and 1.2e-7 in batches of 3, with oneDNN on). The bound is 1e-6
     * relative, about 16 units in the last place of float32.
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
        return new MlpClassifier(new MlpClassifierSettings(FEATURES, List.of(16), CLASSES, 0, Activation.GELU));
    }

    @Override
    protected Batch labelledRows(int[] rows, IntPredicate ignored) {
        int[] labels = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            labels[i] = ignored.test(rows[i]) ? IGNORED_LABEL : POOL_LABELS[rows[i]];
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>(unlabelledRows(rows).tensors());
        tensors.put(MlpClassifier.LABELS, HostTensor.ofInts(labels, rows.length));
        return new Batch(tensors);
    }

    @Override
    protected Batch unlabelledRows(int[] rows) {
        return new Batch(Map.of(MlpClassifier.FEATURES, HostTensor.ofFloats(features(rows), rows.length, FEATURES)));
    }

    @Override
    protected Optional<Batch> nonFiniteBatch() {
        int[] rows = range(0, 4);
        float[] features = features(rows);
        features[5] = Float.NaN;
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put(MlpClassifier.FEATURES, HostTensor.ofFloats(features, rows.length, FEATURES));
        tensors.put(MlpClassifier.LABELS, labelledRows(rows, row -> false).get(MlpClassifier.LABELS));
        return Optional.of(new Batch(tensors));
    }

    private static float[] features(int[] rows) {
        float[] features = new float[rows.length * FEATURES];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(POOL_FEATURES, rows[i] * FEATURES, features, i * FEATURES, FEATURES);
        }
        return features;
    }
}
