package dev.trainer4j.bench;

import java.util.Arrays;
import java.util.List;

/** The two benchmark models: an MLP classifier on Gaussian blobs, with its batch size and reference figures. */
public enum BenchModel {
    /** 64-256-256-10 at batch 128: overhead-bound (about 84k parameters). */
    MLP_SMALL("mlp-small", 64, List.of(256, 256), 10, 128, "119-142k"),
    /** 784-1024-1024-10 at batch 256: GEMM-bound (about 1.86M parameters). */
    MLP_LARGE("mlp-large", 784, List.of(1024, 1024), 10, 256, "20-23k");

    /** Samples in the synthetic data set (the same for both models and both variants). */
    public static final int SAMPLES = 8192;
    /** The run seed: weights (through the trainer's initializers) and data. */
    public static final long SEED = 42;
    public static final double LEARNING_RATE = 1e-3;
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPSILON = 1e-8;

    private final String configName;
    private final int inputSize;
    private final List<Integer> hiddenSizes;
    private final int numLabels;
    private final int batchSize;
    private final String referenceBaseline;

    BenchModel(String configName, int inputSize, List<Integer> hiddenSizes, int numLabels, int batchSize,
               String referenceBaseline) {
        this.configName = configName;
        this.inputSize = inputSize;
        this.hiddenSizes = hiddenSizes;
        this.numLabels = numLabels;
        this.batchSize = batchSize;
        this.referenceBaseline = referenceBaseline;
    }

    public String configName() {
        return configName;
    }

    public int inputSize() {
        return inputSize;
    }

    public List<Integer> hiddenSizes() {
        return hiddenSizes;
    }

    public int numLabels() {
        return numLabels;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The plain loop's samples/s range in tensorflow-java-performance.md (same machine). */
    public String referenceBaseline() {
        return referenceBaseline;
    }

    /** e.g. {@code 64-256-256-10}. */
    public String layout() {
        StringBuilder text = new StringBuilder().append(inputSize);
        hiddenSizes.forEach(size -> text.append('-').append(size));
        return text.append('-').append(numLabels).toString();
    }

    /** The model named {@code name}, e.g. {@code mlp-small}. */
    public static BenchModel fromName(String name) {
        for (BenchModel model : values()) {
            if (model.configName.equals(name)) {
                return model;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; expected one of "
                + Arrays.stream(values()).map(BenchModel::configName).toList());
    }
}
