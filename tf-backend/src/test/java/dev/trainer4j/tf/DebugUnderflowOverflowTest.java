package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.StepOutcome;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HF's {@code debug = underflow_overflow}: after a non-finite step the engine names the first layer whose activations
 * are not finite. The model: layer_0 {@code h = x w}, layer_1 {@code e = exp(100 h)} (infinite for x = 10, since
 * exp(1000) overflows float32), layer_2 {@code e - e} (NaN from inf - inf); the loss sums layer_2.
 */
class DebugUnderflowOverflowTest {
    private static final class OverflowingModel implements TfModel {
        @Override
        public String name() {
            return "overflowing";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(InputSpec.feature("x", DataType.FLOAT32, -1, 1), InputSpec.label("scale", DataType.FLOAT32, -1));
        }

        @Override
        @SuppressWarnings("unchecked")
        public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
            Operand<TFloat32> x = (Operand<TFloat32>) inputs.get("x");
            TfModelScope first = scope.child("layer_0");
            Operand<TFloat32> w = first.variable("w", Shape.of(1), (ops, shape, seed) -> ops.constant(new float[] {1f}),
                    VariableRole.WEIGHT);
            Operand<TFloat32> h = first.tf().math.mul(x, w);
            Ops second = scope.child("layer_1").tf();
            Operand<TFloat32> e = second.math.exp(second.math.mul(h, second.constant(100f)));
            Ops third = scope.child("layer_2").tf();
            Operand<TFloat32> z = third.math.sub(e, e);
            Ops tf = scope.tf();
            if (!inputs.containsKey("scale")) {
                return ModelOutput.of(Map.of("z", z));
            }
            Operand<TFloat32> lossSum = tf.reduceSum(z, tf.constant(new int[] {0, 1}));
            Operand<TFloat32> items = tf.dtypes.cast(tf.shape(x, org.tensorflow.types.TInt32.class), TFloat32.class);
            return ModelOutput.withLoss(lossSum, tf.reduceProd(items, tf.constant(0)), Map.of("z", z));
        }
    }

    private static TfTrainingEngine engine(List<String> debug) {
        TrainingArguments args = TrainingArguments.builder().outputDir("unused").optim("sgd").maxGradNorm(0)
                .trainTowers(1).set(TrainingArguments.DEBUG, debug).build();
        return new TfBackend().compile(new OverflowingModel(), args, new EngineOptions(List.of("scale"), -1));
    }

    private static Batch batch(float x) {
        return new Batch(Map.of("x", HostTensor.ofFloats(new float[] {x}, 1, 1), "scale", HostTensor.ofFloats(new float[] {1f}, 1)));
    }

    @Test
    void aNonFiniteStepNamesTheFirstLayerWhoseActivationsOverflow() {
        try (TfTrainingEngine engine = engine(List.of(TrainingArguments.DEBUG_UNDERFLOW_OVERFLOW))) {
            assertThat(engine.step(batch(0.001f), new StepContext(0, 0, 1, 0.0, 7))).isEqualTo(StepOutcome.FINITE);
            assertThat(engine.lastNonFiniteActivation()).isEmpty();

            assertThat(engine.step(batch(10f), new StepContext(1, 0, 1, 0.0, 7))).isEqualTo(StepOutcome.NON_FINITE);
            assertThat(engine.lastNonFiniteActivation()).hasValueSatisfying(report ->
                    assertThat(report).startsWith("layer_1/").endsWith("(layer layer_1)"));
        }
    }

    @Test
    void withoutDebugNothingIsDiagnosed() {
        try (TfTrainingEngine engine = engine(List.of())) {
            assertThat(engine.step(batch(10f), new StepContext(0, 0, 1, 0.0, 7))).isEqualTo(StepOutcome.NON_FINITE);
            assertThat(engine.lastNonFiniteActivation()).isEmpty();
        }
    }
}
