package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.TrainingLossReport;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.models.Pooling;
import dev.trainer4j.tf.models.TransformerClassifier;
import dev.trainer4j.tf.models.TransformerClassifierSettings;
import dev.trainer4j.tf.nn.Activation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The digits data, a small text task, and engine runs over several devices, for the device tests. */
final class DeviceTestSupport {
    static final EngineOptions OPTIONS = new EngineOptions(List.of(), -1);
    private static final Pattern ROW = Pattern.compile("\\{\"features\":\\[([^\\]]*)],\"label\":(\\d+)}");

    private DeviceTestSupport() {
    }

    /** Rows of a digits jsonl resource (see {@code digits/SOURCE.md}): 64 features in [0, 1] and a label 0-9. */
    record Digits(float[][] features, int[] labels) {
        int size() {
            return labels.length;
        }

        /** Rows [from, to) as a batch. */
        Batch batch(int from, int to) {
            int rows = to - from;
            float[] x = new float[rows * 64];
            int[] y = new int[rows];
            for (int row = 0; row < rows; row++) {
                System.arraycopy(features[from + row], 0, x, row * 64, 64);
                y[row] = labels[from + row];
            }
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            tensors.put(MlpClassifier.FEATURES, HostTensor.ofFloats(x, rows, 64));
            tensors.put(MlpClassifier.LABELS, HostTensor.ofInts(y, rows));
            return new Batch(tensors);
        }
    }

