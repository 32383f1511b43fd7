package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.GradientSnapshot;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A step asked for its gradients ({@link StepContext#captureGradients()}) fetches, in its own run, what the optimizer
 * is given before clipping. {@link QuadraticModel}'s per-item loss is {@code 0.5 |w - cw|^2 + 0.5 |b - cb|^2} times
 * the item's scale, so the gradient of the window's loss sum divided by its item count is, by hand,
 * {@code (sum of scales / items) * (w - cw)} and likewise for {@code b}.
 */
class TfGradientCaptureTest {
    private static final EngineOptions OPTIONS = new EngineOptions(List.of(), -1);

    private static TrainingArguments.Builder args() {
        // max-grad-norm 1 clips every step below (the gradient norms are > 3): the capture is before clipping
        return TrainingArguments.builder().outputDir("unused").seed(7).maxSteps(10).optim(OptimizerType.SGD)
                .learningRate(0.1).maxGradNorm(1.0);
    }

    private static Batch scales(float... scales) {
        return new Batch(Map.of("scale", HostTensor.ofFloats(scales, scales.length)));
    }

    private static StepContext capturing(long step, int micro, int micros) {
        return new StepContext(step, micro, micros, 0.1, 7, true);
    }

    /** The hand-derived gradient of the initial weights: {@code factor * (initial - target)}. */
    private static float[] expected(double factor, float[] initial, float[] target) {
        float[] gradient = new float[initial.length];
        for (int i = 0; i < initial.length; i++) {
            gradient[i] = (float) (factor * ((double) initial[i] - target[i]));
        }
        return gradient;
    }

    private static void assertGradient(GradientSnapshot snapshot, String name, float[] expected) {
        float[] actual = snapshot.gradients().get(name);
        assertThat(actual).as(name).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s[%d]", name, i).isCloseTo(expected[i], within(1e-6f * Math.max(1f, Math.abs(expected[i]))));
        }
    }

    @Test
    void theCapturedGradientIsTheMeanGradientBeforeClippingAndItsNormIsTheLoggedGradNorm() {
        try (TfTrainingEngine engine = new TfBackend().compile(new QuadraticModel(), args().build(), OPTIONS)) {
            assertThat(engine.lastGradients()).isEmpty();
            engine.step(scales(1f, 2f, 3f), capturing(0, 0, 1));
            GradientSnapshot snapshot = engine.lastGradients().orElseThrow();
            assertThat(snapshot.globalStep()).isEqualTo(1);
            assertThat(snapshot.gradients()).containsOnlyKeys("w", "b");
            // scales 1 + 2 + 3 over 3 items: factor 2; w - cw = (-0.5, -1, 3), b - cb = (0.75, -1.25)
            assertGradient(snapshot, "w", new float[] {-1f, -2f, 6f});
            assertGradient(snapshot, "b", new float[] {1.5f, -2.5f});
            double squares = 0;
            for (float[] values : snapshot.gradients().values()) {
                for (float value : values) {
                    squares += (double) value * value;
                }
            }
            // sqrt(1 + 4 + 36 + 2.25 + 6.25) = sqrt(49.5), the norm the step logs as grad_norm (before clipping to 1)
            assertThat(Math.sqrt(squares)).isCloseTo(Math.sqrt(49.5), within(1e-5));
            assertThat(engine.readTrainingLoss().lastGradNorm()).isCloseTo(Math.sqrt(49.5), within(1e-5));
        }
    }

    @Test
    void anOrdinaryStepFetchesNoGradientAndClearsTheLastOne() {
        try (TfTrainingEngine engine = new TfBackend().compile(new QuadraticModel(), args().build(), OPTIONS)) {
            engine.step(scales(1f), new StepContext(0, 0, 1, 0.1, 7));
            assertThat(engine.lastGradients()).isEmpty();
            engine.step(scales(1f), capturing(1, 0, 1));
            assertThat(engine.lastGradients()).map(GradientSnapshot::globalStep).contains(2L);
            engine.step(scales(1f), new StepContext(2, 0, 1, 0.1, 7));
            assertThat(engine.lastGradients()).isEmpty();
        }
    }

    @Test
    void capturingDoesNotChangeTheUpdate() {
        TrainingArguments arguments = args().build();
        try (TfTrainingEngine plain = new TfBackend().compile(new QuadraticModel(), arguments, OPTIONS);
             TfTrainingEngine captured = new TfBackend().compile(new QuadraticModel(), arguments, OPTIONS)) {
            for (int step = 0; step < 3; step++) {
                plain.step(scales(1f, 2f), new StepContext(step, 0, 1, 0.1, 7));
                captured.step(scales(1f, 2f), capturing(step, 0, 1));
            }
            Map<String, float[]> expected = plain.readVariables();
            Map<String, float[]> actual = captured.readVariables();
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            expected.forEach((name, values) -> assertThat(actual.get(name)).as(name).containsExactly(values));
        }
    }

    @Test
    void anAccumulatedWindowGivesItsTotalOverItsItemCount() {
        TrainingArguments arguments = args().gradientAccumulationSteps(2).build();
        try (TfTrainingEngine engine = new TfBackend().compile(new QuadraticModel(), arguments, OPTIONS)) {
            engine.accumulate(scales(1f, 1f), capturing(0, 0, 2));
            engine.step(scales(3f), capturing(0, 1, 2));
            GradientSnapshot snapshot = engine.lastGradients().orElseThrow();
            // scales 1 + 1 + 3 over 3 items: factor 5/3
            assertGradient(snapshot, "w", expected(5.0 / 3, QuadraticModel.W0, QuadraticModel.CW));
            assertGradient(snapshot, "b", expected(5.0 / 3, QuadraticModel.B0, QuadraticModel.CB));
        }
    }

    @Test
    void towersAreSummedAndFrozenVariablesHaveNoGradient() {
        TrainingArguments arguments = args().trainTowers(2).build();
        try (TfTrainingEngine engine = new TfBackend().compile(new QuadraticModel(List.of("b"), true), arguments, OPTIONS)) {
            assertThat(engine.threadSettings().towers()).isEqualTo(2);
            engine.step(scales(1f, 2f, 3f, 4f), capturing(0, 0, 1));
            GradientSnapshot snapshot = engine.lastGradients().orElseThrow();
            assertThat(snapshot.gradients()).containsOnlyKeys("w");
            // both towers' rows: scales 1 + 2 + 3 + 4 over 4 items, factor 2.5
            assertGradient(snapshot, "w", expected(2.5, QuadraticModel.W0, QuadraticModel.CW));
        }
    }
}
