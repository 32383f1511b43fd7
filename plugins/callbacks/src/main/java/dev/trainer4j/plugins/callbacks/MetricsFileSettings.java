package dev.trainer4j.plugins.callbacks;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Where a metrics logger writes: {@code file-name}, resolved against the run's {@code output-dir}.
 *
 * @param fileName a file name or a path relative to the output directory
 */
public record MetricsFileSettings(String fileName) {
    public MetricsFileSettings {
        requireNonNull(fileName, "file-name is null");
        if (fileName.isBlank()) {
            throw new ConfigurationException("file-name", fileName, "a non-empty file name");
        }
        try {
            if (Path.of(fileName).isAbsolute()) {
                throw new ConfigurationException("file-name", fileName, "a path relative to output-dir");
            }
        }
        catch (InvalidPathException e) {
            throw new ConfigurationException("file-name", fileName, "a valid file name");
        }
    }

    static MetricsFileSettings fromConfig(String callback, Config config) {
        return new MetricsFileSettings(new SettingsReader(callback, config, Set.of("file-name")).string("file-name"));
    }

    Path resolve(String outputDir) {
        return Path.of(outputDir).resolve(fileName);
    }
}
