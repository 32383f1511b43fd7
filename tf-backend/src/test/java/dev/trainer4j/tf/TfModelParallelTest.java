package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DeviceStrategy;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.DeviceTestSupport.Digits;
import dev.trainer4j.tf.DeviceTestSupport.Run;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.trainer4j.tf.DeviceTestSupport.args;
import static dev.trainer4j.tf.DeviceTestSupport.digits;
import static dev.trainer4j.tf.DeviceTestSupport.digitsMlp;
import static dev.trainer4j.tf.DeviceTestSupport.maxRelativeDifference;
import static dev.trainer4j.tf.DeviceTestSupport.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code strategy = model-parallel}: the MLP's first layer on one logical CPU device, the classifier on another. */
class TfModelParallelTest {
    private static final Digits TRAIN = digits("train-640.jsonl");
    private static final Map<String, Object> SPLIT = Map.of("mlp/dense_0/*", "/device:CPU:0", "mlp/classifier/*",
            "/device:CPU:1", "*", "/device:CPU:1");

    private static TrainingArguments.Builder parallel(Map<String, Object> deviceMap) {
        return args("sgd", 0.1, 1, 32).set(TrainingArguments.STRATEGY, DeviceStrategy.MODEL_PARALLEL)
                .set(TrainingArguments.DEVICE_MAP, deviceMap);
    }

