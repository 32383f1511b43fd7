package dev.trainer4j.bench.cluster;

import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.cluster.ClusterSpecs;
import dev.trainer4j.tf.cluster.TfCluster;
import dev.trainer4j.tf.cluster.TfClusterServer;

/** Worker 1 of {@link MultiWorkerBench}: serves the task {@code TF_CONFIG} names until the chief has gone. */
public final class ServeWorkerMain {
    static final String READY = "trainer4j-bench-worker-ready";

    private ServeWorkerMain() {
    }

    public static void main(String[] arguments) {
        ClusterSpec spec = ClusterSpecs.fromTfConfig(System.getenv(ClusterSpecs.TF_CONFIG));
        TrainingArguments args = TrainingArguments.builder().outputDir("unused")
                .intraOpThreads(Integer.getInteger("threads", 1)).build();
        TfClusterServer.start(spec, TfCluster.serverConfig(args));
        System.out.println(READY);
        System.out.flush();
        TfCluster.serve(spec, args);
        System.exit(0);
    }
}
