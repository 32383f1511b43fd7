package dev.trainer4j.loop;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Label values checked on the host before a step: a class index outside [0, C) (other than -100) stops the run
 * naming the batch, the row, the value and the range; INT64 columns feed an INT32 input when every value fits.
 */
class LabelValuesTest {
    @TempDir
    Path dir;

    private static final float[] FEATURES = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f};

    private TrainOutput train(HostTensor labels) {
        return train(labels, null);
    }

    private TrainOutput train(HostTensor labels, Dataset evalDataset) {
        TrainerSpec.Builder spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).evalStrategy(evalDataset == null ? IntervalStrategy.NO : IntervalStrategy.EPOCH)
                        .build())
                .model(new FakeModel(2, 2))
                .trainDataset(Dataset.ofColumns(Map.of(FakeModel.FEATURES, HostTensor.ofFloats(FEATURES, 4, 2),
                        FakeModel.LABELS, labels)));
        if (evalDataset != null) {
            spec.evalDataset(evalDataset);
        }
        try (DefaultTrainer trainer = new DefaultTrainer(spec.build(), new FakeBackend())) {
            return trainer.train();
        }
    }

    @Test
    void aLabelOutsideTheClassesStopsTrainingNamingBatchRowValueAndRange() {
        assertThatThrownBy(() -> train(HostTensor.ofInts(new int[] {0, 1, 1, 5}, 4)))
                .isInstanceOf(DataException.class)
                .hasMessage("the train dataset, epoch 0, batch 1 of the epoch (both 0-based), global step 2: label"
                        + " 'labels' of row 1 of the batch (0-based) is 5; expected a class index in [0, 2) (2 classes)"
                        + " or -100 (ignored)");
        assertThatThrownBy(() -> train(HostTensor.ofInts(new int[] {-1, 1, 1, 0}, 4)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("row 0 of the batch (0-based) is -1; expected a class index in [0, 2)");
    }

    @Test
    void theIgnoreIndexIsNotOutOfRange() {
        assertThat(train(HostTensor.ofInts(new int[] {0, -100, 1, 0}, 4)).globalStep()).isEqualTo(4);
    }

    @Test
    void aBadLabelInAnEvalSetIsNamedBeforeTheFirstStep() {
        Dataset eval = Dataset.ofColumns(Map.of(FakeModel.FEATURES, HostTensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2),
                FakeModel.LABELS, HostTensor.ofInts(new int[] {0, 2}, 2)));
        assertThatThrownBy(() -> train(HostTensor.ofInts(new int[] {0, 1, 1, 0}, 4), eval))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("the eval dataset: its first 2 rows do not make a batch for model 'linear-class-index':"
                        + " label 'labels' of row 1 of the batch (0-based) is 2; expected a class index in [0, 2)");
    }

    @Test
    void int64LabelsTrainAsTheSameInt32Labels() {
        TrainOutput fromInts = train(HostTensor.ofInts(new int[] {0, 1, 1, 0}, 4));
        TrainOutput fromLongs = train(HostTensor.ofLongs(new long[] {0, 1, 1, 0}, 4));
        assertThat(fromLongs.trainingLoss()).isEqualTo(fromInts.trainingLoss());
        assertThat(fromLongs.globalStep()).isEqualTo(fromInts.globalStep());
    }

    @Test
    void anInt64ValueBeyondInt32IsRefusedNamingTheColumn() {
        assertThatThrownBy(() -> train(HostTensor.ofLongs(new long[] {0, 1L << 40, 1, 0}, 4)))
                .isInstanceOf(DataException.class)
                .hasMessage("the train dataset, epoch 0, batch 0 of the epoch (both 0-based), global step 1: column"
                        + " 'labels' of row 1 of the batch (0-based) is 1099511627776, which does not fit the INT32 the"
                        + " model expects (between -2147483648 and 2147483647)");
    }
}
