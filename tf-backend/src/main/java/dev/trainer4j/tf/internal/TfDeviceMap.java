package dev.trainer4j.tf.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DeviceStrategy;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfDevices;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The {@code device-map} of {@code strategy = model-parallel} (HF's {@code device_map}): layer-name globs
 * ({@code *} matches any characters, {@code /} included) to device names. A variable, and the ops of a layer scope,
 * go to the device of the longest glob that matches the name (a scope {@code mlp/dense_0} is matched as
 * {@code mlp/dense_0/}). Every model variable must match a glob, else one {@link ConfigurationException} naming
 * {@code device-map} and the variable.
 */
public final class TfDeviceMap {
    /** No model parallelism: nothing is placed by name. */
    public static final TfDeviceMap NONE = new TfDeviceMap(Map.of());

    private final Map<String, String> devices;
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();

    private TfDeviceMap(Map<String, String> devices) {
        this.devices = Map.copyOf(devices);
        devices.keySet().forEach(glob -> patterns.put(glob, Pattern.compile(toRegex(glob))));
    }

    /** The map of {@code args} with {@code strategy = model-parallel}, else {@link #NONE}. */
    public static TfDeviceMap of(TrainingArguments args) {
        requireNonNull(args, "args is null");
        if (args.strategy() != DeviceStrategy.MODEL_PARALLEL) {
            return NONE;
        }
        Map<String, String> devices = new LinkedHashMap<>();
        args.deviceMap().forEach((glob, device) -> {
            String key = TrainingArguments.DEVICE_MAP.key() + "." + glob;
            if (!(device instanceof String name) || name.isBlank()) {
                throw new ConfigurationException(key, device, "a device name such as \"/device:CPU:1\"");
            }
            try {
                TfDevices.of(name);
            }
            catch (IllegalArgumentException e) {
                throw new ConfigurationException(key, device, "a device name such as \"/device:CPU:1\" (" + e.getMessage() + ")");
            }
            devices.put(glob, name);
        });
        return new TfDeviceMap(devices);
    }

    public boolean isEmpty() {
        return devices.isEmpty();
    }

    /** The distinct devices the map names, sorted. */
    public List<String> deviceNames() {
        return devices.values().stream().distinct().sorted().toList();
    }

    /** The device of a name (variable or {@code scope/}), or null when no glob matches. */
    public String deviceOf(String name) {
        String best = null;
        for (Map.Entry<String, Pattern> entry : patterns.entrySet()) {
            if (entry.getValue().matcher(name).matches() && (best == null || entry.getKey().length() > best.length())) {
                best = entry.getKey();
            }
        }
        return best == null ? null : devices.get(best);
    }

    /** The device of model variable {@code name}; a variable no glob matches is a clear error. */
    public String requireDeviceOf(String name) {
        String device = deviceOf(name);
        if (device == null) {
            throw new ConfigurationException(TrainingArguments.DEVICE_MAP.key(), "device-map " + devices
                    + " leaves variable '" + name + "' unplaced: no glob matches it; add one (\"*\" matches every"
                    + " name)");
        }
        return device;
    }

    @Override
    public String toString() {
        return devices.toString();
    }

    private static String toRegex(String glob) {
        String[] parts = glob.split("\\*", -1);
        StringBuilder regex = new StringBuilder(Pattern.quote(parts[0]));
        for (int i = 1; i < parts.length; i++) {
            regex.append(".*").append(Pattern.quote(parts[i]));
        }
        return regex.toString();
    }
}