    static Digits digits(String resource) {
        List<float[]> features = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                DeviceTestSupport.class.getResourceAsStream("/digits/" + resource), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                Matcher matcher = ROW.matcher(line.trim());
                if (!matcher.matches()) {
                    throw new IllegalStateException("unexpected digits row: " + line);
                }
                String[] values = matcher.group(1).split(",");
                float[] row = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    row[i] = Float.parseFloat(values[i]);
                }
                features.add(row);
                labels.add(Integer.parseInt(matcher.group(2)));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Digits(features.toArray(float[][]::new), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Trains {@code engine} 4 epochs over {@code train} in batches of 32 (80 steps on the 640 digits) at the arguments'
     * learning rate, then evaluates the whole of {@code validation} in one batch.
     */
    static EvalBatchOutput trainFourEpochsAndEvaluate(TfTrainingEngine engine, TrainingArguments args, Digits train,
                                                      Digits validation) {
        int step = 0;
        for (int epoch = 0; epoch < 4; epoch++) {
            for (int from = 0; from < train.size(); from += 32) {
                engine.step(train.batch(from, from + 32), new StepContext(step++, 0, 1, args.learningRate(), 3));
            }
        }
        return engine.evaluate(validation.batch(0, validation.size()), true);
    }

    /** The index of the largest of row {@code row}'s 10 digit logits. */
    static int argmax(float[] logits, int row) {
        int best = 0;
        for (int c = 1; c < 10; c++) {
            if (logits[row * 10 + c] > logits[row * 10 + best]) {
                best = c;
            }
        }
        return best;
    }

    /** The percentage of {@code data}'s rows whose largest logit is their label. */
    static double accuracyPercent(float[] logits, Digits data) {
        int correct = 0;
        for (int row = 0; row < data.size(); row++) {
            correct += argmax(logits, row) == data.labels()[row] ? 1 : 0;
        }
        return 100.0 * correct / data.size();
    }

    static MlpClassifier digitsMlp() {
        return new MlpClassifier(new MlpClassifierSettings(64, List.of(32), 10, 0.0, Activation.RELU));
    }

    static TransformerClassifier textModel() {
        return new TransformerClassifier(new TransformerClassifierSettings(50, 16, 1, 2, 32, 16, 0.0, 1e-5,
                Pooling.MEAN, 3));
    }

    /**
     * {@code rows} padded sequences of lengths 3-12 (ids 1-49, padding 0 with mask 0); the label is the first token
     * mod 3, and every row whose index is 1 mod 3 or whose first token is even is labelled -100, so row slices hold
     * unequal item counts.
     */
    static Batch textBatch(int rows, long seed) {
        Random random = new Random(seed);
        int length = 12;
        int[] ids = new int[rows * length];
        int[] mask = new int[rows * length];
        int[] labels = new int[rows];
        for (int row = 0; row < rows; row++) {
            int used = 3 + random.nextInt(length - 2);
            for (int t = 0; t < used; t++) {
                ids[row * length + t] = 1 + random.nextInt(49);
                mask[row * length + t] = 1;
            }
            int first = ids[row * length];
            labels[row] = row % 3 == 1 || (first % 2 == 0 && row % 5 == 0) ? -100 : first % 3;
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put(TransformerClassifier.INPUT_IDS, HostTensor.ofInts(ids, rows, length));
        tensors.put(TransformerClassifier.ATTENTION_MASK, HostTensor.ofInts(mask, rows, length));
        tensors.put(TransformerClassifier.LABELS, HostTensor.ofInts(labels, rows));
        return new Batch(tensors);
    }

    /** SGD (no momentum, no clipping, no decay) or AdamW at {@code learningRate}, seed 11, one thread per kernel. */
    static TrainingArguments.Builder args(String optimizer, double learningRate, int devices, int globalBatch) {
        return TrainingArguments.builder().outputDir("unused").seed(11).maxSteps(20).learningRate(learningRate)
                .optim(optimizer).weightDecay(0).maxGradNorm(0).devices(devices)
                .perDeviceTrainBatchSize(Math.max(1, globalBatch / devices)).intraOpThreads(1);
    }

    /** What a run gave: each step's mean loss and the weights after the last step. */
    record Run(List<Double> losses, Map<String, float[]> weights) {
    }

    /** Trains {@code batches} one step each and reads every step's loss and the final weights. */
    static Run train(TfModel model, TrainingArguments args, List<Batch> batches) {
        return train(model, args, batches, engine -> { });
    }

    static Run train(TfModel model, TrainingArguments args, List<Batch> batches, Consumer<TfTrainingEngine> before) {
        try (TfTrainingEngine engine = new TfBackend().compile(model, args, OPTIONS)) {
            before.accept(engine);
            List<Double> losses = new ArrayList<>();
            for (int step = 0; step < batches.size(); step++) {
                if (!engine.step(batches.get(step), new StepContext(step, 0, 1, args.learningRate(), args.seed())).finite()) {
                    throw new IllegalStateException("step " + step + " was not finite");
                }
                TrainingLossReport report = engine.readTrainingLoss();
                losses.add(report.lossSum() / report.steps());
            }
            return new Run(losses, engine.readModelWeights());
        }
    }

    /**
     * Asserts that replica {@code replica}'s training forward ops and gradient ops ran (more than 5 of each) and ran on
     * {@code device}, from a traced step's node-to-device placement.
     */
    static void assertReplicaOpsOn(Map<String, String> placement, int replica, String device) {
        String forward = "replica_" + replica + "/forward_train/";
        String gradients = "trainer4j_gradients_replica_" + replica + "/";
        List<String> forwardOps = placement.keySet().stream().filter(name -> name.startsWith(forward)).toList();
        List<String> gradientOps = placement.keySet().stream().filter(name -> name.startsWith(gradients)).toList();
        org.assertj.core.api.Assertions.assertThat(forwardOps).as("replica %d forward ops run", replica).hasSizeGreaterThan(5);
        org.assertj.core.api.Assertions.assertThat(gradientOps).as("replica %d gradient ops run", replica)
                .hasSizeGreaterThan(5);
        for (String op : forwardOps) {
            org.assertj.core.api.Assertions.assertThat(placement.get(op)).as("device of %s", op).isEqualTo(device);
        }
        for (String op : gradientOps) {
            org.assertj.core.api.Assertions.assertThat(placement.get(op)).as("device of %s", op).isEqualTo(device);
        }
    }

    static double maxAbsoluteDifference(Map<String, float[]> expected, Map<String, float[]> actual) {
        double max = 0;
        for (Map.Entry<String, float[]> entry : expected.entrySet()) {
            float[] other = actual.get(entry.getKey());
            for (int i = 0; i < entry.getValue().length; i++) {
                max = Math.max(max, Math.abs(entry.getValue()[i] - other[i]));
            }
        }
        return max;
    }

    static double maxRelativeDifference(List<Double> expected, List<Double> actual) {
        double max = 0;
        for (int i = 0; i < expected.size(); i++) {
            max = Math.max(max, Math.abs(expected.get(i) - actual.get(i)) / Math.abs(expected.get(i)));
        }
        return max;
    }
}
