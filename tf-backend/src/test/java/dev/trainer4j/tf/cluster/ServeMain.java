package dev.trainer4j.tf.cluster;

import dev.trainer4j.cluster.ClusterSpec;
import dev.trainer4j.cluster.ClusterSpecs;
import org.tensorflow.proto.ConfigProto;

/** A worker JVM of the tests: serves the task {@code TF_CONFIG} names until it is killed. */
public final class ServeMain {
    static final String READY = "trainer4j-test-worker-ready";

    private ServeMain() {
    }

    public static void main(String[] args) {
        ClusterSpec spec = ClusterSpecs.fromTfConfig(System.getenv(ClusterSpecs.TF_CONFIG));
        TfClusterServer server = TfClusterServer.start(spec, ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(1).setInterOpParallelismThreads(1).build());
        System.out.println(READY);
        System.out.flush();
        server.join();
    }
}
