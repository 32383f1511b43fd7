package dev.trainer4j.testing.contract;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Model;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeModel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/** The engine contract on the fake backend: a linear regression in doubles, labels of -100 ignored. */
class FakeEngineContractTest extends TrainingEngineContract {
    private static final int FEATURES = 3;
    private static final float[] POOL_FEATURES = new float[POOL_ROWS * FEATURES];
    private static final float[] POOL_LABELS = new float[POOL_ROWS];

    static {
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < POOL_FEATURES.length; i++) {
            POOL_FEATURES[i] = (float) (random.nextDouble() * 2 - 1);
        }
        for (int row = 0; row < POOL_ROWS; row++) {
            POOL_LABELS[row] = (float) (random.nextDouble() * 4 - 2);
        }
    }

    @Override
    protected Backend backend() {
        return new FakeBackend();
    }

    @Override
    protected Model model() {
        return new FakeModel(FEATURES);
    }

    @Override
    protected Batch labelledRows(int[] rows, IntPredicate ignored) {
        float[] labels = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            labels[i] = ignored.test(rows[i]) ? IGNORED_LABEL : POOL_LABELS[rows[i]];
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>(unlabelledRows(rows).tensors());
        tensors.put(FakeModel.LABELS, HostTensor.ofFloats(labels, rows.length));
        return new Batch(tensors);
    }

    @Override
    protected Batch unlabelledRows(int[] rows) {
        float[] features = new float[rows.length * FEATURES];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(POOL_FEATURES, rows[i] * FEATURES, features, i * FEATURES, FEATURES);
        }
        return new Batch(Map.of(FakeModel.FEATURES, HostTensor.ofFloats(features, rows.length, FEATURES)));
    }

    @Override
    protected Optional<Batch> nonFiniteBatch() {
        Batch batch = labelledRows(range(0, 4), row -> false);
        float[] features = batch.get(FakeModel.FEATURES).floats().clone();
        features[2] = Float.NaN;
        return Optional.of(new Batch(Map.of(FakeModel.FEATURES, HostTensor.ofFloats(features, 4, FEATURES),
                FakeModel.LABELS, batch.get(FakeModel.LABELS))));
    }
}
