package dev.trainer4j.tf.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DeviceSelection;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfDevices;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CloseSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewGraph;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SessionListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

/**
 * Which devices a run's session has and which of them the replicas use, from {@code devices} and {@code use-cpu}:
 * <ul>
 *   <li>GPUs are used when the session finds any and {@code use-cpu} is false: a count takes the first n,
 *       {@code auto} takes all.</li>
 *   <li>Otherwise the run is on CPU devices: a count n above 1 splits the CPU into n logical devices
 *       ({@code ConfigProto.device_count { CPU: n }}), each replica on its own; 1 and {@code auto} keep one device and
 *       leave placement to TensorFlow (the single-device towers of {@code train-towers}).</li>
 *   <li>Names are used as given; each must be a device of the session, else one {@link ConfigurationException}
 *       naming {@code devices}, the name and the session's devices.</li>
 * </ul>
 * The session's devices are listed with the C API on a probe session of the same {@code ConfigProto} (TensorFlow
 * Java 1.1.0 has no public device listing).
 *
 * @param devices the device of each replica, in turn
 * @param cpuDevices the number of logical CPU devices the session is opened with
 * @param gpus whether the replicas are on GPUs (soft placement on, for ops without a GPU kernel)
 * @param hideGpus whether GPUs are hidden from the session ({@code use-cpu})
 * @param available every device of the session
 * @param description one line for the log
 */
