package dev.trainer4j.bench.transformer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a variant JVM prints for the runner: one {@code RESULT key=value ...} line (values without spaces), and
 * {@code LOSS <step> <float bits> <value>} lines from a loss run; plus the process measurements every variant takes
 * the same way (CPU time of all threads, peak RSS).
 */
public final class VariantReport {
    private final Map<String, String> fields = new LinkedHashMap<>();

    public VariantReport put(String key, Object value) {
        String text = value instanceof Double || value instanceof Float
                ? String.format(Locale.ROOT, "%.6g", ((Number) value).doubleValue()) : String.valueOf(value);
        if (text.contains(" ") || key.contains(" ") || key.contains("=")) {
            throw new IllegalArgumentException("no spaces in a RESULT field: " + key + "=" + text);
        }
        fields.put(key, text);
        return this;
    }

    /** Adds the peak RSS ({@code VmHWM}) in MB and prints the line. */
    public void print() {
        put("vmhwm_mb", peakRssMegabytes());
        StringBuilder line = new StringBuilder("RESULT");
        fields.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
        System.out.println(line);
        System.out.flush();
    }

    /** Parses a {@code RESULT} line into its fields. */
    public static Map<String, String> parse(String line) {
        if (!line.startsWith("RESULT ")) {
            throw new IllegalArgumentException("not a RESULT line: " + line);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : line.substring("RESULT ".length()).trim().split(" +")) {
            int equals = field.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("bad RESULT field '" + field + "' in " + line);
            }
            fields.put(field.substring(0, equals), field.substring(equals + 1));
        }
        return fields;
    }

    /** {@code LOSS <step> <float bits> <value>}, 1-based step. */
    public static String lossLine(long step, float loss) {
        return String.format(Locale.ROOT, "LOSS %d %08x %.9g", step, Float.floatToRawIntBits(loss), loss);
    }

    /** CPU time of this process so far (every thread), in nanoseconds. */
    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** {@code VmHWM} of {@code /proc/self/status} in MB, or -1 where there is none. */
    public static double peakRssMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        }
        catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
