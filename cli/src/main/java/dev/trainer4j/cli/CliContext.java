package dev.trainer4j.cli;

import dev.trainer4j.runtime.Trainer4j;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * What the commands take from their surroundings: the runtime (plugins and defaults) and the default run file of
 * {@code trainer4j train} without a file.
 *
 * @param runtime makes the runtime when a command needs it (plugins are loaded once per command)
 * @param defaultRunFile the run file used when none is given
 */
public record CliContext(Supplier<Trainer4j> runtime, Path defaultRunFile) {
    /** System property naming the default run file; wins over {@value #DEFAULT_RUN_ENV}. */
    public static final String DEFAULT_RUN_PROPERTY = "trainer4j.default-run";
    /** Environment variable naming the default run file. */
    public static final String DEFAULT_RUN_ENV = "TRAINER4J_DEFAULT_RUN";
    /** The default run file without property or variable, relative to the working directory. */
    public static final Path BUILT_IN_DEFAULT_RUN = Path.of("samples", "text-classification", "run.conf");

    public CliContext {
        requireNonNull(runtime, "runtime is null");
        requireNonNull(defaultRunFile, "defaultRunFile is null");
    }

    /** The class path's plugins and the default run file from the system properties and environment. */
    public static CliContext fromEnvironment() {
        return new CliContext(Trainer4j::create, defaultRunFile(System.getProperties(), System.getenv()));
    }

    /** {@value #DEFAULT_RUN_PROPERTY}, else {@value #DEFAULT_RUN_ENV}, else {@code samples/text-classification/run.conf}. */
    static Path defaultRunFile(Properties properties, Map<String, String> environment) {
        return Optional.ofNullable(properties.getProperty(DEFAULT_RUN_PROPERTY))
                .or(() -> Optional.ofNullable(environment.get(DEFAULT_RUN_ENV)))
                .filter(value -> !value.isBlank())
                .map(Path::of)
                .orElse(BUILT_IN_DEFAULT_RUN);
    }
}
