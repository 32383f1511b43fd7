package dev.trainer4j.tf.cluster;

import dev.trainer4j.api.BackendException;
import dev.trainer4j.api.ClusterSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Server;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

import java.util.concurrent.atomic.AtomicReference;

import static java.util.Objects.requireNonNull;

/**
 * This JVM's TensorFlow gRPC server for a multi-worker run: the task of a {@link ClusterSpec}, started once.
 *
 * <p>TF Java 1.1.0 cannot shut a server down ({@code Server.close()} is unimplemented in TensorFlow), so a JVM runs at
 * most one server, for the rest of its life: {@link #start} refuses a second, different one. TensorFlow's gRPC server
 * has no authentication and listens on every interface whatever host the spec names: run it on a private network or
 * behind a firewall; {@link #start} says so in a warning.
 */
public final class TfClusterServer {
    private static final Logger LOG = LoggerFactory.getLogger(TfClusterServer.class);
    private static final AtomicReference<TfClusterServer> RUNNING = new AtomicReference<>();

    private final ClusterSpec spec;
    private final Server server;

    private TfClusterServer(ClusterSpec spec, Server server) {
        this.spec = spec;
        this.server = server;
    }

    /**
     * Starts this task's server, or returns the one this JVM already runs for the same spec.
     *
     * @throws BackendException when this JVM already runs a server for another spec, or TensorFlow cannot start it
     */
    public static synchronized TfClusterServer start(ClusterSpec spec, ConfigProto sessionConfig) {
        requireNonNull(spec, "spec is null");
        requireNonNull(sessionConfig, "sessionConfig is null");
        TfClusterServer running = RUNNING.get();
        if (running != null) {
            if (running.spec.equals(spec)) {
                return running;
            }
            throw new BackendException("cluster server", "this JVM already runs TensorFlow server task "
                    + running.spec.taskIndex() + " of " + running.spec.workers() + "; TensorFlow cannot shut a server down,"
                    + " so a JVM serves one cluster spec for its whole life (asked for task " + spec.taskIndex() + " of "
                    + spec.workers() + "): start another JVM", null);
        }
        ServerDef definition = ServerDef.newBuilder()
                .setCluster(clusterDefinition(spec))
                .setJobName(ClusterSpec.JOB)
                .setTaskIndex(spec.taskIndex())
                .setProtocol("grpc")
                .setDefaultSessionConfig(sessionConfig)
                .build();
        LOG.warn("Starting TensorFlow's gRPC server for worker {} of {} on port {}. It has NO authentication and listens"
                + " on all interfaces whatever host the spec names: run multi-worker jobs only on a private network or"
                + " behind a firewall.", spec.taskIndex(), spec.size(), spec.ownPort());
        Server server;
        try {
            server = new Server(definition);
            server.start();
        }
        catch (RuntimeException e) {
            throw new BackendException("cluster server", "TensorFlow cannot start the gRPC server of worker "
                    + spec.taskIndex() + " at " + spec.ownAddress() + " (is the port in use?): " + e.getMessage(), e);
        }
        TfClusterServer started = new TfClusterServer(spec, server);
        RUNNING.set(started);
        return started;
    }

    /** The server this JVM runs, if any. */
    public static TfClusterServer running() {
        return RUNNING.get();
    }

    /** The spec this server serves. */
    public ClusterSpec spec() {
        return spec;
    }

    /** Blocks until the server stops, which in TF Java 1.1.0 means until the JVM exits. */
    public void join() {
        server.join();
    }

    static ClusterDef clusterDefinition(ClusterSpec spec) {
        JobDef.Builder job = JobDef.newBuilder().setName(ClusterSpec.JOB);
        for (int task = 0; task < spec.size(); task++) {
            job.putTasks(task, spec.workers().get(task));
        }
        return ClusterDef.newBuilder().addJob(job).build();
    }
}
