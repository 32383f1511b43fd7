package dev.trainer4j.tf.cluster;

import org.junit.jupiter.api.Test;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class TfWorkerFailureTest {
    @Test
    void aKilledWorkerFailsTheNextRunInsteadOfHanging() throws Exception {
        try (WorkerProcesses workers = WorkerProcesses.start(2); Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Ops other = tf.withDevice(DeviceSpec.newBuilder().job("worker").task(1)
                    .deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build());
            var doubled = other.math.mul(tf.constant(new float[] {1, 2}), other.constant(2f));
            ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(1)
                    .setInterOpParallelismThreads(1).setOperationTimeoutInMs(20_000).build();
            try (Session session = TfRemoteSessions.open(graph, "grpc://" + workers.addresses.get(0), config)) {
                session.runner().fetch(doubled).run().close();
                workers.kill(1);

                assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
                        assertThatThrownBy(() -> session.runner().fetch(doubled).run().close())
                                .hasMessageContaining("task:1"));
            }
        }
    }
}
