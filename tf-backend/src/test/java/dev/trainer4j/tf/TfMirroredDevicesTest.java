package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.DeviceTestSupport.Digits;
import dev.trainer4j.tf.DeviceTestSupport.Run;
import dev.trainer4j.tf.models.MlpClassifier;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.trainer4j.tf.DeviceTestSupport.args;
import static dev.trainer4j.tf.DeviceTestSupport.digits;
import static dev.trainer4j.tf.DeviceTestSupport.digitsMlp;
import static dev.trainer4j.tf.DeviceTestSupport.maxAbsoluteDifference;
import static dev.trainer4j.tf.DeviceTestSupport.maxRelativeDifference;
import static dev.trainer4j.tf.DeviceTestSupport.textBatch;
import static dev.trainer4j.tf.DeviceTestSupport.textModel;
import static dev.trainer4j.tf.DeviceTestSupport.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code strategy = mirrored} over 2 and 4 logical CPU devices ({@code ConfigProto.device_count}) against one device
 * at the same global batch: the replicas' gradients are summed and the loss is divided by the global item count, so
 * the runs agree up to the float summation order of the batch reductions.
 */
class TfMirroredDevicesTest {
    private static final int GLOBAL_BATCH = 32;
    private static final Digits TRAIN = digits("train-640.jsonl");

    private static List<Batch> digitBatches() {
        List<Batch> batches = new ArrayList<>();
        for (int step = 0; step < 20; step++) {
            batches.add(TRAIN.batch(step * GLOBAL_BATCH, (step + 1) * GLOBAL_BATCH));
        }
        return batches;
    }

    @Test
    void sgdWeightsAfterTwentyStepsOnTwoAndFourDevicesEqualOneDevicesAndRepeatBitForBit() {
        List<Batch> batches = digitBatches();
        Run one = train(digitsMlp(), args("sgd", 0.1, 1, GLOBAL_BATCH).build(), batches);
        Run two = train(digitsMlp(), args("sgd", 0.1, 2, GLOBAL_BATCH).build(), batches);
        Run twoAgain = train(digitsMlp(), args("sgd", 0.1, 2, GLOBAL_BATCH).build(), batches);
        Run four = train(digitsMlp(), args("sgd", 0.1, 4, GLOBAL_BATCH).build(), batches);

        // the weights moved far from where the first step left them (lr 0.1, 20 steps)
        assertThat(maxAbsoluteDifference(one.weights(), train(digitsMlp(), args("sgd", 0.1, 1, GLOBAL_BATCH).build(),
                batches.subList(0, 1)).weights())).isGreaterThan(1e-2);
        assertThat(maxAbsoluteDifference(one.weights(), two.weights())).isLessThanOrEqualTo(1e-5);
        assertThat(maxAbsoluteDifference(one.weights(), four.weights())).isLessThanOrEqualTo(1e-5);
        assertThat(maxAbsoluteDifference(two.weights(), twoAgain.weights())).isZero();
        assertThat(two.losses()).isEqualTo(twoAgain.losses());
    }

    @Test
    void adamWLossesOfTwentyStepsOnTwoAndFourDevicesEqualOneDevicesWithinOneInTenThousand() {
        List<Batch> batches = digitBatches();
        Run one = train(digitsMlp(), args("adamw", 1e-3, 1, GLOBAL_BATCH).weightDecay(0.01).build(), batches);
        Run two = train(digitsMlp(), args("adamw", 1e-3, 2, GLOBAL_BATCH).weightDecay(0.01).build(), batches);
        Run four = train(digitsMlp(), args("adamw", 1e-3, 4, GLOBAL_BATCH).weightDecay(0.01).build(), batches);
        Run fourAgain = train(digitsMlp(), args("adamw", 1e-3, 4, GLOBAL_BATCH).weightDecay(0.01).build(), batches);

        // the loss moves (2.32 at step 0, 2.17-2.29 over the last ten steps of one device's run)
        assertThat(one.losses().subList(10, 20)).allSatisfy(loss -> assertThat(loss).isLessThan(one.losses().get(0)));
        assertThat(maxRelativeDifference(one.losses(), two.losses())).isLessThanOrEqualTo(1e-4);
        assertThat(maxRelativeDifference(one.losses(), four.losses())).isLessThanOrEqualTo(1e-4);
        assertThat(four.losses()).isEqualTo(fourAgain.losses());
    }

    /** The text model with padding and -100 labels: the replicas' row slices hold unequal numbers of items. */
    @Test
    void unequalItemCountsPerReplicaTrainAsOneDevice() {
        List<Batch> batches = new ArrayList<>();
        for (int step = 0; step < 20; step++) {
            batches.add(textBatch(GLOBAL_BATCH / 2 + step % 3, step));
        }
        Run one = train(textModel(), args("sgd", 0.1, 1, 16).build(), batches);
        Run two = train(textModel(), args("sgd", 0.1, 2, 16).build(), batches);
        Run four = train(textModel(), args("sgd", 0.1, 4, 16).build(), batches);

        assertThat(maxAbsoluteDifference(one.weights(), two.weights())).isLessThanOrEqualTo(1e-5);
        assertThat(maxAbsoluteDifference(one.weights(), four.weights())).isLessThanOrEqualTo(1e-5);
        assertThat(maxRelativeDifference(one.losses(), four.losses())).isLessThanOrEqualTo(1e-5);
    }

