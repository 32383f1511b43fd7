package dev.trainer4j.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.ConfigurationException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Reads a {@link ClusterSpec} from the {@code TF_CONFIG} environment variable or a run file's {@code cluster} block.
 *
 * <p>{@code TF_CONFIG} is the JSON Keras and Kubeflow's TFJob set:
 * {@code {"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker", "index": 0}}}. A {@code chief} job, as
 * Keras allows, becomes worker 0 and the {@code worker} job follows it. Parameter servers and evaluators are refused:
 * every worker trains a replica.
 */
public final class ClusterSpecs {
    /** The environment variable Keras and Kubeflow set. */
    public static final String TF_CONFIG = ClusterSpec.TF_CONFIG;
    /** The run file block. */
    public static final String CLUSTER_BLOCK = ClusterSpec.CLUSTER_BLOCK;
    private static final Set<String> BLOCK_KEYS = Set.of("workers", "task-index");

    private ClusterSpecs() {
    }

    /**
     * The spec of this process: {@code TF_CONFIG} when the environment sets it, else the run file's {@code cluster}
     * block, else none (a single-process run). Both set is an error: one source decides.
     */
    public static Optional<ClusterSpec> resolve(Map<String, String> environment, Config runFile) {
        requireNonNull(environment, "environment is null");
        requireNonNull(runFile, "runFile is null");
        String tfConfig = environment.get(TF_CONFIG);
        boolean hasBlock = runFile.hasPath(CLUSTER_BLOCK);
        if (tfConfig != null && !tfConfig.isBlank()) {
            if (hasBlock) {
                throw new ConfigurationException(CLUSTER_BLOCK, "the run file has a cluster block and the environment"
                        + " sets TF_CONFIG; remove one (TF_CONFIG is what launchers such as Kubeflow set)");
            }
            return Optional.of(fromTfConfig(tfConfig));
        }
        return hasBlock ? Optional.of(fromBlock(runFile.getConfig(CLUSTER_BLOCK))) : Optional.empty();
    }

    /** Parses {@code TF_CONFIG} JSON. */
    public static ClusterSpec fromTfConfig(String json) {
        requireNonNull(json, "json is null");
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        }
        catch (JsonProcessingException e) {
            throw new ConfigurationException(TF_CONFIG, abbreviate(json), "JSON such as {\"cluster\": {\"worker\":"
                    + " [\"host:port\", ...]}, \"task\": {\"type\": \"worker\", \"index\": 0}} (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigurationException(TF_CONFIG, abbreviate(json), "a JSON object with cluster and task");
        }
        JsonNode cluster = root.get("cluster");
        if (cluster == null || !cluster.isObject()) {
            throw new ConfigurationException(TF_CONFIG + ".cluster", "missing", "an object of jobs, e.g. {\"worker\": [\"host:port\", ...]}");
        }
        for (Iterator<String> jobs = cluster.fieldNames(); jobs.hasNext(); ) {
            String job = jobs.next();
            if (!job.equals("worker") && !job.equals("chief")) {
                throw new ConfigurationException(TF_CONFIG + ".cluster." + job, "a '" + job + "' job",
                        "only 'chief' and 'worker' jobs: every worker trains a replica (no parameter servers or evaluators)");
            }
        }
        List<String> chief = addresses(cluster.get("chief"), TF_CONFIG + ".cluster.chief");
        if (chief.size() > 1) {
            throw new ConfigurationException(TF_CONFIG + ".cluster.chief", chief, "one chief address");
        }
        List<String> workers = new ArrayList<>(chief);
        workers.addAll(addresses(cluster.get("worker"), TF_CONFIG + ".cluster.worker"));
        if (workers.isEmpty()) {
            throw new ConfigurationException(TF_CONFIG + ".cluster.worker", "missing", "a list of host:port addresses");
        }
        JsonNode task = root.get("task");
        if (task == null || !task.isObject()) {
            throw new ConfigurationException(TF_CONFIG + ".task", "missing",
                    "this process's task, e.g. {\"type\": \"worker\", \"index\": 0}");
        }
        JsonNode type = task.get("type");
        String taskType = type == null || type.isNull() ? "worker" : type.asText();
        if (!taskType.equals("worker") && !taskType.equals("chief")) {
            throw new ConfigurationException(TF_CONFIG + ".task.type", taskType, "worker or chief");
        }
        if (taskType.equals("chief") && chief.isEmpty()) {
            throw new ConfigurationException(TF_CONFIG + ".task.type", "chief", "worker: the cluster has no chief job");
        }
        JsonNode index = task.get("index");
        if (index == null || !index.canConvertToInt() || !index.isIntegralNumber()) {
            throw new ConfigurationException(TF_CONFIG + ".task.index", index == null ? "missing" : index.toString(),
                    "an integer index into cluster." + taskType);
        }
        int taskIndex = index.asInt();
        if (taskType.equals("chief")) {
            if (taskIndex != 0) {
                throw new ConfigurationException(TF_CONFIG + ".task.index", taskIndex, "0: there is one chief");
            }
        }
        else {
            int jobSize = workers.size() - chief.size();
            if (taskIndex < 0 || taskIndex >= jobSize) {
                throw new ConfigurationException(TF_CONFIG + ".task.index", taskIndex,
                        "an index from 0 to " + (jobSize - 1) + " into cluster.worker (" + jobSize + " addresses)");
            }
            taskIndex += chief.size();
        }
        return new ClusterSpec(workers, taskIndex, TF_CONFIG);
    }

