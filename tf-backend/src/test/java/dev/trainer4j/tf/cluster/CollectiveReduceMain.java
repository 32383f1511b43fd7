package dev.trainer4j.tf.cluster;

import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.cluster.ClusterSpecs;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A worker JVM of {@link TfCollectivesAcrossWorkersTest}: its own server and its own session, which all-reduces the
 * vector (task + 1, 10 (task + 1)) with the other workers through {@code CollectiveReduceV2} and prints the sum.
 */
public final class CollectiveReduceMain {
    private CollectiveReduceMain() {
    }

    public static void main(String[] args) throws Exception {
        ClusterSpec spec = ClusterSpecs.fromTfConfig(System.getenv("TF_CONFIG"));
        ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1)
                .setExperimental(ConfigProto.Experimental.newBuilder()
                        .setCollectiveGroupLeader("/job:worker/replica:0/task:0"))
                .build();
        TfClusterServer.start(spec, config);
        
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph).withDevice(DeviceSpec.newBuilder().job("worker").replica(0).task(spec.taskIndex())
                    .deviceType(DeviceSpec.DeviceType.CPU).deviceIndex(0).build());
            Operand<TFloat32> input = tf.constant(new float[] {spec.taskIndex() + 1f, 10f * (spec.taskIndex() + 1)});
            var reduced = graph.opBuilder("CollectiveReduceV2", "allreduce", tf.scope())
                    .addInput(input.asOutput())
                    .addInput(tf.constant(spec.size()).asOutput())
                    .addInput(tf.constant(1).asOutput())
                    .addInput(tf.constant(1).asOutput())
                    .addInputList(new org.tensorflow.Output<?>[0])
                    .setAttr("merge_op", "Add").setAttr("final_op", "Id")
                    .setAttr("communication_hint", "ring")
                    .setDevice("/job:worker/replica:0/task:" + spec.taskIndex() + "/device:CPU:0")
                    .build();
            try (Session session = TfRemoteSessions.open(graph, "grpc://" + spec.ownAddress(), config)) {
                try (TFloat32 out = (TFloat32) session.runner().fetch(reduced.output(0)).run().get(0)) {
                    System.out.println("SUM " + out.getFloat(0) + " " + out.getFloat(1));
                }
            }
        }
        System.exit(0);
    }
}
