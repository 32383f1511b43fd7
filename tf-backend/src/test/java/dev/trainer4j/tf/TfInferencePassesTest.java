package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.nn.TfInitializers;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The evaluation and prediction passes are built into the engine's graph the first time they are used, after the
 * session opened and trained: a training run holds neither, and what they compute is the model on the trained weights.
 */
class TfInferencePassesTest {
    private static final int FEATURES = 4;
    private static final int CLASSES = 3;
    private static final EngineOptions OPTIONS = new EngineOptions(List.of(), -1);

    private static TrainingArguments arguments() {
        return TrainingArguments.builder().outputDir("unused").seed(11).maxSteps(10).learningRate(0.1)
                .perDeviceTrainBatchSize(8).trainTowers(2).intraOpThreads(1).interOpThreads(2).build();
    }

    /** {@code rows} examples; every third row is labelled -100 (not an item). */
    private static Batch batch(int rows, long seed) {
        return LinearClassifier.randomBatch(FEATURES, CLASSES, rows, seed);
    }

    private static boolean hasOpUnder(TfTrainingEngine engine, String pass) {
        var operations = engine.graph().operations();
        while (operations.hasNext()) {
            if (operations.next().name().contains("/" + pass + "/")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void passesAreBuiltOnFirstUseAndComputeTheModelOnTheTrainedWeights() {
        Batch eval = batch(7, 99);
        try (TfTrainingEngine engine = new TfBackend().compile(
                new LinearClassifier(FEATURES, CLASSES, 0, true, true), arguments(), OPTIONS)) {
            for (int step = 0; step < 3; step++) {
                assertThat(engine.step(batch(8, step), new StepContext(step, 0, 1, 0.1, 11)).finite()).isTrue();
            }
            assertThat(hasOpUnder(engine, "forward_eval_towers")).as("no evaluation pass before evaluate").isFalse();
            assertThat(hasOpUnder(engine, "forward_eval")).isFalse();
            assertThat(hasOpUnder(engine, "forward_predict")).as("no prediction pass before a prediction").isFalse();

            EvalBatchOutput evaluated = engine.evaluate(eval, true);
            assertThat(hasOpUnder(engine, "forward_eval_towers")).isTrue();
            assertThat(hasOpUnder(engine, "forward_predict")).isFalse();

            // the reference: logits = x W + b and the masked cross-entropy sum, in double from the trained weights
            Map<String, float[]> weights = engine.readVariables();
            float[] kernel = weights.get("classifier/kernel");
            float[] bias = weights.get("classifier/bias");
            float[] x = eval.get(LinearClassifier.FEATURES).floats();
            int[] labels = eval.get(LinearClassifier.LABELS).ints();
            float[] logits = evaluated.predictions().get("logits").floats();
            double lossSum = 0;
            for (int row = 0; row < 7; row++) {
                double[] z = new double[CLASSES];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < CLASSES; c++) {
                    z[c] = bias[c];
                    for (int f = 0; f < FEATURES; f++) {
                        z[c] += (double) x[row * FEATURES + f] * kernel[f * CLASSES + c];
                    }
                    assertThat((double) logits[row * CLASSES + c]).isCloseTo(z[c], within(1e-5));
                    max = Math.max(max, z[c]);
                }
                if (labels[row] != -100) {
                    double sum = 0;
                    for (double value : z) {
                        sum += Math.exp(value - max);
                    }
                    lossSum += max + Math.log(sum) - z[labels[row]];
                }
            }
            assertThat(evaluated.itemCount()).isEqualTo(5.0);
            assertThat(evaluated.lossSum()).isCloseTo(lossSum, within(1e-5 * lossSum));

            EvalBatchOutput predicted = engine.evaluate(new Batch(Map.of(LinearClassifier.FEATURES,
                    eval.get(LinearClassifier.FEATURES))), true);
            assertThat(hasOpUnder(engine, "forward_predict")).isTrue();
            assertThat(predicted.predictions().get("logits").floats()).containsExactly(logits);

            // training goes on after the passes were added to the session's graph
            assertThat(engine.step(batch(8, 5), new StepContext(3, 0, 1, 0.1, 11)).finite()).isTrue();
            assertThat(engine.evaluate(eval, true).lossSum()).isNotEqualTo(evaluated.lossSum());
        }
    }

    @Test
    void aVariableOnlyTheEvaluationPassCreatesIsOneClearError() {
        TfModel model = new EvaluationOnlyVariable(new LinearClassifier(FEATURES, CLASSES, 0, true, true));
        try (TfTrainingEngine engine = new TfBackend().compile(model, arguments(), OPTIONS)) {
            assertThat(engine.step(batch(8, 1), new StepContext(0, 0, 1, 0.1, 11)).finite()).isTrue();
            assertThatThrownBy(() -> engine.evaluate(batch(7, 2), true))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("model 'linear-classifier' created the variables [calibration/scale]")
                    .hasMessageContaining("in its evaluation pass but not in its training pass");
        }
    }

    /** A faulty model: outside training it also creates a variable {@code calibration/scale}. */
    private record EvaluationOnlyVariable(TfModel delegate) implements TfModel {
        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public List<InputSpec> inputs() {
            return delegate.inputs();
        }

        @Override
        public boolean rowIndependent() {
            return delegate.rowIndependent();
        }

        @Override
        public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
            if (!scope.training()) {
                scope.child("calibration").variable("scale", Shape.scalar(), TfInitializers.uniform(1, 1),
                        VariableRole.BIAS);
            }
            return delegate.build(scope, inputs);
        }
    }
}
