package dev.trainer4j.tf.cluster;

import dev.trainer4j.cluster.ClusterSpecs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-worker collectives work through TF Java 1.1.0: two worker JVMs, each with its own server and its own
 * session, all-reduce with {@code CollectiveReduceV2} (group and instance keys, {@code collective_group_leader}). The
 * trainer still exchanges gradients by in-graph replication (see docs/multi-worker.md for why); this test records
 * that the collective path is open.
 */
class TfCollectivesAcrossWorkersTest {
    @Test
    void twoWorkersAllReduceTheirVectors() throws Exception {
        List<String> addresses = WorkerProcesses.loopbackAddresses(2);
        List<Process> workers = new ArrayList<>();
        try {
            for (int task = 0; task < 2; task++) {
                ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                        CollectiveReduceMain.class.getName());
                builder.environment().put(ClusterSpecs.TF_CONFIG, ClusterSpecs.toTfConfig(addresses, task));
                builder.redirectErrorStream(true);
                workers.add(builder.start());
            }
            for (Process worker : workers) {
                assertThat(worker.waitFor(90, TimeUnit.SECONDS)).isTrue();
                String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                // (1, 10) + (2, 20)
                assertThat(output).as(output).contains("SUM 3.0 30.0");
            }
        }
        finally {
            workers.forEach(Process::destroyForcibly);
        }
    }
}
