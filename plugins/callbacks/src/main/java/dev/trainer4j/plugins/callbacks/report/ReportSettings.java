package dev.trainer4j.plugins.callbacks.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import dev.trainer4j.api.ConfigurationException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the {@code report} callback.
 *
 * @param metricsFile the JSONL metrics log to report on, relative to {@code output-dir} (the {@code jsonl-logger}'s
 *                    {@code file-name})
 */
public record ReportSettings(String metricsFile) {
    static final String NAME = "report";
    private static final Set<String> KEYS = Set.of("metrics-file");

    public ReportSettings {
        requireNonNull(metricsFile, "metrics-file is null");
        boolean valid;
        try {
            valid = !metricsFile.isBlank() && !Path.of(metricsFile).isAbsolute();
        }
        catch (InvalidPathException e) {
            valid = false;
        }
        if (!valid) {
            throw new ConfigurationException(NAME + ".metrics-file", metricsFile, "a non-empty path relative to output-dir");
        }
    }

    static ReportSettings fromConfig(Config config) {
        for (String key : config.root().keySet()) {
            if (!key.equals("type") && !KEYS.contains(key)) {
                throw new ConfigurationException(NAME + "." + key, "callback " + NAME + " has no setting '" + key
                        + "'; its settings are " + new TreeSet<>(KEYS));
            }
        }
        if (!config.hasPath("metrics-file")) {
            throw new ConfigurationException(NAME + ".metrics-file", "callback " + NAME + " needs the setting 'metrics-file'");
        }
        if (config.getValue("metrics-file").valueType() != ConfigValueType.STRING) {
            throw new ConfigurationException(NAME + ".metrics-file", config.getValue("metrics-file").unwrapped(), "a file name");
        }
        return new ReportSettings(config.getString("metrics-file"));
    }
}
