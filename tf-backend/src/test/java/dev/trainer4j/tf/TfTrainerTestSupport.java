package dev.trainer4j.tf;

import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.nn.Activation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Datasets, models and weight inspection shared by the {@code TfTrainer*Test} classes. */
final class TfTrainerTestSupport {
    static final int FEATURES = 4;
    static final int CLASSES = 3;

    private TfTrainerTestSupport() {
    }

    static MlpClassifier mlp(int features, int hidden, double dropout) {
        return new MlpClassifier(new MlpClassifierSettings(features, List.of(hidden), CLASSES, dropout, Activation.RELU));
    }

    static Example example(Object features, Object label) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("features", features);
        fields.put("label", label);
        return Example.of(fields);
    }

    /** Gaussian features; the label is the arg-max of a fixed linear map, so the task is learnable. */
    static List<Example> classification(int rows, int features, long seed) {
        Random random = new Random(seed);
        List<Example> examples = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            float[] x = new float[features];
            for (int f = 0; f < features; f++) {
                x[f] = (float) random.nextGaussian();
            }
            double[] scores = new double[CLASSES];
            for (int f = 0; f < features; f++) {
                scores[f % CLASSES] += x[f] * (f % 2 == 0 ? 1 : -0.5);
            }
            int label = 0;
            for (int c = 1; c < CLASSES; c++) {
                if (scores[c] > scores[label]) {
                    label = c;
                }
            }
            examples.add(example(x, label));
        }
        return examples;
    }

    static MapDataset dataset(List<Example> examples) {
        return Dataset.of(examples);
    }

    /** The model variables stored in a checkpoint's engine folder, read through a fresh engine of the same run. */
    static Map<String, float[]> checkpointWeights(TfModel model, TrainingArguments args, Path engineDirectory) {
        try (TfTrainingEngine engine = new TfBackend().compile(model, args, new EngineOptions(List.of(), -1))) {
            engine.restore(engineDirectory, CheckpointScope.MODEL);
            return modelWeights(engine);
        }
    }

    /** The freshly initialised model variables of a run (they are a function of the seed and the variable names). */
    static Map<String, float[]> initialWeights(TfModel model, TrainingArguments args) {
        try (TfTrainingEngine engine = new TfBackend().compile(model, args, new EngineOptions(List.of(), -1))) {
            return modelWeights(engine);
        }
    }

    private static Map<String, float[]> modelWeights(TfTrainingEngine engine) {
        Map<String, float[]> all = engine.readVariables();
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (TfVariable variable : engine.variables()) {
            weights.put(variable.name(), all.get(variable.name()));
        }
        return weights;
    }

    static int[] bits(float[] values) {
        int[] result = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Float.floatToRawIntBits(values[i]);
        }
        return result;
    }

    static int[] bits(HostTensor tensor) {
        return bits(tensor.floats());
    }

    static double maxAbsDifference(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths differ: " + a.length + " and " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }
}
