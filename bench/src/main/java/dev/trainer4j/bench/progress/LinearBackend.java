package dev.trainer4j.bench.progress;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.loop.DefaultTrainer;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.StepOutcome;
import dev.trainer4j.spi.TrainingEngine;
import dev.trainer4j.spi.TrainingLossReport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A backend in plain Java for benchmarking the loop: linear regression ({@code x} FLOAT32 {@code [batch, features]},
 * {@code labels} FLOAT32 {@code [batch]}), squared loss, plain SGD. A step costs a few microseconds, so the loop's own
 * overhead is what a benchmark sees. It cannot save checkpoints. (The api's test fakes do the same for tests; the
 * bench keeps its own so that it needs no test artifact at compile time.)
 */
final class LinearBackend implements Backend {
    static final String FEATURES = "x";
    static final String LABELS = "labels";

    /** The model: {@code features} inputs, one output. */
    record LinearModel(int features) implements Model {
        @Override
        public String name() {
            return "bench-linear-regression";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(InputSpec.feature(FEATURES, DataType.FLOAT32, -1, features), InputSpec.label(LABELS, DataType.FLOAT32, -1));
        }
    }

    /** {@code size} examples with {@code labels = sum of alternating +-x + 0.5}. */
    static MapDataset regression(int size, int features, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            float[] x = new float[features];
            double y = 0.5;
            for (int j = 0; j < features; j++) {
                x[j] = (float) (random.nextDouble() * 2 - 1);
                y += (j % 2 == 0 ? 1.0 : -1.0) * x[j];
            }
            examples.add(Example.of(Map.of(FEATURES, x, LABELS, (float) y)));
        }
        return Dataset.of(examples);
    }

    @Override
    public String name() {
        return "bench-linear";
    }

    @Override
    public Set<BackendCapability> capabilities() {
        return Set.of(BackendCapability.TRAINING);
    }

    @Override
    public Trainer createTrainer(TrainerSpec spec) {
        return new DefaultTrainer(spec, this);
    }

    @Override
    public TrainingEngine compile(Model model, TrainingArguments args, EngineOptions options) {
        if (!(model instanceof LinearModel linear)) {
            throw new IllegalArgumentException("the bench backend runs only its LinearModel, not " + model.name());
        }
        return new Engine(linear.features());
    }

    private static final class Engine implements TrainingEngine {
        private final int features;
        private final double[] params;
        private final double[] gradientSum;
        private double windowLoss;
        private double windowItems;
        private double reportedLossSum;
        private long reportedSteps;
        private double lastGradNorm = Double.NaN;

        Engine(int features) {
            this.features = features;
            this.params = new double[features + 1];
            this.gradientSum = new double[features + 1];
        }

        @Override
        public void accumulate(Batch microBatch, StepContext context) {
            forwardBackward(microBatch);
        }

        @Override
        public StepOutcome step(Batch lastMicroBatch, StepContext context) {
            forwardBackward(lastMicroBatch);
            double squares = 0;
            for (int i = 0; i < params.length; i++) {
                double gradient = gradientSum[i] / windowItems;
                squares += gradient * gradient;
                params[i] -= context.learningRate() * gradient;
            }
            reportedLossSum += windowLoss / windowItems;
            reportedSteps++;
            lastGradNorm = Math.sqrt(squares);
            Arrays.fill(gradientSum, 0);
            windowLoss = 0;
            windowItems = 0;
            return StepOutcome.FINITE;
        }

        private void forwardBackward(Batch batch) {
            HostTensor x = batch.get(FEATURES);
            HostTensor y = batch.get(LABELS);
            for (int row = 0; row < batch.size(); row++) {
                double error = predict(x, row) - y.getDouble(row);
                windowLoss += 0.5 * error * error;
                windowItems++;
                for (int j = 0; j < features; j++) {
                    gradientSum[j] += error * x.getDouble(row * features + j);
                }
                gradientSum[features] += error;
            }
        }

        private double predict(HostTensor x, int row) {
            double value = params[features];
            for (int j = 0; j < features; j++) {
                value += params[j] * x.getDouble(row * features + j);
            }
            return value;
        }

        @Override
        public TrainingLossReport readTrainingLoss() {
            TrainingLossReport report = new TrainingLossReport(reportedLossSum, reportedSteps, reportedSteps == 0 ? Double.NaN : lastGradNorm);
            reportedLossSum = 0;
            reportedSteps = 0;
            return report;
        }

        @Override
        public EvalBatchOutput evaluate(Batch batch, boolean returnPredictions) {
            HostTensor x = batch.get(FEATURES);
            double[] predictions = new double[batch.size()];
            double lossSum = 0;
            boolean hasLoss = batch.contains(LABELS);
            for (int row = 0; row < batch.size(); row++) {
                predictions[row] = predict(x, row);
                if (hasLoss) {
                    double error = predictions[row] - batch.get(LABELS).getDouble(row);
                    lossSum += 0.5 * error * error;
                }
            }
            Map<String, HostTensor> outputs = returnPredictions ? Map.of("predictions", HostTensor.ofDoubles(predictions, batch.size())) : Map.of();
            return new EvalBatchOutput(lossSum, hasLoss ? batch.size() : 0, hasLoss, outputs);
        }

        @Override
        public void resetOptimizer() {
        }

        @Override
        public void save(Path directory, CheckpointScope scope) {
            throw new UnsupportedOperationException("the bench backend does not save checkpoints");
        }

        @Override
        public void restore(Path directory, CheckpointScope scope) {
            throw new UnsupportedOperationException("the bench backend does not restore checkpoints");
        }

        @Override
        public void close() {
        }
    }
}
