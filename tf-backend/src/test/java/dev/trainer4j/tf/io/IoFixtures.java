package dev.trainer4j.tf.io;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.nn.Activation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Engines, models and batches shared by the export and initialisation tests. */
final class IoFixtures {
    static final int FEATURES = 4;
    static final double LEARNING_RATE = 0.05;

    private IoFixtures() {
    }

    static TfTrainingEngine engine(TfModel model, long seed) {
        TrainingArguments args = TrainingArguments.builder().outputDir("unused").seed(seed).maxSteps(10)
                .learningRate(LEARNING_RATE).optim(OptimizerType.ADAMW).build();
        return new TfBackend().compile(model, args, new EngineOptions(List.of(), -1));
    }

    static MlpClassifier mlp(List<Integer> hidden, int labels, double dropout) {
        return new MlpClassifier(new MlpClassifierSettings(FEATURES, hidden, labels, dropout, Activation.RELU));
    }

    static HostTensor features(int rows, long seed) {
        Random random = new Random(seed);
        float[] values = new float[rows * FEATURES];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return HostTensor.ofFloats(values, rows, FEATURES);
    }

    static Batch classificationBatch(int rows, int classes, long seed) {
        Random random = new Random(seed + 1);
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = random.nextInt(classes);
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put(MlpClassifier.FEATURES, features(rows, seed));
        tensors.put(MlpClassifier.LABELS, HostTensor.ofInts(labels, rows));
        return new Batch(tensors);
    }

    static void train(TfTrainingEngine engine, Batch batch, int steps) {
        for (int step = 0; step < steps; step++) {
            if (!engine.step(batch, new StepContext(step, 0, 1, LEARNING_RATE, 7)).finite()) {
                throw new AssertionError("step " + step + " was not finite");
            }
        }
    }
}
