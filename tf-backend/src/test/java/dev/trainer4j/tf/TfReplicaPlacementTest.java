package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Training replicas built on the device {@link TfDevices} gives them, forward and gradient ops alike. */
class TfReplicaPlacementTest {
    private static final String CPU = "/device:CPU:0";
    private static final EngineOptions OPTIONS = new EngineOptions(List.of(), -1);

    private static TfTrainingEngine compile(TfDevices devices) {
        TrainingArguments args = TrainingArguments.builder().outputDir("unused").seed(7).maxSteps(3).learningRate(0.05)
                .perDeviceTrainBatchSize(8).intraOpThreads(1).interOpThreads(2).trainTowers(2).build();
        return new TfBackend(TfTrainerHooks.DEFAULT, devices).compile(new LinearClassifier(4, 3, 0.3, true, true), args,
                OPTIONS);
    }

    /** The ops of one replica's training forward pass and of its gradients. */
    private static List<GraphOperation> replicaOps(TfTrainingEngine engine, int replica) {
        List<GraphOperation> ops = new ArrayList<>();
        Iterator<GraphOperation> all = engine.graph().operations();
        while (all.hasNext()) {
            GraphOperation op = all.next();
            if (op.name().startsWith("replica_" + replica + "/forward_train/")
                    || op.name().startsWith("trainer4j_gradients_replica_" + replica + "/")) {
                ops.add(op);
            }
        }
        return ops;
    }

    @Test
    void everyForwardAndGradientOpOfAReplicaIsOnItsDevice() {
        try (TfTrainingEngine engine = compile(TfDevices.of(CPU))) {
            for (int replica = 0; replica < 2; replica++) {
                List<GraphOperation> ops = replicaOps(engine, replica);
                assertThat(ops).as("replica %d ops", replica).isNotEmpty();
                assertThat(ops.stream().filter(op -> op.name().startsWith("trainer4j_gradients"))).isNotEmpty();
                for (GraphOperation op : ops) {
                    assertThat(op.device()).as("device of %s", op.name()).isEqualTo(CPU);
                }
            }
        }
    }

    @Test
    void theDefaultDeviceLeavesPlacementToTensorFlow() {
        try (TfTrainingEngine engine = compile(TfDevices.DEFAULT)) {
            List<GraphOperation> ops = replicaOps(engine, 1);
            assertThat(ops).isNotEmpty();
            assertThat(ops).allSatisfy(op -> assertThat(op.device()).isEmpty());
        }
    }

    @Test
    void placedGradientsTrainBitForBitLikeUnplacedOnes() {
        assertThat(train(TfDevices.of(CPU))).containsExactlyEntriesOf(train(TfDevices.DEFAULT));
    }

    private static Map<String, List<Float>> train(TfDevices devices) {
        try (TfTrainingEngine engine = compile(devices)) {
            Random random = new Random(3);
            for (int step = 0; step < 3; step++) {
                float[] features = new float[8 * 4];
                int[] labels = new int[8];
                for (int i = 0; i < features.length; i++) {
                    features[i] = (float) random.nextGaussian();
                }
                for (int row = 0; row < labels.length; row++) {
                    labels[row] = random.nextInt(3);
                }
                Map<String, HostTensor> tensors = new LinkedHashMap<>();
                tensors.put(LinearClassifier.FEATURES, HostTensor.ofFloats(features, 8, 4));
                tensors.put(LinearClassifier.LABELS, HostTensor.ofInts(labels, 8));
                assertThat(engine.step(new Batch(tensors), new StepContext(step, 0, 1, 0.05, 7)).finite()).isTrue();
            }
            Map<String, List<Float>> values = new LinkedHashMap<>();
            engine.readVariables().forEach((name, array) -> {
                List<Float> list = new ArrayList<>();
                for (float value : array) {
                    list.add(value);
                }
                values.put(name, list);
            });
            return values;
        }
    }

    @Test
    void replicasTakeTheDevicesInTurnAndDeviceStringsAreChecked() {
        TfDevices two = TfDevices.of("/device:CPU:0", "/job:worker/task:1/device:GPU:1");
        assertThat(two.device(0)).isEqualTo("/device:CPU:0");
        assertThat(two.device(1)).isEqualTo("/job:worker/task:1/device:GPU:1");
        assertThat(two.device(2)).isEqualTo("/device:CPU:0");
        assertThat(two.deviceSpec(1).toString()).isEqualTo("/job:worker/task:1/device:GPU:1");
        assertThat(TfDevices.DEFAULT.device(5)).isEmpty();
        assertThatThrownBy(() -> TfDevices.of("cpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid device 'cpu'");
        assertThatThrownBy(() -> TfDevices.of("/device:CPU")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TfDevices(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