    @Test
    void lossesOverTwoDevicesEqualOneDevicesAndEachPartIsOnItsDevice() {
        List<Batch> batches = new ArrayList<>();
        for (int step = 0; step < 20; step++) {
            batches.add(TRAIN.batch(step * 32, (step + 1) * 32));
        }
        Run one = train(digitsMlp(), args("sgd", 0.1, 1, 32).build(), batches);
        Run split = train(digitsMlp(), parallel(SPLIT).build(), batches, engine -> {
            Map<String, String> devices = new HashMap<>();
            engine.graph().operations().forEachRemaining(op -> devices.put(op.name(), ((GraphOperation) op).device()));
            assertThat(devices.get("mlp/dense_0/kernel")).isEqualTo("/device:CPU:0");
            assertThat(devices.get("mlp/classifier/kernel")).isEqualTo("/device:CPU:1");
            assertThat(devices.get("replica_0/forward_train/mlp/dense_0/MatMul")).isEqualTo("/device:CPU:0");
            assertThat(devices.get("replica_0/forward_train/mlp/classifier/MatMul")).isEqualTo("/device:CPU:1");
            Map<String, String> placement = engine.traceStepPlacement(TRAIN.batch(0, 32), new StepContext(0, 0, 1, 0, 11));
            // what ran (grappler may fuse MatMul and BiasAdd under one name): each layer's forward ops and the
            // gradient ops that differentiate them (named <prefix>/<forward op>_grad) on the layer's device
            for (String layer : List.of("dense_0", "classifier")) {
                String device = layer.equals("dense_0") ? "/device:CPU:0" : "/device:CPU:1";
                for (String part : List.of("replica_0/forward_train/mlp/" + layer + "/",
                        "trainer4j_gradients/replica_0/forward_train/mlp/" + layer + "/")) {
                    List<String> ran = placement.keySet().stream().filter(name -> name.startsWith(part)).toList();
                    assertThat(ran).as("ops of %s that ran", part).hasSizeGreaterThanOrEqualTo(2);
                    assertThat(ran).allSatisfy(name -> assertThat(placement.get(name)).as(name).endsWith(device));
                }
            }
            // the rest of the model ("*": the loss) and its gradients on /device:CPU:1, none left to TensorFlow
            List<String> rest = placement.keySet().stream()
                    .filter(name -> name.startsWith("replica_0/forward_train/mlp/")
                            || name.startsWith("trainer4j_gradients/replica_0/forward_train/mlp/"))
                    .filter(name -> !name.contains("/mlp/dense_0/")).toList();
            assertThat(rest).as("other model ops and their gradients").hasSizeGreaterThan(5)
                    .allSatisfy(name -> assertThat(placement.get(name)).as(name).endsWith("/device:CPU:1"));
        });

        assertThat(maxRelativeDifference(one.losses(), split.losses())).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void theTextTransformerSplitOverTwoDevicesTrainsAsOnOneDevice() {
        List<Batch> batches = new ArrayList<>();
        for (int step = 0; step < 10; step++) {
            batches.add(DeviceTestSupport.textBatch(24, step));
        }
        TrainingArguments.Builder one = args("sgd", 0.1, 1, 24);
        Run whole = train(DeviceTestSupport.textModel(), one.build(), batches);
        Run split = train(DeviceTestSupport.textModel(), one.set(TrainingArguments.STRATEGY, DeviceStrategy.MODEL_PARALLEL)
                .set(TrainingArguments.DEVICE_MAP, Map.of("embeddings/*", "/device:CPU:0", "*", "/device:CPU:1")).build(),
                batches, engine -> assertThat(engine.deviceMap()).containsEntry("embeddings/word/embeddings", "/device:CPU:0")
                        .containsValue("/device:CPU:1"));

        // attention, layer norms and the embedding gather differentiated op by op: the same losses
        assertThat(maxRelativeDifference(whole.losses(), split.losses())).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void aLayerLeftUnplacedOrADeviceThatDoesNotExistIsOneClearError() {
        TrainingArguments unplaced = parallel(Map.of("mlp/dense_0/*", "/device:CPU:0", "mlp/dense_9/*", "/device:CPU:1"))
                .build();
        assertThatThrownBy(() -> new TfBackend().compile(digitsMlp(), unplaced, DeviceTestSupport.OPTIONS).close())
                .isInstanceOf(ConfigurationException.class)
                .hasFieldOrPropertyWithValue("key", "device-map")
                .hasMessageContaining("leaves variable 'mlp/classifier/kernel' unplaced");
        TrainingArguments missing = parallel(Map.of("mlp/dense_0/*", "/device:CPU:0", "*", "/device:GPU:3")).build();
        assertThatThrownBy(() -> new TfBackend().compile(digitsMlp(), missing, DeviceTestSupport.OPTIONS).close())
                .isInstanceOf(ConfigurationException.class)
                .hasFieldOrPropertyWithValue("key", "device-map")
                .hasMessageContaining("device '/device:GPU:3' does not exist in this session");
        assertThatThrownBy(() -> parallel(Map.of()).build()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("strategy = model-parallel needs a device-map");
    }

    private static TrainingArguments.Builder trainerArgs(java.nio.file.Path output, Map<String, Object> deviceMap) {
        return TrainingArguments.builder().outputDir(output.toString()).seed(5).maxSteps(4).perDeviceTrainBatchSize(32)
                .optim(dev.trainer4j.api.OptimizerType.SGD).learningRate(0.1).intraOpThreads(1)
                .set(TrainingArguments.STRATEGY, DeviceStrategy.MODEL_PARALLEL).set(TrainingArguments.DEVICE_MAP, deviceMap);
    }

    private static dev.trainer4j.api.MapDataset digitsDataset() {
        List<dev.trainer4j.api.Example> examples = new ArrayList<>();
        for (int row = 0; row < 128; row++) {
            examples.add(TfTrainerTestSupport.example(TRAIN.features()[row], TRAIN.labels()[row]));
        }
        return TfTrainerTestSupport.dataset(examples);
    }

    @Test
    void theTrainerStateHoldsTheResolvedDeviceMapAndAResumeOntoAnotherMapSaysSoInOneLine(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path directory) {
        dev.trainer4j.api.MapDataset data = digitsDataset();
        java.nio.file.Path output = directory.resolve("run");
        Map<String, String> split = Map.of("mlp/dense_0/bias", "/device:CPU:0", "mlp/dense_0/kernel", "/device:CPU:0",
                "mlp/classifier/bias", "/device:CPU:1", "mlp/classifier/kernel", "/device:CPU:1");
        try (TfTrainer trainer = new TfTrainer(dev.trainer4j.api.TrainerSpec.builder()
                .args(trainerArgs(output, SPLIT).saveStrategy(dev.trainer4j.api.SaveStrategy.STEPS).saveSteps(2).build())
                .model(digitsMlp()).trainDataset(data).build())) {
            trainer.train();
            assertThat(trainer.isModelParallel()).isTrue();
            assertThat(trainer.placeModelOnDevice()).isFalse();
            assertThat(trainer.state().deviceMap()).isEqualTo(split);
        }
        java.nio.file.Path checkpoint = output.resolve("checkpoint-2");
        assertThat(dev.trainer4j.loop.Checkpoints.readTrainerState(checkpoint.resolve("trainer_state.json")).deviceMap())
                .as("device_map of the checkpoint's trainer_state.json").isEqualTo(split);

        // resumed with the layers on the other devices: one line says so, and the state holds the new placement
        Map<String, Object> swapped = Map.of("mlp/dense_0/*", "/device:CPU:1", "*", "/device:CPU:0");
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try (TfTrainer trainer = new TfTrainer(dev.trainer4j.api.TrainerSpec.builder()
                .args(trainerArgs(output, swapped).saveStrategy(dev.trainer4j.api.SaveStrategy.NO).overwriteOutputDir(true)
                        .build())
                .model(digitsMlp()).trainDataset(data).build())) {
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            trainer.train(checkpoint.toString());
            System.setErr(err);
            assertThat(trainer.state().deviceMap()).isEqualTo(Map.of("mlp/dense_0/bias", "/device:CPU:1",
                    "mlp/dense_0/kernel", "/device:CPU:1", "mlp/classifier/bias", "/device:CPU:0",
                    "mlp/classifier/kernel", "/device:CPU:0"));
        }
        finally {
            System.setErr(err);
        }
        List<String> lines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("was written with the device map")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("checkpoint " + checkpoint).contains("mlp/dense_0/kernel=/device:CPU:0")
                .contains("this run places the model by {mlp/classifier/bias=/device:CPU:0");
    }
}
