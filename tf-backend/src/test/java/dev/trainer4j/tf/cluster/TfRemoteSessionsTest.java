package dev.trainer4j.tf.cluster;

import dev.trainer4j.api.ClusterSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Two worker JVMs on loopback; this JVM is a client whose sessions target worker 0's server. */
class TfRemoteSessionsTest {
    private static WorkerProcesses workers;

    @BeforeAll
    static void startWorkers() throws Exception {
        workers = WorkerProcesses.start(2);
    }

    @AfterAll
    static void stopWorkers() throws Exception {
        workers.close();
    }

    @Test
    void aSessionOnTheChiefRunsOpsPlacedOnTheOtherWorker() {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Ops chief = tf.withDevice(org.tensorflow.DeviceSpec.newBuilder().job("worker").task(0).deviceType(
                    org.tensorflow.DeviceSpec.DeviceType.CPU).deviceIndex(0).build());
            Ops other = tf.withDevice(org.tensorflow.DeviceSpec.newBuilder().job("worker").task(1).deviceType(
                    org.tensorflow.DeviceSpec.DeviceType.CPU).deviceIndex(0).build());
            var x = chief.constant(new float[] {1, 2, 3});
            var tenfold = other.math.mul(x, other.constant(10f));
            var sum = chief.math.add(x, tenfold);
            try (Session session = TfRemoteSessions.open(graph, "grpc://" + workers.addresses.get(0), config());
                 TFloat32 result = (TFloat32) session.runner().fetch(sum).run().get(0)) {
                // x + 10 x = 11 x, the product computed by worker 1
                assertThat(new float[] {result.getFloat(0), result.getFloat(1), result.getFloat(2)})
                        .containsExactly(11f, 22f, 33f);
            }
        }
    }

    @Test
    void anUnreachableTargetGivesOneErrorNamingIt() {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            var one = tf.constant(1f);
            assertThatThrownBy(() -> {
                try (Session session = TfRemoteSessions.open(graph, "nonsense://x", config())) {
                    session.runner().fetch(one).run().close();
                }
            }).hasMessageContaining("nonsense://x");
        }
    }

    private static ConfigProto config() {
        return ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1)
                .setOperationTimeoutInMs(30_000).build();
    }
}
