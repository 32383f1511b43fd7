package dev.trainer4j.bench.transformer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one variant in a fresh JVM (same JVM flags for every variant: {@code -Xmx2g}) with a time limit and returns
 * its output; a variant that fails or hangs gives a failed {@link Run} instead of stopping the benchmark.
 */
final class VariantLauncher {
    /** The heap limit of every variant JVM, TF, DJL and trainer alike. */
    static final String HEAP = "-Xmx2g";

    private final long timeoutSeconds;

    VariantLauncher(long timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    /** The output of one run; {@code failure} is empty when the JVM exited with 0 in time. */
    record Run(List<String> lines, Optional<String> failure) {
        /** The fields of the first RESULT line, if any. */
        Optional<Map<String, String>> result() {
            return lines.stream().filter(line -> line.startsWith("RESULT ")).findFirst().map(VariantReport::parse);
        }

        List<String> lossLines() {
            return lines.stream().filter(line -> line.startsWith("LOSS ")).toList();
        }

        /** The last {@code count} lines, for a failure message. */
        String tail(int count) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        }
    }

    /**
     * Runs {@code mainClass} with {@code classpath}, extra JVM {@code properties} ({@code -D...}), extra
     * {@code environment} and {@code arguments}.
     */
    Run run(String classpath, List<String> properties, Map<String, String> environment, String mainClass,
            List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(HEAP);
        command.addAll(properties);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Process process;
        try {
            process = builder.start();
        }
        catch (IOException e) {
            return new Run(List.of(), Optional.of("cannot start " + command + ": " + e.getMessage()));
        }
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            }
            catch (IOException e) {
                lines.add("(output lost: " + e.getMessage() + ")");
            }
        }, "variant-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                reader.join(2000);
                return new Run(List.copyOf(lines), Optional.of(mainClass + " " + arguments + " did not finish within "
                        + timeoutSeconds + " s (killed)"));
            }
            reader.join(5000);
            int exit = process.exitValue();
            List<String> output = List.copyOf(lines);
            return new Run(output, exit == 0 ? Optional.empty()
                    : Optional.of(mainClass + " " + arguments + " exited with " + exit));
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Run(List.copyOf(lines), Optional.of("interrupted"));
        }
    }
}
