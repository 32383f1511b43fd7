package dev.trainer4j.bench;

import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.nn.Activation;

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

    /** The classifier every trainer4j variant trains: this layout, ReLU, no dropout. */
    public MlpClassifier classifier() {
        return new MlpClassifier(new MlpClassifierSettings(inputSize, hiddenSizes, numLabels, 0.0, Activation.RELU));
    }

    /**
     * The arguments every trainer4j variant shares, the math the plain loop mirrors: Adam with the bench's betas and
     * epsilon, constant learning rate, no clipping, no weight decay, this batch size and the bench seed.
     */
    public TrainingArguments.Builder trainingArguments(String outputDir) {
        return TrainingArguments.builder()
                .outputDir(outputDir)
                .overwriteOutputDir(true)
                .perDeviceTrainBatchSize(batchSize)
                .optim(OptimizerType.ADAM)
                .learningRate(LEARNING_RATE)
                .adamBeta1(BETA1)
                .adamBeta2(BETA2)
                .adamEpsilon(EPSILON)
                .weightDecay(0)
                .maxGradNorm(0)
                .lrSchedulerType(SchedulerType.CONSTANT)
                .seed(SEED);
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
