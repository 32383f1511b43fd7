package dev.trainer4j.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * The {@code devices} setting read: a count of devices of the backend's kind, {@code auto}, or device names.
 *
 * @param count the number of devices for a count; the number of names for names; 0 for {@code auto}
 * @param names the device names in replica order (e.g. {@code /device:CPU:1}); empty unless given by name
 * @param auto whether the backend chooses (every GPU it finds, else one CPU device)
 */
public record DeviceSelection(int count, List<String> names, boolean auto) {
    /** The spelling of "let the backend choose". */
    public static final String AUTO = "auto";

    public DeviceSelection {
        names = List.copyOf(requireNonNull(names, "names is null"));
        if (auto ? count != 0 || !names.isEmpty() : count < 1 || !names.isEmpty() && names.size() != count) {
            throw new IllegalArgumentException("inconsistent device selection: count " + count + ", names " + names
                    + ", auto " + auto);
        }
    }

    /** {@code count} devices of the backend's kind. */
    public static DeviceSelection ofCount(int count) {
        return new DeviceSelection(count, List.of(), false);
    }

    /**
     * Reads the setting: a positive integer, {@code auto}, or comma-separated names each starting with {@code /}.
     * Anything else is a {@link ConfigurationException} naming {@code key}.
     */
    public static DeviceSelection parse(String key, String value) {
        requireNonNull(value, "value is null");
        String trimmed = value.trim();
        String expected = "a count > 0, auto, or a list of device names such as [\"/device:CPU:0\", \"/device:CPU:1\"]";
        if (trimmed.toLowerCase(Locale.ROOT).equals(AUTO)) {
            return new DeviceSelection(0, List.of(), true);
        }
        if (trimmed.matches("[0-9]+")) {
            int count;
            try {
                count = Integer.parseInt(trimmed);
            }
            catch (NumberFormatException e) {
                throw new ConfigurationException(key, value, expected);
            }
            if (count < 1) {
                throw new ConfigurationException(key, value, expected);
            }
            return ofCount(count);
        }
        List<String> names = new ArrayList<>();
        for (String part : trimmed.split(",", -1)) {
            String name = part.trim();
            if (!name.startsWith("/")) {
                throw new ConfigurationException(key, value, expected);
            }
            if (names.contains(name)) {
                throw new ConfigurationException(key, value, expected + " without repeats ('" + name + "' is named twice)");
            }
            names.add(name);
        }
        return new DeviceSelection(names.size(), names, false);
    }

    /** How many replicas the loop sizes a batch for: the count, the number of names, or 1 for {@code auto}. */
    public int replicas() {
        return auto ? 1 : count;
    }

    /** As written in config: the count, {@code auto}, or the names joined by commas. */
    @Override
    public String toString() {
        return auto ? AUTO : names.isEmpty() ? String.valueOf(count) : String.join(",", names);
    }
}
