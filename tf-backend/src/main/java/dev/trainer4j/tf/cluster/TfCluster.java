package dev.trainer4j.tf.cluster;

import dev.trainer4j.api.BackendException;
import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DeviceSelection;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfDevices;
import dev.trainer4j.tf.internal.TfDevicePlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.ConfigProto;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Multi-worker training by in-graph replication on TensorFlow's gRPC runtime: the chief (worker 0) builds one graph
 * whose replica towers are placed on {@code /job:worker/replica:0/task:i} devices and runs it through a session on
 * its own server; TensorFlow moves the towers' inputs, the variables' values and the gradients between workers. The
 * other workers only serve their devices ({@link #serve}) until the chief has gone.
 *
 * <p>Every worker's server is started with the same {@link #serverConfig}, so each has {@code devices} logical CPU
 * devices (one unless {@code devices} is a count above 1) and one replica per device.
 */
public final class TfCluster {
    /** A step that waits longer than this on another worker fails instead of hanging. */
    public static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(50);
    private static final Logger LOG = LoggerFactory.getLogger(TfCluster.class);
    private static final Pattern TASK = Pattern.compile("/job:" + ClusterSpec.JOB + "/replica:0/task:(\\d+)");
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(1);
    /** How long a worker keeps serving once the chief's port stops answering. */
    private static final int CHIEF_GONE_CHECKS = 5;
    /** How long a worker waits for the chief to appear at all. */
    private static final Duration CHIEF_START_LIMIT = Duration.ofMinutes(10);

    private TfCluster() {
    }

    /** The logical devices per worker: {@code devices} when it is a count, else one. */
    public static int devicesPerWorker(TrainingArguments args) {
        DeviceSelection selection = args.deviceSelection();
        if (!selection.names().isEmpty()) {
            throw new ConfigurationException(TrainingArguments.DEVICES.key(), "device names " + selection.names()
                    + " in a multi-worker run; the replicas are the workers' devices: set devices to a count per worker"
                    + " (or auto for one)");
        }
        return selection.auto() ? 1 : selection.count();
    }

    /** The default session configuration of every worker's server (and of the chief's session). */
    public static ConfigProto serverConfig(TrainingArguments args) {
        int cores = Runtime.getRuntime().availableProcessors();
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(args.intraOpThreads() > 0 ? args.intraOpThreads() : cores)
                .setInterOpParallelismThreads(args.interOpThreads() > 0 ? args.interOpThreads() : 1)
                .putDeviceCount("CPU", devicesPerWorker(args))
                .putDeviceCount("GPU", 0)
                .setOperationTimeoutInMs(OPERATION_TIMEOUT.toMillis())
                .build();
    }

    /**
     * The chief's device plan: one replica per device of every worker, in worker order, after starting the chief's
     * own server; checks that every worker's devices are reachable.
     *
     * @throws BackendException naming the workers that did not answer
     */
    public static TfDevicePlan chiefPlan(ClusterSpec spec, TrainingArguments args) {
        requireNonNull(spec, "spec is null");
        requireNonNull(args, "args is null");
        if (!spec.isChief()) {
            throw new IllegalArgumentException("worker " + spec.taskIndex() + " is not the chief");
        }
        ConfigProto config = serverConfig(args);
        TfClusterServer.start(spec, config);
        int perWorker = devicesPerWorker(args);
        List<String> names = new ArrayList<>();
        for (int task = 0; task < spec.size(); task++) {
            for (int device = 0; device < perWorker; device++) {
                names.add("/job:" + ClusterSpec.JOB + "/replica:0/task:" + task + "/device:CPU:" + device);
            }
        }
        List<String> available;
        try {
            available = TfDevicePlan.listDevices(config, spec.chiefTarget());
        }
        catch (RuntimeException e) {
            throw new BackendException("cluster", "the chief cannot list the devices of the workers " + spec.workers()
                    + " through " + spec.chiefTarget() + ": " + e.getMessage(), e);
        }
        List<String> missing = names.stream().filter(name -> !available.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw new BackendException("cluster", "the workers' devices " + missing + " are not in the cluster's device"
                    + " list " + available + "; does every worker run with the same devices setting?", null);
        }
        return new TfDevicePlan(new TfDevices(names), perWorker, false, true, available, spec.size() + " workers "
                + spec.workers() + " x " + perWorker + " CPU device(s) = " + names.size() + " replicas (in-graph"
                + " replication; the chief's session is on " + spec.chiefTarget() + ")");
    }

    /**
     * The worker a TensorFlow error message is about ({@code /job:worker/replica:0/task:i} in it), with its address,
     * e.g. {@code worker 1 (10.0.0.2:2222)}; empty when it names none.
     */
    public static Optional<String> failedWorker(ClusterSpec spec, String message) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher matcher = TASK.matcher(message);
        while (matcher.find()) {
            int task = Integer.parseInt(matcher.group(1));
            if (task != 0 && task < spec.size()) {
                return Optional.of("worker " + task + " (" + spec.workers().get(task) + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * Serves this worker's devices: starts its server and returns once the chief has gone (its port stopped answering
     * after having answered), or throws when the chief never appears within ten minutes.
     */
    public static void serve(ClusterSpec spec, TrainingArguments args) {
        requireNonNull(spec, "spec is null");
        requireNonNull(args, "args is null");
        if (spec.isChief()) {
            throw new IllegalArgumentException("worker 0 is the chief: it trains, it does not only serve");
        }
        TfClusterServer.start(spec, serverConfig(args));
        LOG.info("worker {} of {} serves its devices at {}; the chief at {} trains", spec.taskIndex(), spec.size(),
                spec.ownAddress(), spec.workers().get(0));
        String chief = spec.workers().get(0);
        long deadline = System.nanoTime() + CHIEF_START_LIMIT.toNanos();
        boolean seen = false;
        int misses = 0;
        while (true) {
            if (answers(chief)) {
                seen = true;
                misses = 0;
            }
            else if (seen && ++misses >= CHIEF_GONE_CHECKS) {
                LOG.info("worker {}: the chief at {} has gone; stopping", spec.taskIndex(), chief);
                return;
            }
            else if (!seen && System.nanoTime() > deadline) {
                throw new BackendException("cluster", "worker " + spec.taskIndex() + ": the chief at " + chief
                        + " did not start within " + CHIEF_START_LIMIT.toMinutes() + " minutes", null);
            }
            try {
                Thread.sleep(WATCH_INTERVAL.toMillis());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean answers(String address) {
        int colon = address.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address.substring(0, colon),
                    Integer.parseInt(address.substring(colon + 1))), 1000);
            return true;
        }
        catch (IOException e) {
            return false;
        }
    }
}
