package dev.trainer4j.loop;

import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A trainer of a multi-worker run: only the chief makes one, and the global batch counts every worker. */
class ClusterTrainerTest {
    private static final List<String> WORKERS = List.of("127.0.0.1:5000", "127.0.0.1:5001", "127.0.0.1:5002");

    @TempDir
    Path dir;

    private TrainerSpec spec(int taskIndex) {
        return TrainerSpec.builder().args(LoopFixtures.args(dir).perDeviceTrainBatchSize(4).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(24, 2, 1))
                .cluster(new ClusterSpec(WORKERS, taskIndex, ClusterSpec.TF_CONFIG)).build();
    }

    @Test
    void theChiefsGlobalBatchIsThePerDeviceBatchTimesTheWorkers() {
        FakeBackend backend = new FakeBackend(EnumSet.allOf(BackendCapability.class));
        try (Trainer trainer = new DefaultTrainer(spec(0), backend)) {
            assertThat(trainer.args().worldSize()).isEqualTo(3);
            assertThat(trainer.args().trainBatchSize()).isEqualTo(12);
            trainer.train();

            assertThat(trainer.state().trainBatchSize()).isEqualTo(12);
            assertThat(trainer.state().isWorldProcessZero()).isTrue();
            // 24 rows in global batches of 12: two steps an epoch
            assertThat(trainer.state().globalStep()).isEqualTo(2L * (long) trainer.args().numTrainEpochs());
        }
    }

    @Test
    void anotherWorkerMakesNoTrainer() {
        FakeBackend backend = new FakeBackend(EnumSet.allOf(BackendCapability.class));

        assertThatThrownBy(() -> new DefaultTrainer(spec(1), backend))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("this process is worker 1 of 3")
                .satisfies(e -> assertThat(((ConfigurationException) e).key()).isEqualTo("TF_CONFIG"));
    }

    @Test
    void aBackendWithoutMultiWorkerTrainingIsRefused() {
        FakeBackend backend = new FakeBackend(EnumSet.of(BackendCapability.TRAINING));

        assertThatThrownBy(() -> new DefaultTrainer(spec(0), backend))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("lacks multi-worker training");
    }
}
