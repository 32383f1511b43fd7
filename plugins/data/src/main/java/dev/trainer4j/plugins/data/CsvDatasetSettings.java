package dev.trainer4j.plugins.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.spi.PluginContext;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the {@code csv} dataset.
 *
 * @param file path, fields and limit
 * @param delimiter the field separator
 * @param header whether the first record names the columns (otherwise they are named "0", "1", ...)
 */
public record CsvDatasetSettings(FileDatasetSettings file, char delimiter, boolean header) {
    public CsvDatasetSettings {
        requireNonNull(file, "file is null");
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new ConfigurationException("delimiter", String.valueOf(delimiter),
                    "a single character other than a quote or a line break");
        }
    }

    static CsvDatasetSettings from(Config settings, PluginContext context) {
        FileDatasetSettings file = FileDatasetSettings.from(settings, context, "CSV");
        String delimiter = FileDatasetSettings.string(settings, "delimiter");
        if (delimiter.length() != 1) {
            throw new ConfigurationException("delimiter", delimiter, "a single character such as \",\" or \"\\t\"");
        }
        boolean header;
        try {
            header = settings.getBoolean("header");
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException("header", settings.getValue("header").unwrapped(), "true or false");
        }
        return new CsvDatasetSettings(file, delimiter.charAt(0), header);
    }
}
