package dev.trainer4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What the runners print about the machine: the machine is shared, and machines of one name differ. */
public final class BenchMachine {
    private BenchMachine() {
    }

    /** The 1-minute load average, from /proc/loadavg; {@code unknown} when it cannot be read. */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        }
        catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The CPU model and its widest vector extension, from /proc/cpuinfo; {@code unknown} when it cannot be read. */
    public static String cpuDescription() {
        try {
            String model = "unknown";
            String vectors = "unknown";
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                }
                else if (line.startsWith("flags") && vectors.equals("unknown")) {
                    List<String> flags = Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                    vectors = flags.contains("avx512f") ? "AVX-512" + (flags.contains("avx512_bf16") ? " (bf16)" : "")
                            : flags.contains("avx2") ? "AVX2, no AVX-512" : "no AVX2";
                }
            }
            return model + ", " + vectors;
        }
        catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
