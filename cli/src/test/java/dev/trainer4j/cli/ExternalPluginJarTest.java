package dev.trainer4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Extensibility without touching trainer4j: a metric plugin compiled at test time into its own jar, outside the
 * test class path, is found by the real command once the jar is on its class path, and its metric shows up in the
 * results of a real training run on the TensorFlow backend.
 */
final class ExternalPluginJarTest {
    private static final String PLUGIN_CLASS = "com.example.extra.ExtraMetricsPlugin";

    private static final String PLUGIN_SOURCE = """
            package com.example.extra;

            import com.typesafe.config.Config;
            import dev.trainer4j.api.EvalPrediction;
            import dev.trainer4j.api.HostTensor;
            import dev.trainer4j.api.Metric;
            import dev.trainer4j.spi.MetricFactory;
            import dev.trainer4j.spi.Plugin;
            import dev.trainer4j.spi.PluginContext;
            import java.util.List;
            import java.util.Map;

            /** Counts the examples whose label is 1: a metric trainer4j does not ship. */
            public final class ExtraMetricsPlugin implements Plugin {
                @Override
                public List<MetricFactory> metricFactories() {
                    return List.of(new MetricFactory() {
                        @Override public String name() { return "positive-count"; }
                        @Override public Metric create(Config settings, PluginContext context) {
                            return new Metric() {
                                private long count;
                                @Override public String name() { return "positive-count"; }
                                @Override public void reset() { count = 0; }
                                @Override public void update(EvalPrediction batch) {
                                    HostTensor labels = batch.labelIds().orElseThrow();
                                    for (int i = 0; i < labels.size(); i++) {
                                        if (labels.getLong(i) == 1) {
                                            count++;
                                        }
                                    }
                                }
                                @Override public Map<String, Double> compute() { return Map.of("positive-count", (double) count); }
                            };
                        }
                    });
                }
            }
            """;

    @TempDir
    Path directory;

    @Test
    void metricFromAJarOutsideTheClassPathAppearsInTheResults() throws Exception {
        Path jar = buildPluginJar();

        assertThatThrownBy(() -> ClassLoader.getSystemClassLoader().loadClass(PLUGIN_CLASS))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> getClass().getClassLoader().loadClass(PLUGIN_CLASS))
                .isInstanceOf(ClassNotFoundException.class);

        long positives = writeDataset(directory.resolve("train.jsonl"), 96, 1);
        long evalPositives = writeDataset(directory.resolve("eval.jsonl"), 40, 2);
        Path runFile = directory.resolve("run.conf");
        Files.writeString(runFile, """
                model { type = mlp-classifier, input-size = 4, hidden-sizes = [8], num-labels = 2, dropout = 0 }
                data {
                  train { type = jsonl, path = train.jsonl }
                  eval { type = jsonl, path = eval.jsonl }
                }
                metrics = [accuracy, positive-count]
                args { output-dir = "%s", max-steps = 6, per-device-train-batch-size = 16, save-strategy = no,
                       logging-steps = 3, learning-rate = 0.01 }
                """.formatted(directory.resolve("out").toString().replace("\\", "/")));

        Process process = start(javaCommand(System.getProperty("java.class.path") + java.io.File.pathSeparator + jar,
                "train", runFile.toString()));
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String stdout = Files.readString(directory.resolve("stdout.txt"));
        String stderr = Files.readString(directory.resolve("stderr.txt"));

        assertThat(process.exitValue()).as("stderr: %s", stderr).isZero();
        assertThat(stdout).contains("eval_positive-count = " + (double) evalPositives);
        assertThat(stdout).contains("eval_accuracy = ");
        assertThat(positives).isPositive();
    }

    @Test
    void withoutTheJarTheMetricNameIsAConfigurationError() throws Exception {
        writeDataset(directory.resolve("train.jsonl"), 8, 1);
        Path runFile = directory.resolve("run.conf");
        Files.writeString(runFile, """
                model { type = mlp-classifier, input-size = 4, num-labels = 2 }
                data { train { type = jsonl, path = train.jsonl } }
                metrics = [positive-count]
                """);

        Process process = start(javaCommand(System.getProperty("java.class.path"), "train", runFile.toString()));
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stdout = Files.readString(directory.resolve("stdout.txt"));
        String stderr = Files.readString(directory.resolve("stderr.txt"));

        assertThat(process.exitValue()).as("stdout: %s", stdout).isEqualTo(2);
        assertThat(stderr).contains("metrics[0]").contains("positive-count");
    }

    private List<String> javaCommand(String classPath, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        String cacheDirectory = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cacheDirectory != null) {
            command.add("-Dorg.bytedeco.javacpp.cachedir=" + cacheDirectory);
        }
        command.add("-DOPT_OUT_TRACKING=true");
        command.add("-Dai.djl.offline=true");
        command.add("-cp");
        command.add(classPath);
        command.add(Trainer4jCli.class.getName());
        command.addAll(List.of(arguments));
        return command;
    }

    private Path buildPluginJar() throws IOException {
        Path sources = Files.createDirectories(directory.resolve("plugin-src/com/example/extra"));
        Path source = sources.resolve("ExtraMetricsPlugin.java");
        Files.writeString(source, PLUGIN_SOURCE);
        Path classes = Files.createDirectories(directory.resolve("plugin-classes"));
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK with javac").isNotNull();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int result = compiler.run(null, diagnostics, diagnostics, "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), "--release", "17", source.toString());
        assertThat(result).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        Path jar = directory.resolve("extra-metrics.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> compiled = Files.walk(classes)) {
            for (Path path : compiled.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(path));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/dev.trainer4j.spi.Plugin"));
            out.write((PLUGIN_CLASS + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    /** Writes {@code rows} two-class examples; returns how many have label 1. */
    private static long writeDataset(Path file, int rows, int salt) throws IOException {
        StringBuilder lines = new StringBuilder();
        long positives = 0;
        for (int i = 0; i < rows; i++) {
            int label = (i * 7 + salt) % 3 == 0 ? 1 : 0;
            positives += label;
            double shift = label == 1 ? 1.0 : -1.0;
            lines.append(String.format(Locale.ROOT, "{\"features\": [%.3f, %.3f, %.3f, %.3f], \"label\": %d}%n",
                    shift + (i % 5) * 0.1, -shift + (i % 3) * 0.1, (i % 7) * 0.05, shift * 0.5, label));
        }
        Files.writeString(file, lines.toString());
        return positives;
    }

    /** Starts a child whose output goes to files (reading two pipes in turn could block the child). */
    private Process start(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(directory.resolve("stdout.txt").toFile())
                .redirectError(directory.resolve("stderr.txt").toFile());
        builder.environment().put("TF_OVERRIDE_GLOBAL_THREADPOOL", "true");
        return builder.start();
    }
}