    @Test
    void aLastBatchWithFewerRowsThanReplicasTrainsAsOneDevice() {
        List<Batch> batches = List.of(TRAIN.batch(0, 32), TRAIN.batch(32, 35));
        Run one = train(digitsMlp(), args("sgd", 0.1, 1, GLOBAL_BATCH).build(), batches);
        Run four = train(digitsMlp(), args("sgd", 0.1, 4, GLOBAL_BATCH).build(), batches);

        assertThat(maxAbsoluteDifference(one.weights(), four.weights())).isLessThanOrEqualTo(1e-6);
        assertThat(four.losses().get(1)).isCloseTo(one.losses().get(1), org.assertj.core.data.Percentage.withPercentage(1e-3));
    }

    @Test
    void everyTowersForwardAndGradientOpsRunOnItsDevice() {
        try (TfTrainingEngine engine = new TfBackend().compile(digitsMlp(), args("sgd", 0.1, 2, GLOBAL_BATCH).build(),
                DeviceTestSupport.OPTIONS)) {
            assertThat(engine.sessionDevices()).contains("/job:localhost/replica:0/task:0/device:CPU:0",
                    "/job:localhost/replica:0/task:0/device:CPU:1");
            assertThat(engine.devices().devices()).containsExactly("/device:CPU:0", "/device:CPU:1");
            Map<String, String> placement = engine.traceStepPlacement(TRAIN.batch(0, 32), new StepContext(0, 0, 1, 0.1, 11));
            for (int replica = 0; replica < 2; replica++) {
                String device = "/job:localhost/replica:0/task:0/device:CPU:" + replica;
                DeviceTestSupport.assertReplicaOpsOn(placement, replica, device);
            }
        }
    }

    @Test
    void evaluationAndPredictionAreSplitOverTheReplicasAndEqualOneDevices() {
        Digits validation = digits("validation.jsonl");
        Batch batch = validation.batch(0, 37);
        EvalBatchOutput one;
        EvalBatchOutput two;
        try (TfTrainingEngine engine = new TfBackend().compile(digitsMlp(), args("sgd", 0.1, 1, 32).build(),
                DeviceTestSupport.OPTIONS)) {
            one = engine.evaluate(batch, true);
        }
        try (TfTrainingEngine engine = new TfBackend().compile(digitsMlp(), args("sgd", 0.1, 2, 32).build(),
                DeviceTestSupport.OPTIONS)) {
            two = engine.evaluate(batch, true);
            Map<String, String> ops = new java.util.HashMap<>();
            engine.graph().operations().forEachRemaining(op -> ops.put(op.name(), op.device()));
            assertThat(ops).as("the prediction pass is built when first used").doesNotContainKey(
                    "replica_1/forward_predict/mlp/dense_0/BiasAdd");
            engine.evaluate(new Batch(Map.of(MlpClassifier.FEATURES, batch.get(MlpClassifier.FEATURES))), true);
            engine.graph().operations().forEachRemaining(op -> ops.put(op.name(), op.device()));
            assertThat(ops).containsKey("replica_1/forward_eval/mlp/dense_0/BiasAdd");
            assertThat(ops.get("replica_1/forward_eval/mlp/dense_0/BiasAdd")).isEqualTo("/device:CPU:1");
            assertThat(ops.get("replica_1/forward_predict/mlp/dense_0/BiasAdd")).isEqualTo("/device:CPU:1");
        }
        assertThat(two.itemCount()).isEqualTo(37);
        assertThat(two.lossSum()).isCloseTo(one.lossSum(), org.assertj.core.data.Offset.offset(1e-4 * one.lossSum()));
        float[] expected = one.predictions().get("logits").floats();
        float[] actual = two.predictions().get("logits").floats();
        assertThat(two.predictions().get("logits").shape()).containsExactly(37, 10);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
        }
    }

    @Test
    void aDeviceThatDoesNotExistIsOneClearErrorBeforeTraining() {
        TrainingArguments gpu = args("sgd", 0.1, 1, 32).devices("/device:GPU:0").build();
        assertThatThrownBy(() -> new TfBackend().compile(digitsMlp(), gpu, DeviceTestSupport.OPTIONS).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("devices")
                .hasMessageContaining("device '/device:GPU:0' does not exist in this session")
                .hasMessageContaining("/job:localhost/replica:0/task:0/device:CPU:0");
        TrainingArguments seventh = args("sgd", 0.1, 1, 32).devices("/device:CPU:0,/device:CPU:7").build();
        assertThatThrownBy(() -> new TfBackend().compile(digitsMlp(), seventh, DeviceTestSupport.OPTIONS).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("device '/device:CPU:7' does not exist");
        assertThatThrownBy(() -> args("sgd", 0.1, 1, 32).devices("cpu0").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("a count > 0, auto, or a list of device names");
    }

    @Test
    void namedDevicesAreUsedInTheirOrder() {
        List<Batch> batches = digitBatches().subList(0, 3);
        Run byCount = train(digitsMlp(), args("sgd", 0.1, 2, GLOBAL_BATCH).build(), batches);
        Run byName = train(digitsMlp(), args("sgd", 0.1, 2, GLOBAL_BATCH).devices("/device:CPU:0, /device:CPU:1").build(),
                batches, engine -> assertThat(engine.devices().devices()).containsExactly("/device:CPU:0", "/device:CPU:1"));
        assertThat(maxAbsoluteDifference(byCount.weights(), byName.weights())).isZero();
    }
}
