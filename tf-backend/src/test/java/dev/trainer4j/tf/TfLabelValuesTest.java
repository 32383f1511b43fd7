package dev.trainer4j.tf;

import dev.trainer4j.api.BackendException;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.trainer4j.tf.TfTrainerTestSupport.CLASSES;
import static dev.trainer4j.tf.TfTrainerTestSupport.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Label values met by the TensorFlow backend: INT64 labels train as INT32 ones, out-of-range class indices stop the
 * run (on the host, and in the graph when the host check is bypassed), a loss op without a gradient and an absurd
 * number of towers are clear errors.
 */
class TfLabelValuesTest {
    private static final int ROWS = 16;

    @TempDir
    Path output;

    private TrainingArguments.Builder args() {
        return TrainingArguments.builder().outputDir(output.toString()).seed(3).maxSteps(4)
                .perDeviceTrainBatchSize(4).perDeviceEvalBatchSize(8)
                .optim(OptimizerType.ADAMW).learningRate(0.01).lrSchedulerType(SchedulerType.CONSTANT)
                .trainSamplingStrategy(SamplingStrategy.SEQUENTIAL).saveStrategy(SaveStrategy.NO);
    }

    private static float[] features() {
        Random random = new Random(5);
        float[] x = new float[ROWS * FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static int[] labels() {
        int[] y = new int[ROWS];
        for (int row = 0; row < ROWS; row++) {
            y[row] = row % CLASSES;
        }
        return y;
    }

    private static TrainerSpec spec(TrainingArguments args, HostTensor labels) {
        return TrainerSpec.builder().args(args).model(TfTrainerTestSupport.mlp(FEATURES, 8, 0))
                .trainDataset(Dataset.ofColumns(Map.of("features", HostTensor.ofFloats(features(), ROWS, FEATURES),
                        "labels", labels)))
                .build();
    }

    @Test
    void int64LabelsTrainExactlyAsInt32Labels() {
        int[] ints = labels();
        long[] longs = new long[ints.length];
        for (int i = 0; i < ints.length; i++) {
            longs[i] = ints[i];
        }
        TrainOutput fromInts;
        try (TfTrainer trainer = new TfTrainer(spec(args().build(), HostTensor.ofInts(ints, ROWS)))) {
            fromInts = trainer.train();
        }
        try (TfTrainer trainer = new TfTrainer(spec(args().build(), HostTensor.ofLongs(longs, ROWS)))) {
            TrainOutput fromLongs = trainer.train();
            assertThat(fromLongs.trainingLoss()).isEqualTo(fromInts.trainingLoss());
        }
        longs[5] = 1L << 40;
        try (TfTrainer trainer = new TfTrainer(spec(args().build(), HostTensor.ofLongs(longs, ROWS)))) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("batch 1 of the epoch")
                    .hasMessageContaining("column 'labels' of row 1 of the batch (0-based) is 1099511627776");
        }
    }

    @Test
    void anOutOfRangeLabelStopsTrainingOnTheHost() {
        int[] y = labels();
        y[6] = 5;
        try (TfTrainer trainer = new TfTrainer(spec(args().build(), HostTensor.ofInts(y, ROWS)))) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("batch 1 of the epoch")
                    .hasMessageContaining("label 'labels' of row 2 of the batch (0-based) is 5; expected a class index"
                            + " in [0, 3)");
            assertThat(trainer.state().globalStep()).isEqualTo(1);
        }
    }

    /** A trainer whose batches skip the host checks, as a custom collator's labels made after them would. */
    private static final class UncheckedTrainer extends TfTrainer {
        UncheckedTrainer(TrainerSpec spec) {
            super(spec);
        }

        @Override
        protected Batch prepareBatch(Batch batch, boolean training) {
            return batch;
        }
    }

    @Test
    void anOutOfRangeLabelTheHostDoesNotSeeFailsTheStepInTheGraph() {
        int[] y = labels();
        y[6] = 5;
        try (TfTrainer trainer = new UncheckedTrainer(spec(args().build(), HostTensor.ofInts(y, ROWS)))) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("a label is out of range: expected a class index in [0, C) or -100 (ignored)")
                    .hasMessageContaining("are] [3] [")
                    .hasMessageContaining("[5]");
        }
    }

    /** HF's tutorial loss with the sparse op, which has no gradient in TensorFlow Java 1.1.0. */
    private static final class SparseLossTrainer extends TfTrainer {
        SparseLossTrainer(TrainerSpec spec) {
            super(spec);
        }

        @Override
        @SuppressWarnings("unchecked")
        public ModelOutput<Operand<?>> computeLoss(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
            Operand<TFloat32> logits = (Operand<TFloat32>) outputs.get("logits");
            Operand<TInt32> labels = (Operand<TInt32>) inputs.get("labels");
            Operand<TFloat32> losses = tf.nn.sparseSoftmaxCrossEntropyWithLogits(logits, labels).loss();
            return outputs.withLoss(tf.sum(losses, tf.constant(0)),
                    tf.dtypes.cast(tf.size(labels), TFloat32.class));
        }
    }

    @Test
    void aLossOpWithoutAGradientIsABackendErrorNamingTheModelAndTheSupportedLoss() {
        try (TfTrainer trainer = new SparseLossTrainer(spec(args().build(), HostTensor.ofInts(labels(), ROWS)))) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("building the graph of model 'mlp-classifier' failed")
                    .hasMessageContaining("SparseSoftmaxCrossEntropyWithLogits")
                    .hasMessageContaining("registered gradient")
                    .hasMessageContaining("CrossEntropyLoss");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void towersAreBoundedByTheBatchAndRefusedBeyondTheLimit() {
        assertThatThrownBy(() -> args().trainTowers(1000).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("train-towers: 1000 is not allowed; expected an integer between 0 and 256 (0: chosen by"
                        + " the step's cost, 1: no split; each tower is a copy of the model's training graph)");
        try (TfTrainer trainer = new TfTrainer(spec(args().trainTowers(200).build(), HostTensor.ofInts(labels(), ROWS)))) {
            assertThat(trainer.train().globalStep()).isEqualTo(4);
        }
    }
}
