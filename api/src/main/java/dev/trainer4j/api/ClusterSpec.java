package dev.trainer4j.api;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The workers of a multi-worker run and which one this process is: what {@code TF_CONFIG} (Keras'
 * MultiWorkerMirroredStrategy, Kubeflow's TFJob) or a run file's {@code cluster} block describes. Worker 0 is the
 * chief: it builds the graph, runs the training session and writes every file; the others serve their devices.
 *
 * @param workers the {@code host:port} address of every worker, in task-index order, each once
 * @param taskIndex this process's index into {@code workers}
 * @param source where the spec came from, for messages: {@code TF_CONFIG} or {@code cluster}
 */
public record ClusterSpec(List<String> workers, int taskIndex, String source) {
    /** The job name TensorFlow's servers and device names use for the workers. */
    public static final String JOB = "worker";
    /** The environment variable Keras and Kubeflow set, and the {@link #source()} of specs read from it. */
    public static final String TF_CONFIG = "TF_CONFIG";
    /** The run file block, and the {@link #source()} of specs read from it. */
    public static final String CLUSTER_BLOCK = "cluster";

    public ClusterSpec {
        workers = List.copyOf(requireNonNull(workers, "workers is null"));
        requireNonNull(source, "source is null");
        String workersKey = source.equals(TF_CONFIG) ? "TF_CONFIG.cluster.worker" : "cluster.workers";
        String indexKey = source.equals(TF_CONFIG) ? "TF_CONFIG.task.index" : "cluster.task-index";
        if (workers.isEmpty()) {
            throw new ConfigurationException(workersKey, "[]", "at least one host:port address");
        }
        Set<String> seen = new HashSet<>();
        for (String address : workers) {
            checkAddress(workersKey, address);
            if (!seen.add(address.toLowerCase(Locale.ROOT))) {
                throw new ConfigurationException(workersKey, workers,
                        "each worker address once; " + address + " is listed twice");
            }
        }
        if (taskIndex < 0 || taskIndex >= workers.size()) {
            throw new ConfigurationException(indexKey, taskIndex,
                    "an index from 0 to " + (workers.size() - 1) + " (" + workers.size() + " workers)");
        }
    }

    private static void checkAddress(String key, String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new ConfigurationException(key, address, "host:port, e.g. 10.0.0.2:2222");
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        }
        catch (NumberFormatException e) {
            throw new ConfigurationException(key, address, "host:port with a numeric port, e.g. 10.0.0.2:2222");
        }
        if (port < 1 || port > 65535) {
            throw new ConfigurationException(key, address, "a port from 1 to 65535");
        }
    }

    /** The number of workers. */
    public int size() {
        return workers.size();
    }

    /** Whether this process is worker 0, the chief that trains and writes. */
    public boolean isChief() {
        return taskIndex == 0;
    }

    /** This process's own address. */
    public String ownAddress() {
        return workers.get(taskIndex);
    }

    /** The port this process's server listens on. */
    public int ownPort() {
        String address = ownAddress();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    /** The gRPC target of the chief's server, which the training session connects to. */
    public String chiefTarget() {
        return "grpc://" + workers.get(0);
    }

    /** The CPU device of worker {@code task}, as TensorFlow names it. */
    public static String cpuDevice(int task) {
        return "/job:" + JOB + "/replica:0/task:" + task + "/device:CPU:0";
    }
}
