package dev.trainer4j.testing.contract;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.StepOutcome;
import dev.trainer4j.spi.TrainingEngine;
import dev.trainer4j.spi.TrainingLossReport;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * What every {@link TrainingEngine} must do, checked only through the SPI: a backend's test extends this class and
 * supplies a fixture (backend, a deterministic model without dropout, and batches of rows of a fixed data pool).
 *
 * <p>States are compared by what every engine exposes: the loss a step reports ({@link TrainingEngine#readTrainingLoss})
 * and the predictions and loss of {@link TrainingEngine#evaluate} on a probe batch. "Bit for bit" means the raw bits
 * of every prediction value and of every reported loss are equal.
 */
@Timeout(120)
public abstract class TrainingEngineContract {
    /** The label value of an item that does not count (HF's ignore index). */
    protected static final int IGNORED_LABEL = -100;
    /** Rows the fixture's data pool holds at least. */
    protected static final int POOL_ROWS = 32;
    private static final long SEED = 7;

    /**
     * Relative tolerance for results that the contract allows to differ in float summation order only (an
     * accumulated window against one batch, a training forward against an evaluation forward). Float32 has a
     * 6e-8 unit round-off; a sum of a few dozen float32 terms in another order moves by a few units, and one
     * update and one forward pass on a tiny model add a few more: 1e-5 relative leaves room for that and is still
     * 100 times smaller than the gap between the exact and the naive accumulation that the tests demand.
     */
    protected static final double SUMMATION_ORDER_TOLERANCE = 1e-5;

    @TempDir
    protected Path temporaryDirectory;

    // ------------------------------------------------------------------------------------------------ the fixture

    /** The backend under test. */
    protected abstract Backend backend();

    /** A fresh, deterministic model (dropout off) that reads the batches below. */
    protected abstract Model model();

    /**
     * The given rows of the fixture's fixed data pool ({@link #POOL_ROWS} rows or more, identical on every call),
     * with labels; a row {@code r} for which {@code ignored.test(r)} holds gets the label {@link #IGNORED_LABEL}.
     */
    protected abstract Batch labelledRows(int[] rows, IntPredicate ignored);

    /** The given rows of the data pool without labels: the model's features only. */
    protected abstract Batch unlabelledRows(int[] rows);

    /** A labelled batch whose loss is not finite (e.g. a NaN feature); empty when the model's inputs cannot carry one. */
    protected abstract Optional<Batch> nonFiniteBatch();

    /**
     * How far a row's predictions may move when the row is predicted in a batch of another size, as the largest
     * |a - b| / max(1, |b|); 0 (the default) demands bit-identical predictions. A backend whose matrix kernels pick
     * their blocking (and so their summation order) by the batch's shape overrides this with a measured bound.
     */
    protected double predictionBatchSizeTolerance() {
        return 0;
    }

    /** The arguments every engine of the contract is compiled with; override to pin backend settings (threads). */
    protected TrainingArguments.Builder arguments() {
        return TrainingArguments.builder().outputDir(temporaryDirectory.resolve("run").toString()).seed(SEED)
                .maxSteps(100);
    }

    // ------------------------------------------------------------------------------------------------ the tests

    /**
     * Micro-batches of 4 rows holding 4, 2 and 1 label items make one window; the update must equal one step on
     * all 12 rows, and must differ from the naive mean of the micro-batch means. The naive update is produced by
     * the engine itself: one batch that repeats each micro-batch's rows 4 / items times gives every item the
     * weight 1 / (3 * its micro-batch's items), which is exactly what averaging the micro-batch means does.
     */
    @Test
    void accumulatedWindowWithUnequalItemCountsEqualsOneBatchOfAllItsRows() {
        int[][] micro = {range(0, 4), range(4, 4), range(8, 4)};
        IntPredicate ignored = row -> (row >= 6 && row < 8) || row >= 9; // items: rows 0-3, 4-5, 8
        int[] repeats = {1, 2, 4};
        TrainingArguments sgd = arguments().optim(OptimizerType.SGD).learningRate(0.5).weightDecay(0).maxGradNorm(0)
                .gradientAccumulationSteps(3).perDeviceTrainBatchSize(4).build();
        double learningRate = sgd.learningRate();
        Batch probe = labelledRows(range(0, 16), row -> false);
        try (TrainingEngine accumulated = compile(sgd);
             TrainingEngine oneBatch = compile(sgd.toBuilder().gradientAccumulationSteps(1).perDeviceTrainBatchSize(12).build());
             TrainingEngine naive = compile(sgd.toBuilder().gradientAccumulationSteps(1).perDeviceTrainBatchSize(28).build())) {
            double[] items = new double[micro.length];
            for (int i = 0; i < micro.length; i++) {
                items[i] = accumulated.evaluate(labelledRows(micro[i], ignored), false).itemCount();
            }
            assertThat(items).as("label items per micro-batch (the fixture must honour the ignored rows)")
                    .containsExactly(4, 2, 1);
            EvalBatchOutput initial = accumulated.evaluate(probe, true);

            accumulated.accumulate(labelledRows(micro[0], ignored), new StepContext(0, 0, 3, learningRate, SEED));
            accumulated.accumulate(labelledRows(micro[1], ignored), new StepContext(0, 1, 3, learningRate, SEED));
            assertThat(accumulated.step(labelledRows(micro[2], ignored), new StepContext(0, 2, 3, learningRate, SEED)).finite())
                    .as("the accumulated window's step is finite").isTrue();
            assertThat(oneBatch.step(labelledRows(range(0, 12), ignored), new StepContext(0, 0, 1, learningRate, SEED)).finite())
                    .as("the one-batch step is finite").isTrue();
            List<Integer> repeated = new ArrayList<>();
            for (int i = 0; i < micro.length; i++) {
                for (int copy = 0; copy < repeats[i]; copy++) {
                    Arrays.stream(micro[i]).forEach(repeated::add);
                }
            }
            int[] naiveRows = repeated.stream().mapToInt(Integer::intValue).toArray();
            assertThat(naive.step(labelledRows(naiveRows, ignored), new StepContext(0, 0, 1, learningRate, SEED)).finite())
                    .as("the naive step is finite").isTrue();

            TrainingLossReport accumulatedLoss = accumulated.readTrainingLoss();
            TrainingLossReport oneBatchLoss = oneBatch.readTrainingLoss();
            assertThat(accumulatedLoss.steps()).as("steps in the accumulated engine's loss report").isEqualTo(1);
            assertThat(accumulatedLoss.lossSum())
                    .as("the window's reported loss (its loss sum / its 7 items) against the one batch's")
                    .isCloseTo(oneBatchLoss.lossSum(), relative(oneBatchLoss.lossSum()));

            Map<String, double[]> exact = values(oneBatch.evaluate(probe, true));
            Map<String, double[]> actual = values(accumulated.evaluate(probe, true));
            Map<String, double[]> naiveValues = values(naive.evaluate(probe, true));
            double moved = maxRelativeDifference(values(initial), exact);
            double error = maxRelativeDifference(actual, exact);
            double naiveGap = maxRelativeDifference(naiveValues, exact);
            assertThat(moved).as("the update moved the predictions (else the test proves nothing)")
                    .isGreaterThan(100 * SUMMATION_ORDER_TOLERANCE);
            assertThat(naiveGap).as("the naive mean of micro-batch means differs from the exact update "
                    + "(else the test could not fail)").isGreaterThan(100 * SUMMATION_ORDER_TOLERANCE);
            assertThat(error).as("predictions after the accumulated window against one batch of all its rows "
                    + "(max relative difference; the naive average would be %s off)", naiveGap)
                    .isLessThanOrEqualTo(SUMMATION_ORDER_TOLERANCE);
        }
    }

    /**
     * A non-finite step changes nothing: not the weights (predictions bit for bit), not the optimizer state and the
     * step counters (the next finite step equals that of an engine that never saw the poison), not the loss report.
     */
    @Test
    void nonFiniteStepWritesNothing() {
        Optional<Batch> poison = nonFiniteBatch();
        assumeThat(poison).as("the fixture's model cannot carry a non-finite input").isPresent();
        TrainingArguments adamw = arguments().optim(OptimizerType.ADAMW).learningRate(0.05).weightDecay(0.1)
                .maxGradNorm(1).build();
        Batch first = labelledRows(range(0, 8), row -> row % 3 == 2);
        Batch second = labelledRows(range(8, 8), row -> row % 4 == 0);
        Batch probe = labelledRows(range(16, 8), row -> false);
        try (TrainingEngine poisoned = compile(adamw); TrainingEngine clean = compile(adamw)) {
            assertThat(poisoned.step(first, context(0, 0.05)).finite()).isTrue();
            assertThat(clean.step(first, context(0, 0.05)).finite()).isTrue();
            EvalBatchOutput before = poisoned.evaluate(probe, true);

            StepOutcome outcome = poisoned.step(poison.orElseThrow(), context(1, 0.05));

            assertThat(outcome.finite()).as("the outcome of a step on the non-finite batch").isFalse();
            EvalBatchOutput after = poisoned.evaluate(probe, true);
            assertBitIdentical(after, before, "evaluation after the non-finite step against before it");
            assertThat(poisoned.step(second, context(1, 0.05)).finite()).isTrue();
            assertThat(clean.step(second, context(1, 0.05)).finite()).isTrue();
            assertBitIdentical(poisoned.evaluate(probe, true), clean.evaluate(probe, true),
                    "the next finite step after the non-finite one against an engine that never saw it "
                            + "(optimizer slots and step counters untouched)");
            assertBitIdentical(poisoned.readTrainingLoss(), clean.readTrainingLoss(),
                    "the loss report counts finite steps only");
        }
    }

    /** A window whose first micro-batch is non-finite is skipped whole, and the next window starts from clean accumulators. */
    @Test
    void nonFiniteWindowLeavesNothingInTheNextWindow() {
        Optional<Batch> poison = nonFiniteBatch();
        assumeThat(poison).as("the fixture's model cannot carry a non-finite input").isPresent();
        TrainingArguments accumulating = arguments().optim(OptimizerType.ADAMW).learningRate(0.05).weightDecay(0.1)
                .maxGradNorm(1).gradientAccumulationSteps(2).build();
        Batch first = labelledRows(range(0, 8), row -> row % 3 == 2);
        Batch second = labelledRows(range(8, 8), row -> row % 4 == 0);
        Batch probe = labelledRows(range(16, 8), row -> false);
        try (TrainingEngine poisoned = compile(accumulating); TrainingEngine clean = compile(accumulating)) {
            poisoned.accumulate(poison.orElseThrow(), new StepContext(0, 0, 2, 0.05, SEED));
            assertThat(poisoned.step(first, new StepContext(0, 1, 2, 0.05, SEED)).finite())
                    .as("the outcome of a window holding a non-finite micro-batch").isFalse();
            poisoned.accumulate(first, new StepContext(0, 0, 2, 0.05, SEED));
            assertThat(poisoned.step(second, new StepContext(0, 1, 2, 0.05, SEED)).finite()).isTrue();
            clean.accumulate(first, new StepContext(0, 0, 2, 0.05, SEED));
            assertThat(clean.step(second, new StepContext(0, 1, 2, 0.05, SEED)).finite()).isTrue();
            assertBitIdentical(poisoned.evaluate(probe, true), clean.evaluate(probe, true),
                    "the window after a non-finite window against the same window in a clean engine");
            assertBitIdentical(poisoned.readTrainingLoss(), clean.readTrainingLoss(),
                    "the loss report after a non-finite window");
        }
    }

    /**
     * save(FULL) after two steps, restored into a freshly compiled engine (another seed, so nothing comes from its
     * own initialisation), continues bit for bit: reported losses (including the unread loss of the step before the
     * save) and predictions after each of two more steps.
     */
    @Test
    void fullCheckpointRestoredInAFreshEngineContinuesBitForBit() throws Exception {
        TrainingArguments adamw = arguments().optim(OptimizerType.ADAMW).learningRate(0.05).weightDecay(0.1)
                .maxGradNorm(0.5).build();
        List<Batch> batches = List.of(labelledRows(range(0, 8), row -> row % 3 == 2),
                labelledRows(range(8, 8), row -> row % 4 == 0), labelledRows(range(16, 8), row -> row % 5 == 1),
                labelledRows(range(24, 8), row -> false));
        Batch probe = labelledRows(range(0, 16), row -> false);
        Path full = Files.createDirectories(temporaryDirectory.resolve("full"));
        List<EvalBatchOutput> originalEvaluations = new ArrayList<>();
        List<TrainingLossReport> originalReports = new ArrayList<>();
        try (TrainingEngine original = compile(adamw)) {
            assertThat(original.step(batches.get(0), context(0, 0.05)).finite()).isTrue();
            original.readTrainingLoss();
            assertThat(original.step(batches.get(1), context(1, 0.05)).finite()).isTrue();
            original.save(full, CheckpointScope.FULL);
            for (int step = 2; step < 4; step++) {
                assertThat(original.step(batches.get(step), context(step, 0.05)).finite()).isTrue();
                originalReports.add(original.readTrainingLoss());
                originalEvaluations.add(original.evaluate(probe, true));
            }
        }
        try (TrainingEngine restored = compile(adamw.toBuilder().seed(SEED + 1000).build())) {
            restored.restore(full, CheckpointScope.FULL);
            for (int step = 2; step < 4; step++) {
                assertThat(restored.step(batches.get(step), context(step, 0.05)).finite()).isTrue();
                assertBitIdentical(restored.readTrainingLoss(), originalReports.get(step - 2),
                        "the loss report after step " + step + " of the restored engine against the original");
                assertBitIdentical(restored.evaluate(probe, true), originalEvaluations.get(step - 2),
                        "evaluation after step " + step + " of the restored engine against the original");
            }
        }
    }

    /** save(MODEL) restored into a freshly compiled engine (another seed) predicts bit for bit what the saved one did. */
    @Test
    void modelCheckpointRestoresPredictionsBitForBit() throws Exception {
        TrainingArguments adamw = arguments().optim(OptimizerType.ADAMW).learningRate(0.05).weightDecay(0.1).build();
        Batch probe = labelledRows(range(0, 16), row -> row % 4 == 3);
        Path model = Files.createDirectories(temporaryDirectory.resolve("model"));
        EvalBatchOutput saved;
        try (TrainingEngine original = compile(adamw)) {
            assertThat(original.step(labelledRows(range(0, 8), row -> false), context(0, 0.05)).finite()).isTrue();
            assertThat(original.step(labelledRows(range(8, 8), row -> false), context(1, 0.05)).finite()).isTrue();
            original.save(model, CheckpointScope.MODEL);
            saved = original.evaluate(probe, true);
        }
        try (TrainingEngine restored = compile(adamw.toBuilder().seed(SEED + 1000).build())) {
            EvalBatchOutput unrestored = restored.evaluate(probe, true);
            assertThat(maxRelativeDifference(values(unrestored), values(saved)))
                    .as("a fresh engine with another seed predicts differently (else the test proves nothing)")
                    .isGreaterThan(0);
            restored.restore(model, CheckpointScope.MODEL);
            assertBitIdentical(restored.evaluate(probe, true), saved,
                    "evaluation after restore(MODEL) against the saved engine's");
        }
    }

    /**
     * Evaluation is the training forward pass: its loss sum / item count equals the loss a step reports for the same
     * batch at learning rate 0 (which must not move the predictions either); without labels it returns the same
     * predictions and no loss.
     */
    @Test
    void evaluationEqualsTheTrainingForwardPass() {
        TrainingArguments sgd = arguments().optim(OptimizerType.SGD).learningRate(0).weightDecay(0).maxGradNorm(0).build();
        int[] rows = range(0, 12);
        Batch batch = labelledRows(rows, row -> row % 3 == 1);
        try (TrainingEngine engine = compile(sgd)) {
            EvalBatchOutput evaluation = engine.evaluate(batch, true);
            assertThat(evaluation.hasLoss()).as("evaluation of a labelled batch has a loss").isTrue();
            assertThat(evaluation.itemCount()).as("items of 12 rows with 4 ignored labels").isEqualTo(8);
            double evaluationLoss = evaluation.lossSum() / evaluation.itemCount();

            assertThat(engine.step(batch, context(0, 0)).finite()).isTrue();
            TrainingLossReport report = engine.readTrainingLoss();

            assertThat(report.steps()).isEqualTo(1);
            assertThat(report.lossSum()).as("the step's reported loss against evaluation's loss sum / item count")
                    .isCloseTo(evaluationLoss, relative(evaluationLoss));
            assertBitIdentical(engine.evaluate(batch, true), evaluation,
                    "evaluation after a step at learning rate 0 against before it");
            EvalBatchOutput unlabelled = engine.evaluate(unlabelledRows(rows), true);
            assertThat(unlabelled.hasLoss()).as("evaluation without labels has no loss").isFalse();
            assertThat(unlabelled.itemCount()).as("evaluation without labels counts no items").isZero();
            assertThat(bits(unlabelled.predictions())).as("predictions without labels against with labels")
                    .isEqualTo(bits(evaluation.predictions()));
        }
    }

    /**
     * Predicting 10 rows in batches of 1, 3 (the last one partial) and 10 gives the same predictions: bit-identical,
     * or within the fixture's {@link #predictionBatchSizeTolerance()}.
     */
    @Test
    void predictionsDoNotDependOnTheBatchSize() {
        int rows = 10;
        double tolerance = predictionBatchSizeTolerance();
        try (TrainingEngine engine = compile(arguments().build())) {
            Map<String, List<RowPrediction>> whole = predictRows(engine, rows, rows);
            assertThat(whole).as("the model's predictions").isNotEmpty();
            for (int batchSize : new int[] {1, 3}) {
                Map<String, List<RowPrediction>> split = predictRows(engine, rows, batchSize);
                assertThat(split.keySet()).isEqualTo(whole.keySet());
                double largest = 0;
                for (String name : whole.keySet()) {
                    for (int row = 0; row < rows; row++) {
                        RowPrediction actual = split.get(name).get(row);
                        RowPrediction expected = whole.get(name).get(row);
                        if (tolerance == 0) {
                            assertThat(actual.bits()).as("raw bits of prediction '%s' of row %d in batches of %d against one "
                                    + "batch of %d", name, row, batchSize, rows).containsExactly(expected.bits());
                        }
                        largest = Math.max(largest, maxRelativeDifference(Map.of(name, actual.values()),
                                Map.of(name, expected.values())));
                    }
                }
                System.out.printf("%s: predictions in batches of %d against one batch of %d differ by at most %.3g "
                        + "(relative to max(1, |value|))%n", getClass().getSimpleName(), batchSize, rows, largest);
                assertThat(largest).as("largest relative difference of a prediction in batches of %d against one batch "
                        + "of %d", batchSize, rows).isLessThanOrEqualTo(tolerance);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private TrainingEngine compile(TrainingArguments args) {
        Model model = model();
        return backend().compile(model, args, new EngineOptions(model.labelNames(), -1));
    }

    private static StepContext context(long globalStep, double learningRate) {
        return new StepContext(globalStep, 0, 1, learningRate, SEED);
    }

    /** {@code count} consecutive row indices from {@code first}. */
    protected static int[] range(int first, int count) {
        return IntStream.range(first, first + count).toArray();
    }

    private static Offset<Double> relative(double reference) {
        return Offset.offset(SUMMATION_ORDER_TOLERANCE * Math.max(1, Math.abs(reference)));
    }

    /** One row of one prediction output: its raw bits and its values. */
    private record RowPrediction(long[] bits, double[] values) {
    }

    private Map<String, List<RowPrediction>> predictRows(TrainingEngine engine, int rows, int batchSize) {
        Map<String, List<RowPrediction>> result = new TreeMap<>();
        for (int first = 0; first < rows; first += batchSize) {
            int count = Math.min(batchSize, rows - first);
            EvalBatchOutput output = engine.evaluate(unlabelledRows(range(first, count)), true);
            output.predictions().forEach((name, tensor) -> {
                assertThat(tensor.dimension(0)).as("rows of prediction '%s'", name).isEqualTo(count);
                int width = tensor.rowSize();
                long[] bits = bits(tensor);
                for (int row = 0; row < count; row++) {
                    int from = row * width;
                    result.computeIfAbsent(name, key -> new ArrayList<>()).add(new RowPrediction(
                            Arrays.copyOfRange(bits, from, from + width),
                            IntStream.range(from, from + width).mapToDouble(tensor::getDouble).toArray()));
                }
            });
        }
        return result;
    }

    private static void assertBitIdentical(EvalBatchOutput actual, EvalBatchOutput expected, String what) {
        assertThat(actual.hasLoss()).as("%s: has a loss", what).isEqualTo(expected.hasLoss());
        assertThat(Double.doubleToRawLongBits(actual.lossSum())).as("%s: raw bits of the loss sum %s against %s", what,
                actual.lossSum(), expected.lossSum()).isEqualTo(Double.doubleToRawLongBits(expected.lossSum()));
        assertThat(actual.itemCount()).as("%s: item count", what).isEqualTo(expected.itemCount());
        assertThat(bits(actual.predictions())).as("%s: raw bits of the predictions", what)
                .isEqualTo(bits(expected.predictions()));
    }

    private static void assertBitIdentical(TrainingLossReport actual, TrainingLossReport expected, String what) {
        assertThat(actual.steps()).as("%s: steps", what).isEqualTo(expected.steps());
        assertThat(Double.doubleToRawLongBits(actual.lossSum())).as("%s: raw bits of the loss sum %s against %s", what,
                actual.lossSum(), expected.lossSum()).isEqualTo(Double.doubleToRawLongBits(expected.lossSum()));
        assertThat(Double.doubleToRawLongBits(actual.lastGradNorm())).as("%s: raw bits of the gradient norm %s against %s",
                what, actual.lastGradNorm(), expected.lastGradNorm())
                .isEqualTo(Double.doubleToRawLongBits(expected.lastGradNorm()));
    }

    /** Raw bits of every prediction value, by name (as a list so that AssertJ compares and prints contents). */
    private static Map<String, List<Long>> bits(Map<String, HostTensor> predictions) {
        Map<String, List<Long>> result = new TreeMap<>();
        predictions.forEach((name, tensor) -> result.put(name, Arrays.stream(bits(tensor)).boxed().toList()));
        return result;
    }

    private static long[] bits(HostTensor tensor) {
        long[] result = new long[tensor.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = switch (tensor.dataType()) {
                case FLOAT32 -> Float.floatToRawIntBits(tensor.floats()[i]);
                case FLOAT64 -> Double.doubleToRawLongBits(tensor.doubles()[i]);
                case INT32, INT64 -> tensor.getLong(i);
            };
        }
        return result;
    }

    /** The loss sum and every prediction value of an evaluation, by name. */
    private static Map<String, double[]> values(EvalBatchOutput output) {
        Map<String, double[]> result = new LinkedHashMap<>();
        result.put("loss sum", new double[] {output.lossSum()});
        output.predictions().forEach((name, tensor) ->
                result.put(name, IntStream.range(0, tensor.size()).mapToDouble(tensor::getDouble).toArray()));
        return result;
    }

    /** The largest |a - b| / max(1, |b|) over every value of the two evaluations. */
    private static double maxRelativeDifference(Map<String, double[]> actual, Map<String, double[]> expected) {
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        double max = 0;
        for (String name : expected.keySet()) {
            double[] a = actual.get(name);
            double[] b = expected.get(name);
            assertThat(a).as("values of '%s'", name).hasSameSizeAs(b);
            for (int i = 0; i < b.length; i++) {
                max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
            }
        }
        return max;
    }
}
