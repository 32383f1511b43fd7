package dev.trainer4j.tf;

import dev.trainer4j.api.ComputeLossFunction;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.optim.TfSgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * HF's {@code compute_loss_func} and {@code optimizers=(optimizer, scheduler)} in the spec, on {@link QuadraticModel}:
 * one step from w0 = (0.5, -1, 2) towards cw = (1, 0, -1), gradient w0 - cw = (-0.5, -1, 3).
 */
class TfSpecLossAndOptimizersTest {
    @TempDir
    Path dir;

    private TrainerSpec.Builder spec(OptimizerType optim) {
        TrainingArguments args = TrainingArguments.builder().outputDir(dir.toString()).maxSteps(1)
                .perDeviceTrainBatchSize(1).optim(optim).learningRate(0.1).lrSchedulerType("constant").maxGradNorm(0)
                .weightDecay(0).saveStrategy(SaveStrategy.NO).build();
        return TrainerSpec.builder().args(args).model(new QuadraticModel())
                .trainDataset(Dataset.of(List.of(Example.of(Map.of("scale", 1f)))));
    }

    private static float[] weightsAfterOneStep(TrainerSpec spec) {
        try (TfTrainer trainer = new TfTrainer(spec)) {
            trainer.train();
            return trainer.modelWeights().get("w");
        }
    }

    @Test
    void withoutEitherTheArgumentsDecide() {
        // SGD, lr 0.1: w0 - 0.1 (w0 - cw)
        assertThat(weightsAfterOneStep(spec(OptimizerType.SGD).build())).containsExactly(new float[] {0.55f, -0.9f, 1.7f},
                within(1e-6f));
    }

    @Test
    void aComputeLossFunctionReplacesTheModelsLoss() {
        // twice the model's loss sum: the gradient doubles, w0 - 0.1 * 2 (w0 - cw)
        TfComputeLoss doubled = (outputs, inputs, tf) -> {
            @SuppressWarnings("unchecked")
            Operand<TFloat32> sum = (Operand<TFloat32>) outputs.lossSum().orElseThrow();
            return outputs.withLoss(tf.math.mul(sum, tf.constant(2f)), outputs.itemCount().orElseThrow());
        };
        float[] weights = weightsAfterOneStep(spec(OptimizerType.SGD).computeLossFunc(doubled).build());
        assertThat(weights).containsExactly(new float[] {0.6f, -0.8f, 1.4f}, within(1e-6f));
    }

    @Test
    void optimizersReplaceTheNamedOptimizerAndSchedule() {
        // optim says adamw at 0.1; the spec's plain SGD at a constant 0.5 wins: w0 - 0.5 (w0 - cw)
        float[] weights = weightsAfterOneStep(spec(OptimizerType.ADAMW).optimizers(new TfSgd(0), step -> 0.5).build());
        assertThat(weights).containsExactly(new float[] {0.75f, -0.5f, 0.5f}, within(1e-6f));
    }

    @Test
    void aFunctionOfAnotherBackendIsRefused() {
        ComputeLossFunction foreign = new ComputeLossFunction() {
        };
        TrainerSpec spec = spec(OptimizerType.SGD).computeLossFunc(foreign).build();
        try (TfTrainer trainer = new TfTrainer(spec)) {
            assertThatThrownBy(trainer::train).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(TfComputeLoss.class.getName());
        }
    }
}