public record TfDevicePlan(TfDevices devices, int cpuDevices, boolean gpus, boolean hideGpus, List<String> available,
                           String description) {
    private static final Logger LOG = LoggerFactory.getLogger(TfDevicePlan.class);
    private static final Pattern LOCAL_DEVICE = Pattern.compile("^(?:/job:localhost/replica:0/task:0)?/device:(CPU|GPU):\\d+$");
    private static final String GPU_NATIVES = "org/tensorflow/internal/c_api/linux-x86_64-gpu/";
    private static final Map<ConfigProto, List<String>> LOCAL_DEVICES = new ConcurrentHashMap<>();

    public TfDevicePlan {
        requireNonNull(devices, "devices is null");
        available = List.copyOf(requireNonNull(available, "available is null"));
        requireNonNull(description, "description is null");
        if (cpuDevices < 1) {
            throw new IllegalArgumentException("cpuDevices must be >= 1, got " + cpuDevices);
        }
    }

    /** The distinct devices of the replicas, in replica order. */
    public List<String> distinctDevices() {
        return devices.devices().stream().distinct().toList();
    }

    /** Sets the device counts and soft placement of this plan on a session's {@code ConfigProto}. */
    public ConfigProto.Builder applyTo(ConfigProto.Builder config) {
        config.putDeviceCount("CPU", cpuDevices);
        if (hideGpus) {
            config.putDeviceCount("GPU", 0);
        }
        return config.setAllowSoftPlacement(gpus);
    }

    /**
     * Resolves the plan of a run. {@code explicit} (a backend built with {@link TfDevices} other than
     * {@link TfDevices#DEFAULT}) wins over {@code devices} when {@code devices} is 1.
     */
    public static TfDevicePlan resolve(TrainingArguments args, TfDevices explicit) {
        requireNonNull(args, "args is null");
        requireNonNull(explicit, "explicit is null");
        DeviceSelection selection = args.deviceSelection();
        boolean hideGpus = args.useCpu();
        TfDeviceMap deviceMap = TfDeviceMap.of(args);
        if (!deviceMap.isEmpty()) {
            // model parallel: one replica; the session has the devices the map names, the layers are placed by name
            List<String> names = deviceMap.deviceNames();
            TfDevicePlan named = byName(names, hideGpus, TrainingArguments.DEVICE_MAP.key());
            return new TfDevicePlan(TfDevices.DEFAULT, named.cpuDevices(), named.gpus(), hideGpus, named.available(),
                    "model parallel over " + names + " by device-map " + deviceMap);
        }
        if (!selection.names().isEmpty() || explicit != TfDevices.DEFAULT && selection.equals(DeviceSelection.ofCount(1))) {
            List<String> names = selection.names().isEmpty() ? explicit.devices() : selection.names();
            return byName(names, hideGpus, TrainingArguments.DEVICES.key());
        }
        return byCount(selection, hideGpus);
    }

    /** The replicas on {@code names}, each checked to be a device of the session ({@code key} names the setting). */
    private static TfDevicePlan byName(List<String> names, boolean hideGpus, String key) {
        {
            // one logical CPU device per CPU name: /device:CPU:0 and /device:CPU:1 exist, /device:CPU:7 alone does not
            int cpus = 0;
            boolean gpus = false;
            for (String name : names) {
                Matcher matcher = LOCAL_DEVICE.matcher(name);
                if (matcher.matches() && matcher.group(1).equals("CPU")) {
                    cpus++;
                }
                gpus |= name.contains("/device:GPU:");
            }
            cpus = Math.max(1, cpus);
            List<String> available = listDevices(config(cpus, hideGpus, gpus));
            for (String name : names) {
                if (!name.isEmpty() && !available.contains(name) && !available.contains(localName(name))) {
                    throw new ConfigurationException(key, "device '" + name
                            + "' does not exist in this session; its devices are " + available
                            + (name.contains("GPU") && hideGpus ? " (use-cpu = true hides the GPUs)" : ""));
                }
            }
            TfDevices devices = new TfDevices(names);
            return new TfDevicePlan(devices, cpus, gpus, hideGpus, available,
                    "devices " + names + " by name" + cpuNote(gpus));
        }
    }

    private static TfDevicePlan byCount(DeviceSelection selection, boolean hideGpus) {
        List<String> physical = listDevices(config(1, hideGpus, false));
        Choice choice = choose(selection, hideGpus, physical, gpuNativesPresent(), Runtime.getRuntime().availableProcessors());
        List<String> available = choice.gpus() || choice.cpuDevices() == 1 ? physical
                : listDevices(config(choice.cpuDevices(), hideGpus, false));
        return new TfDevicePlan(choice.devices(), choice.cpuDevices(), choice.gpus(), hideGpus, available,
                choice.description());
    }

    /**
     * What {@link #choose} decided: the replicas' devices, the logical CPU device count and the log line's text.
     *
     * @param devices the device of each replica ({@link TfDevices#DEFAULT}: one device, TensorFlow places the ops)
     * @param cpuDevices the number of logical CPU devices the session is opened with
     * @param gpus whether the replicas are on GPUs
     * @param description what the log line says about the devices
     */
    public record Choice(TfDevices devices, int cpuDevices, boolean gpus, String description) {
        public Choice {
            requireNonNull(devices, "devices is null");
            requireNonNull(description, "description is null");
        }
    }

    /**
     * The devices of a count or {@code auto} selection, from the devices a session lists ({@code physical}): the first
     * n GPUs (all for {@code auto}) when there are GPUs and {@code use-cpu} is false, else n logical CPU devices (one
     * for 1 and {@code auto}). On CPUs the description says why: {@code use-cpu}, the CPU build of TensorFlow, or (the
     * gpu build's natives loaded, {@code gpuNatives}, but no GPU listed) that no usable CUDA GPU was found.
     *
     * @throws ConfigurationException naming {@code devices} when it asks for more GPUs than the session lists
     */
    public static Choice choose(DeviceSelection selection, boolean hideGpus, List<String> physical, boolean gpuNatives,
                                int cores) {
        requireNonNull(selection, "selection is null");
        requireNonNull(physical, "physical is null");
        List<String> gpuNames = physical.stream().filter(name -> name.contains("/device:GPU:")).toList();
        if (!gpuNames.isEmpty() && !hideGpus) {
            int count = selection.auto() ? gpuNames.size() : selection.count();
            if (count > gpuNames.size()) {
                throw new ConfigurationException(TrainingArguments.DEVICES.key(), "devices = " + count
                        + " but this host has " + gpuNames.size() + " GPU(s): " + gpuNames
                        + "; set devices to at most " + gpuNames.size() + ", or use-cpu = true for logical CPU devices");
            }
            List<String> names = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                names.add("/device:GPU:" + i);
            }
            return new Choice(new TfDevices(names), 1, true, count + " GPU(s) " + names + " of " + gpuNames.size());
        }
        String why = hideGpus ? "use-cpu = true" : gpuNatives
                ? "no usable CUDA GPU was found (the gpu build's natives are loaded, but TensorFlow created no GPU"
                        + " device: CUDA 12.5 / cuDNN 9 libraries must be on the library path), so the run is on the CPU"
                : "the CPU build of TensorFlow";
        if (selection.auto() || selection.count() == 1) {
            return new Choice(TfDevices.DEFAULT, 1, false, "one CPU device (" + why + ")");
        }
        int count = selection.count();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add("/device:CPU:" + i);
        }
        return new Choice(new TfDevices(names), count, false, count + " logical CPU devices " + names + " (" + why
                + "; ConfigProto device_count CPU = " + count + "; they share the host's " + cores + " cores)");
    }

    /** Logs the line that says which devices the run uses (and, on a GPU build without CUDA, why it is on CPU). */
    public void log(String modelName) {
        LOG.info("devices of model '{}': {}; the session has {}", modelName, description, available);
    }

    private static String cpuNote(boolean gpus) {
        return gpus ? " (soft placement on: ops without a GPU kernel run on the CPU)" : "";
    }

    private static String localName(String name) {
        return name.startsWith("/job:") ? name : "/job:localhost/replica:0/task:0" + name;
    }

    private static ConfigProto config(int cpus, boolean hideGpus, boolean gpus) {
        return new TfDevicePlan(TfDevices.DEFAULT, cpus, gpus, hideGpus, List.of(), "").applyTo(ConfigProto.newBuilder())
                .build();
    }

    private static boolean gpuNativesPresent() {
        return TfDevicePlan.class.getClassLoader().getResource(GPU_NATIVES) != null;
    }

    /**
     * The full names of the devices a session opened with {@code config} has (a probe session on an empty graph, once
     * per config in a process: the devices of this process do not change).
     */
    public static List<String> listDevices(ConfigProto config) {
        return LOCAL_DEVICES.computeIfAbsent(config, key -> listDevices(key, null));
    }

    /** Lists the devices of the plans of {@code devices = auto} and {@code 1} with and without {@code use-cpu}. */
    static void probeDefaultDevices() {
        listDevices(config(1, false, false));
    }

    /**
     * The full names of the devices a session opened with {@code config} on {@code target} (a {@code grpc://} server,
     * or null for this process) has.
     */
    public static List<String> listDevices(ConfigProto config, String target) {
        TensorFlow.version(); // loads the native library
        byte[] bytes = config.toByteArray();
        List<String> names = new ArrayList<>();
        TF_Status status = TF_Status.newStatus();
        TF_Graph graph = TF_NewGraph();
        TF_SessionOptions options = TF_NewSessionOptions();
        try (BytePointer configBytes = new BytePointer(bytes)) {
            TF_SetConfig(options, configBytes, bytes.length, status);
            status.throwExceptionIfNotOK();
            if (target != null) {
                TF_SetTarget(options, target);
            }
            TF_Session session = TF_NewSession(graph, options, status);
            status.throwExceptionIfNotOK();
            try {
                TF_DeviceList list = TF_SessionListDevices(session, status);
                status.throwExceptionIfNotOK();
                try {
                    int count = TF_DeviceListCount(list);
                    for (int i = 0; i < count; i++) {
                        BytePointer name = TF_DeviceListName(list, i, status);
                        status.throwExceptionIfNotOK();
                        names.add(name.getString());
                    }
                }
                finally {
                    TF_DeleteDeviceList(list);
                }
            }
            finally {
                TF_CloseSession(session, status);
                TF_DeleteSession(session, status);
            }
        }
        finally {
            TF_DeleteSessionOptions(options);
            TF_DeleteGraph(graph);
        }
        return List.copyOf(names);
    }
}
