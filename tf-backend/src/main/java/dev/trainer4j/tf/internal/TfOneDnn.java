package dev.trainer4j.tf.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether TensorFlow runs its oneDNN kernels (faster GEMMs and fused ops on x86), for the engine's log line.
 * TensorFlow reads {@code TF_ENABLE_ONEDNN_OPTS} once, when it loads; unset, it turns them on only for CPUs with
 * AVX-512 VNNI/BF16, AVX-VNNI or AMX. The {@code trainer4j} launcher and the test configuration set it to 1.
 */
public final class TfOneDnn {
    private static final String VARIABLE = "TF_ENABLE_ONEDNN_OPTS";
    private static final Set<String> DEFAULT_ON_FLAGS = Set.of("avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile",
            "amx_bf16", "amx_int8");

    private TfOneDnn() {
    }

    /** E.g. {@code oneDNN kernels on (TF_ENABLE_ONEDNN_OPTS=1)}, with a hint when they are off. */
    public static String describe() {
        return describe(System.getenv(VARIABLE), cpuFlags());
    }

    /** Whether TensorFlow runs its oneDNN kernels in this process (and so its remapper makes their fused ops). */
    public static boolean enabled() {
        return Enabled.VALUE;
    }

    static boolean enabled(String value, List<String> cpuFlags) {
        if (value != null) {
            String normalized = value.trim().toLowerCase(Locale.ROOT);
            return normalized.equals("1") || normalized.equals("true");
        }
        return cpuFlags.stream().anyMatch(DEFAULT_ON_FLAGS::contains);
    }

    static String describe(String value, List<String> cpuFlags) {
        boolean on = enabled(value, cpuFlags);
        if (value != null) {
            return "oneDNN kernels " + (on ? "on" : "off") + " (" + VARIABLE + "=" + value + ")";
        }
        return on
                ? "oneDNN kernels on (TensorFlow's default for this CPU)"
                : "oneDNN kernels off (TensorFlow's default for a CPU without AVX-512 VNNI/BF16 or AMX; set "
                        + VARIABLE + "=1 before TensorFlow loads, as the trainer4j launcher does, for faster GEMMs)";
    }

    /** Read once: TensorFlow too reads the variable once, when it loads. */
    private static final class Enabled {
        static final boolean VALUE = enabled(System.getenv(VARIABLE), cpuFlags());
    }

    private static List<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                }
            }
        }
        catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: no flags known
        }
        return List.of();
    }
}
