package dev.trainer4j.tf;

import org.tensorflow.DeviceSpec;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The devices the training replicas (towers) of one graph are built on, as TensorFlow device strings such as
 * {@code /device:CPU:0} or {@code /job:worker/task:1/device:GPU:0}; the empty string lets TensorFlow place the ops.
 * Replica {@code r} is built, forward and gradient ops alike, on {@code device(r)}: the devices in turn.
 * {@link #DEFAULT} (what the backend uses today) puts every replica on the one default device.
 *
 * @param devices at least one device string, "" for "let TensorFlow place it"
 */
public record TfDevices(List<String> devices) {
    /** Every replica on the default device: TensorFlow places the ops. */
    public static final TfDevices DEFAULT = new TfDevices(List.of(""));

    public TfDevices {
        devices = List.copyOf(requireNonNull(devices, "devices is null"));
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("devices is empty; use \"\" to let TensorFlow place the ops");
        }
        devices.forEach(TfDevices::deviceSpec);
    }

    /** The given device strings, in replica order. */
    public static TfDevices of(String... devices) {
        return new TfDevices(List.of(devices));
    }

    /** The device string of replica {@code replica} (0-based): the devices in turn. */
    public String device(int replica) {
        if (replica < 0) {
            throw new IllegalArgumentException("replica must be >= 0, got " + replica);
        }
        return devices.get(replica % devices.size());
    }

    /** Replica {@code replica}'s device as TensorFlow Java's {@link DeviceSpec} (empty for ""). */
    public DeviceSpec deviceSpec(int replica) {
        return deviceSpec(device(replica));
    }

    /**
     * Parses a device string into TensorFlow Java's {@link DeviceSpec}; "" gives an empty spec. Accepts the fields
     * {@code /job:NAME}, {@code /replica:N}, {@code /task:N} and {@code /device:TYPE:N} (TYPE CPU, GPU or TPU; N or *).
     */
    static DeviceSpec deviceSpec(String device) {
        requireNonNull(device, "device is null");
        DeviceSpec.Builder spec = DeviceSpec.newBuilder();
        if (device.isEmpty()) {
            return spec.build();
        }
        if (!device.startsWith("/")) {
            throw new IllegalArgumentException(invalid(device));
        }
        for (String field : device.substring(1).split("/", -1)) {
            String[] parts = field.split(":", -1);
            try {
                switch (parts[0]) {
                    case "job" -> {
                        requireParts(device, parts, 2);
                        spec.job(parts[1]);
                    }
                    case "replica" -> {
                        requireParts(device, parts, 2);
                        spec.replica(Integer.parseInt(parts[1]));
                    }
                    case "task" -> {
                        requireParts(device, parts, 2);
                        spec.task(Integer.parseInt(parts[1]));
                    }
                    case "device" -> {
                        requireParts(device, parts, 3);
                        spec.deviceType(DeviceSpec.DeviceType.valueOf(parts[1]));
                        if (!parts[2].equals("*")) {
                            spec.deviceIndex(Integer.parseInt(parts[2]));
                        }
                    }
                    default -> throw new IllegalArgumentException(invalid(device));
                }
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException(invalid(device), e);
            }
        }
        DeviceSpec parsed = spec.build();
        if (!parsed.toString().equals(device)) {
            throw new IllegalArgumentException(invalid(device) + " (its canonical form is '" + parsed + "')");
        }
        return parsed;
    }

    private static void requireParts(String device, String[] parts, int count) {
        if (parts.length != count || parts[count - 1].isEmpty()) {
            throw new IllegalArgumentException(invalid(device));
        }
    }

    private static String invalid(String device) {
        return "invalid device '" + device + "': expected e.g. /device:CPU:0 or /job:worker/task:1/device:GPU:0"
                + " (TYPE CPU, GPU or TPU), or \"\" to let TensorFlow place the ops";
    }
}