    /** Parses a run file's {@code cluster} block: {@code workers = ["host:port", ...]}, {@code task-index = 0}. */
    public static ClusterSpec fromBlock(Config block) {
        requireNonNull(block, "block is null");
        for (String key : block.root().keySet()) {
            if (!BLOCK_KEYS.contains(key)) {
                throw new ConfigurationException(CLUSTER_BLOCK + "." + key, "an unknown key", "one of " + BLOCK_KEYS);
            }
        }
        List<String> workers;
        int taskIndex;
        try {
            workers = block.getStringList("workers");
        }
        catch (ConfigException.Missing e) {
            throw new ConfigurationException(CLUSTER_BLOCK + ".workers", "missing", "a list of host:port addresses");
        }
        catch (ConfigException.WrongType e) {
            throw new ConfigurationException(CLUSTER_BLOCK + ".workers", block.getValue("workers").unwrapped(),
                    "a list of host:port addresses");
        }
        try {
            taskIndex = block.getInt("task-index");
        }
        catch (ConfigException.Missing e) {
            throw new ConfigurationException(CLUSTER_BLOCK + ".task-index", "missing", "this process's index into workers");
        }
        catch (ConfigException.WrongType e) {
            throw new ConfigurationException(CLUSTER_BLOCK + ".task-index", block.getValue("task-index").unwrapped(),
                    "an integer index into workers");
        }
        return new ClusterSpec(workers, taskIndex, CLUSTER_BLOCK);
    }

    /** The {@code TF_CONFIG} JSON for worker {@code taskIndex} of {@code workers} (what launchers set). */
    public static String toTfConfig(List<String> workers, int taskIndex) {
        var root = Json.MAPPER.createObjectNode();
        var list = root.putObject("cluster").putArray("worker");
        workers.forEach(list::add);
        root.putObject("task").put("type", "worker").put("index", taskIndex);
        return root.toString();
    }

    /**
     * {@code count} distinct free ports on the loopback interface as {@code 127.0.0.1:port}, for workers started on
     * this machine ({@code trainer4j train --workers}, tests, benchmarks). The ports are free when probed; another
     * process may take one before a worker binds it.
     */
    public static List<String> freeLoopbackAddresses(int count) {
        List<ServerSocket> held = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                addresses.add("127.0.0.1:" + socket.getLocalPort());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot find free loopback ports: " + e.getMessage(), e);
        }
        finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                }
                catch (IOException ignored) {
                    // a port that was only probed
                }
            }
        }
        return List.copyOf(addresses);
    }

    private static List<String> addresses(JsonNode node, String key) {
        List<String> addresses = new ArrayList<>();
        if (node == null || node.isNull()) {
            return addresses;
        }
        if (!node.isArray()) {
            throw new ConfigurationException(key, node.toString(), "a list of host:port addresses");
        }
        for (JsonNode address : node) {
            if (!address.isTextual()) {
                throw new ConfigurationException(key, address.toString(), "host:port strings");
            }
            addresses.add(address.asText());
        }
        return addresses;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** The JSON mapper, made on first use: a single-process run never reads {@code TF_CONFIG}. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
