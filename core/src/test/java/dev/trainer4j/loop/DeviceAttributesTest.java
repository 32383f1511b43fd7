package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.DeviceStrategy;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** HF's trainer attributes is_in_train, is_model_parallel, place_model_on_device and model_wrapped. */
class DeviceAttributesTest {
    @TempDir
    Path dir;

    private DefaultTrainer trainer(TrainingArguments args, Callback... callbacks) {
        TrainerSpec.Builder spec = TrainerSpec.builder().args(args).model(new FakeModel(2))
                .trainDataset(FakeData.regression(4, 2, 1));
        for (Callback callback : callbacks) {
            spec.addCallback(callback);
        }
        return new DefaultTrainer(spec.build(), new FakeBackend());
    }

    @Test
    void isInTrainOnlyWhileTrainRunsAndModelWrappedIsTheCompiledEngine() {
        List<Boolean> seenInSteps = new ArrayList<>();
        List<DefaultTrainer> holder = new ArrayList<>();
        Callback probe = new Callback() {
            @Override
            public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                seenInSteps.add(holder.get(0).isInTrain());
            }
        };
        try (DefaultTrainer trainer = trainer(LoopFixtures.args(dir).build(), probe)) {
            holder.add(trainer);
            assertThat(trainer.isInTrain()).isFalse();
            assertThat(trainer.modelWrapped()).isEmpty();
            trainer.train();
            assertThat(seenInSteps).hasSize(4).containsOnly(true);
            assertThat(trainer.isInTrain()).isFalse();
            assertThat(trainer.modelWrapped()).isPresent();
        }
    }

    @Test
    void aModelSplitOverTwoDevicesIsModelParallelAndNotPlacedByTheTrainer() {
        try (DefaultTrainer mirrored = trainer(LoopFixtures.args(dir).build())) {
            assertThat(mirrored.isModelParallel()).isFalse();
            assertThat(mirrored.placeModelOnDevice()).isTrue();
        }
        TrainingArguments split = LoopFixtures.args(dir).set(TrainingArguments.STRATEGY, DeviceStrategy.MODEL_PARALLEL)
                .set(TrainingArguments.DEVICE_MAP, Map.of("a/*", "/device:CPU:0", "*", "/device:CPU:1")).build();
        try (DefaultTrainer parallel = trainer(split)) {
            assertThat(parallel.isModelParallel()).isTrue();
            assertThat(parallel.placeModelOnDevice()).isFalse();
        }
        TrainingArguments oneDevice = LoopFixtures.args(dir).set(TrainingArguments.STRATEGY, DeviceStrategy.MODEL_PARALLEL)
                .set(TrainingArguments.DEVICE_MAP, Map.of("*", "/device:CPU:0")).build();
        try (DefaultTrainer single = trainer(oneDevice)) {
            assertThat(single.isModelParallel()).isFalse();
        }
    }

    @Test
    void aResumeOntoAnotherDeviceMapSaysSoInOneLineAndTheSameMapSaysNothing() {
        Map<String, String> saved = Map.of("a/kernel", "/device:CPU:0", "b/kernel", "/device:CPU:1");
        Map<String, String> swapped = Map.of("a/kernel", "/device:CPU:1", "b/kernel", "/device:CPU:1");
        Path checkpoint = dir.resolve("checkpoint-5");

        assertThat(TrainingLoop.deviceMapChange(checkpoint, saved, Map.copyOf(saved))).isEmpty();
        assertThat(TrainingLoop.deviceMapChange(checkpoint, saved, swapped)).hasValueSatisfying(line -> assertThat(line)
                .startsWith("checkpoint " + checkpoint + " was written with the device map " + saved)
                .contains("this run places the model by " + swapped).doesNotContain("\n"));
        assertThat(TrainingLoop.deviceMapChange(checkpoint, Map.of(), swapped)).hasValueSatisfying(line -> assertThat(line)
                .contains("device map {} (not model parallel)"));
    }

    @Test
    void theDeviceMapIsPartOfTheTrainerStateJson() {
        TrainerState state = new TrainerState();
        assertThat(state.toMap()).containsEntry("device_map", Map.of());
        state.setDeviceMap(Map.of("a/kernel", "/device:CPU:0"));

        TrainerState read = TrainerState.fromMap(state.toMap());

        assertThat(read.deviceMap()).isEqualTo(Map.of("a/kernel", "/device:CPU:0"));
        assertThat(TrainerState.fromMap(Map.of()).deviceMap()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainerState.fromMap(Map.of("device_map", Map.of("a", 3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trainer_state.json: device_map.a is 3; expected a device name");
    }
}
