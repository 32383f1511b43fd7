package dev.trainer4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.GradientSnapshot;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.StepOutcome;
import dev.trainer4j.spi.TrainingEngine;
import dev.trainer4j.spi.TrainingLossReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A real, tiny linear-regression engine in doubles: per-item loss {@code 0.5 * (w.x + b - y)^2}, labels of -100
 * are not items. It follows the engine contract exactly: gradient SUMS and item counts accumulate over the
 * micro-batches of a window, the update divides by the window's item count, clips by global norm
 * ({@code max-grad-norm}) and applies SGD ({@code optim = sgd}) or Adam (otherwise; decoupled weight decay for
 * AdamW). Every call is recorded in {@link #calls()}. State is saved as JSON. A step whose context asks for its
 * gradients keeps them for {@link #lastGradients()}.
 */
public final class FakeEngine implements TrainingEngine {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int features;
    private final TrainingArguments args;
    private final EngineOptions options;
    private final Set<Long> nonFiniteSteps;
    private final List<String> calls = new ArrayList<>();
    private final List<Set<String>> trainBatchKeys = new ArrayList<>();
    private final List<Map<String, List<Long>>> trainBatchShapes = new ArrayList<>();
    private final List<Set<String>> evalBatchKeys = new ArrayList<>();
    private final List<Double> learningRates = new ArrayList<>();
    private double[] params;
    private double[] adamFirst;
    private double[] adamSecond;
    private long adamSteps;
    private final double[] gradientSum;
    private double windowLossSum;
    private double windowItems;
    private double reportedLossSum;
    private long reportedSteps;
    private double lastGradNorm = Double.NaN;
    private GradientSnapshot lastGradients;
    private boolean closed;

    private final int maxRowsInMemory;

    FakeEngine(int features, TrainingArguments args, EngineOptions options, double[] initial, Set<Long> nonFiniteSteps,
            int maxRowsInMemory) {
        this.maxRowsInMemory = maxRowsInMemory;
        this.features = features;
        this.args = args;
        this.options = options;
        this.nonFiniteSteps = Set.copyOf(nonFiniteSteps);
        this.params = new double[features + 1];
        if (initial != null) {
            if (initial.length != features + 1) {
                throw new IllegalArgumentException("initial weights need " + (features + 1) + " values");
            }
            this.params = initial.clone();
        }
        else {
            SplittableRandom random = new SplittableRandom(args.seed());
            for (int i = 0; i < params.length; i++) {
                params[i] = random.nextDouble() * 0.2 - 0.1;
            }
        }
        this.adamFirst = new double[features + 1];
        this.adamSecond = new double[features + 1];
        this.gradientSum = new double[features + 1];
    }

    /** Every call in order, e.g. {@code accumulate(step=0, micro=0/2)}, {@code step(step=0, micro=1/2)}. */
    public List<String> calls() {
        return calls;
    }

    /** The column names of every training micro-batch the engine saw. */
    public List<Set<String>> trainBatchKeys() {
        return trainBatchKeys;
    }

    /** The shape of each tensor of every training micro-batch the engine saw, by column name. */
    public List<Map<String, List<Long>>> trainBatchShapes() {
        return trainBatchShapes;
    }

    public List<Set<String>> evalBatchKeys() {
        return evalBatchKeys;
    }

    /** The learning rate of each finite or non-finite step, in order. */
    public List<Double> learningRates() {
        return learningRates;
    }

    /** Weights then bias (a copy). */
    public double[] parameters() {
        return params.clone();
    }

    public EngineOptions options() {
        return options;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void accumulate(Batch microBatch, StepContext context) {
        calls.add("accumulate(step=" + context.globalStep() + ", micro=" + context.microStep() + "/" + context.microSteps() + ")");
        trainBatchKeys.add(microBatch.names());
        trainBatchShapes.add(microBatch.shapes());
        forwardBackward(microBatch);
    }

    @Override
    public StepOutcome step(Batch lastMicroBatch, StepContext context) {
        calls.add("step(step=" + context.globalStep() + ", micro=" + context.microStep() + "/" + context.microSteps()
                + (context.captureGradients() ? ", gradients" : "") + ")");
        trainBatchKeys.add(lastMicroBatch.names());
        trainBatchShapes.add(lastMicroBatch.shapes());
        learningRates.add(context.learningRate());
        forwardBackward(lastMicroBatch);
        double items = windowItems;
        double loss = windowLossSum / items;
        double[] gradient = new double[params.length];
        double squares = 0;
        for (int i = 0; i < params.length; i++) {
            gradient[i] = gradientSum[i] / items;
            squares += gradient[i] * gradient[i];
        }
        double norm = Math.sqrt(squares);
        clearWindow();
        lastGradients = null;
        if (context.captureGradients()) {
            float[] weights = new float[features];
            for (int j = 0; j < features; j++) {
                weights[j] = (float) gradient[j];
            }
            Map<String, float[]> gradients = new LinkedHashMap<>();
            gradients.put("w", weights);
            gradients.put("b", new float[] {(float) gradient[features]});
            lastGradients = new GradientSnapshot(context.globalStep() + 1, gradients);
        }
        if (nonFiniteSteps.contains(context.globalStep()) || !Double.isFinite(loss) || !Double.isFinite(norm)) {
            return StepOutcome.NON_FINITE;
        }
        if (args.maxGradNorm() > 0) {
            double coefficient = args.maxGradNorm() / (norm + 1e-6);
            if (coefficient < 1) {
                for (int i = 0; i < gradient.length; i++) {
                    gradient[i] *= coefficient;
                }
            }
        }
        update(gradient, context.learningRate());
        reportedLossSum += loss;
        reportedSteps++;
        lastGradNorm = norm;
        return StepOutcome.FINITE;
    }

    /** The pre-clipping mean gradient of the latest step as {@code w} and {@code b}, when its context asked for it. */
    @Override
    public Optional<GradientSnapshot> lastGradients() {
        return Optional.ofNullable(lastGradients);
    }

    private void update(double[] gradient, double learningRate) {
        if (args.optim() == OptimizerType.SGD) {
            for (int i = 0; i < params.length; i++) {
                params[i] -= learningRate * gradient[i];
            }
            return;
        }
        adamSteps++;
        double beta1 = args.adamBeta1();
        double beta2 = args.adamBeta2();
        for (int i = 0; i < params.length; i++) {
            if (args.optim() == OptimizerType.ADAMW && i < features) {
                params[i] -= learningRate * args.weightDecay() * params[i];
            }
            adamFirst[i] = beta1 * adamFirst[i] + (1 - beta1) * gradient[i];
            adamSecond[i] = beta2 * adamSecond[i] + (1 - beta2) * gradient[i] * gradient[i];
            double first = adamFirst[i] / (1 - Math.pow(beta1, adamSteps));
            double second = adamSecond[i] / (1 - Math.pow(beta2, adamSteps));
            params[i] -= learningRate * first / (Math.sqrt(second) + args.adamEpsilon());
        }
    }

    private void clearWindow() {
        java.util.Arrays.fill(gradientSum, 0);
        windowLossSum = 0;
        windowItems = 0;
    }

    private void forwardBackward(Batch batch) {
        if (batch.size() > maxRowsInMemory) {
            clearWindow();
            throw new OutOfMemoryError("fake engine: " + batch.size() + " rows do not fit (at most " + maxRowsInMemory + ")");
        }
        HostTensor x = batch.get(FakeModel.FEATURES);
        HostTensor y = batch.get(FakeModel.LABELS);
        for (int row = 0; row < batch.size(); row++) {
            double label = y.getDouble(row);
            if (label == -100) {
                continue;
            }
            double error = predict(x, row) - label;
            windowLossSum += 0.5 * error * error;
            windowItems += 1;
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
        calls.add("readTrainingLoss");
        TrainingLossReport report = new TrainingLossReport(reportedLossSum, reportedSteps, reportedSteps == 0 ? Double.NaN : lastGradNorm);
        reportedLossSum = 0;
        reportedSteps = 0;
        return report;
    }

    @Override
    public EvalBatchOutput evaluate(Batch batch, boolean returnPredictions) {
        calls.add("evaluate(" + batch.size() + ")");
        evalBatchKeys.add(batch.names());
        HostTensor x = batch.get(FakeModel.FEATURES);
        double[] predictions = new double[batch.size()];
        for (int row = 0; row < batch.size(); row++) {
            predictions[row] = predict(x, row);
        }
        double lossSum = 0;
        double items = 0;
        boolean hasLoss = batch.contains(FakeModel.LABELS);
        if (hasLoss) {
            HostTensor y = batch.get(FakeModel.LABELS);
            for (int row = 0; row < batch.size(); row++) {
                if (y.getDouble(row) != -100) {
                    double error = predictions[row] - y.getDouble(row);
                    lossSum += 0.5 * error * error;
                    items++;
                }
            }
        }
        Map<String, HostTensor> outputs = returnPredictions
                ? Map.of("predictions", HostTensor.ofDoubles(predictions, batch.size())) : Map.of();
        return new EvalBatchOutput(lossSum, items, hasLoss, outputs);
    }

    @Override
    public void resetOptimizer() {
        calls.add("resetOptimizer");
        adamFirst = new double[params.length];
        adamSecond = new double[params.length];
        adamSteps = 0;
    }

    @Override
    public void save(Path directory, CheckpointScope scope) {
        calls.add("save(" + scope + ")");
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("params", params);
        if (scope == CheckpointScope.FULL) {
            content.put("adam_first", adamFirst);
            content.put("adam_second", adamSecond);
            content.put("adam_steps", adamSteps);
            content.put("reported_loss_sum", reportedLossSum);
            content.put("reported_steps", reportedSteps);
            content.put("last_grad_norm", Double.isNaN(lastGradNorm) ? null : lastGradNorm);
        }
        try {
            JSON.writeValue(directory.resolve("fake-engine.json").toFile(), content);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void restore(Path directory, CheckpointScope scope) {
        calls.add("restore(" + scope + ")");
        Path file = directory.resolve("fake-engine.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("engine checkpoint file " + file + " is missing");
        }
        try {
            Map<?, ?> content = JSON.readValue(file.toFile(), Map.class);
            params = doubles(content.get("params"));
            if (scope == CheckpointScope.FULL) {
                adamFirst = doubles(content.get("adam_first"));
                adamSecond = doubles(content.get("adam_second"));
                adamSteps = ((Number) content.get("adam_steps")).longValue();
                reportedLossSum = ((Number) content.get("reported_loss_sum")).doubleValue();
                reportedSteps = ((Number) content.get("reported_steps")).longValue();
                Object norm = content.get("last_grad_norm");
                lastGradNorm = norm == null ? Double.NaN : ((Number) norm).doubleValue();
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[] doubles(Object value) {
        List<?> list = (List<?>) value;
        double[] result = new double[list.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = ((Number) list.get(i)).doubleValue();
        }
        return result;
    }

    @Override
    public void close() {
        calls.add("close");
        closed = true;
    }
}
