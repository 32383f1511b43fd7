package dev.trainer4j.loop;

import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.SaveStrategy;
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
import static org.assertj.core.api.Assertions.within;

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

    /**
     * A run of 2 workers (per-device batch 2, global batch 4) saved at step 2 resumes in one process with per-device
     * batch 4 (the same global batch): it continues at sample 8 and ends where the 2-worker run ended.
     */
    @Test
    void aRunSavedByTwoWorkersResumesInOneProcessAtTheSameGlobalBatch() {
        FakeBackend twoWorkers = new FakeBackend(EnumSet.allOf(BackendCapability.class));
        Path twoDir = dir.resolve("two");
        TrainerSpec two = TrainerSpec.builder().args(LoopFixtures.args(twoDir).perDeviceTrainBatchSize(2).maxSteps(4)
                        .saveStrategy(SaveStrategy.STEPS).saveSteps(2).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(24, 2, 1))
                .cluster(new ClusterSpec(WORKERS.subList(0, 2), 0, ClusterSpec.TF_CONFIG)).build();
        try (Trainer trainer = new DefaultTrainer(two, twoWorkers)) {
            trainer.train();
        }
        Path checkpoint = twoDir.resolve(Checkpoints.name(2));
        var loop = Checkpoints.readJson(checkpoint.resolve(Checkpoints.LOOP_STATE));
        assertThat(loop.get("world_size")).isEqualTo(2);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> position = (java.util.Map<String, Object>) loop.get("data_position");
        assertThat(position).containsEntry("replicas", 2).containsEntry("global_batch", 4)
                .containsEntry("samples_in_epoch", 8);

        FakeBackend oneProcess = new FakeBackend(EnumSet.allOf(BackendCapability.class));
        TrainerSpec one = TrainerSpec.builder().args(LoopFixtures.args(dir.resolve("one")).perDeviceTrainBatchSize(4)
                        .maxSteps(4).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(24, 2, 1)).build();
        try (Trainer trainer = new DefaultTrainer(one, oneProcess)) {
            trainer.train(checkpoint.toString());

            assertThat(trainer.state().globalStep()).isEqualTo(4);
        }
        assertThat(oneProcess.lastEngine().parameters())
                .containsExactly(twoWorkers.lastEngine().parameters(), within(1e-12));
    }
}
