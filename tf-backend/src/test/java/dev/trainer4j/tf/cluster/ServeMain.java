package dev.trainer4j.tf.cluster;

import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.cluster.ClusterSpecs;

/**
 * A worker JVM of the tests: serves the task {@code TF_CONFIG} names (with {@code -Ddevices=n} logical CPU devices,
 * one thread per kernel) until the chief has gone or it is killed.
 */
public final class ServeMain {
    static final String READY = "trainer4j-test-worker-ready";

    private ServeMain() {
    }

    public static void main(String[] args) {
        ClusterSpec spec = ClusterSpecs.fromTfConfig(System.getenv(ClusterSpecs.TF_CONFIG));
        TrainingArguments arguments = TrainingArguments.builder().outputDir("unused").intraOpThreads(1)
                .devices(Integer.getInteger("devices", 1)).build();
        TfClusterServer.start(spec, TfCluster.serverConfig(arguments));
        System.out.println(READY);
        System.out.flush();
        if (spec.isChief()) {
            TfClusterServer.running().join();
        }
        else {
            TfCluster.serve(spec, arguments);
        }
    }
}
