package dev.trainer4j.plugins.tensorboard;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import dev.trainer4j.api.ConfigurationException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the {@code tensorboard} callback.
 *
 * @param logDirectory where the runs' event-file folders go (HF's {@code logging_dir} without its last part): empty
 *                     for {@code <output-dir>/runs}; a relative path is resolved against {@code output-dir}
 * @param flushMillis  the longest time an event waits in TensorFlow's buffer before it is written (ms, &gt; 0)
 * @param maxQueue     how many events TensorFlow buffers before it writes them (&gt; 0)
 * @param histograms   whether every training log also writes a histogram of each model weight
 *                     ({@code weights/<variable>}) and of each trainable variable's gradient at that step
 *                     ({@code gradients/<variable>})
 */
public record TensorBoardSettings(Optional<String> logDirectory, int flushMillis, int maxQueue, boolean histograms) {
    static final String NAME = "tensorboard";
    private static final Set<String> KEYS = Set.of("log-dir", "flush-millis", "max-queue", "histograms");

    /** Without histograms. */
    public TensorBoardSettings(Optional<String> logDirectory, int flushMillis, int maxQueue) {
        this(logDirectory, flushMillis, maxQueue, false);
    }

    public TensorBoardSettings {
        requireNonNull(logDirectory, "log-dir is null");
        if (logDirectory.isPresent()) {
            String value = logDirectory.get();
            if (value.isBlank()) {
                throw new ConfigurationException(NAME + ".log-dir", value, "null or a non-empty path");
            }
            try {
                Path.of(value);
            }
            catch (InvalidPathException e) {
                throw new ConfigurationException(NAME + ".log-dir", value, "a valid path");
            }
        }
        if (flushMillis <= 0) {
            throw new ConfigurationException(NAME + ".flush-millis", flushMillis, "an integer > 0");
        }
        if (maxQueue <= 0) {
            throw new ConfigurationException(NAME + ".max-queue", maxQueue, "an integer > 0");
        }
    }

    /** Reads the callback's block (defaults merged in); unknown keys and wrong types are errors naming the key. */
    static TensorBoardSettings fromConfig(Config config) {
        for (String key : config.root().keySet()) {
            if (!key.equals("type") && !KEYS.contains(key)) {
                throw new ConfigurationException(NAME + "." + key, "callback " + NAME + " has no setting '" + key
                        + "'; its settings are " + new TreeSet<>(KEYS));
            }
        }
        Optional<String> logDirectory;
        if (!config.hasPathOrNull("log-dir") || config.getIsNull("log-dir")) {
            logDirectory = Optional.empty();
        }
        else if (config.getValue("log-dir").valueType() != ConfigValueType.STRING) {
            throw new ConfigurationException(NAME + ".log-dir", config.getValue("log-dir").unwrapped(), "null or a path");
        }
        else {
            logDirectory = Optional.of(config.getString("log-dir"));
        }
        boolean histograms = false;
        if (config.hasPath("histograms")) {
            if (config.getValue("histograms").valueType() != ConfigValueType.BOOLEAN) {
                throw new ConfigurationException(NAME + ".histograms", config.getValue("histograms").unwrapped(), "true or false");
            }
            histograms = config.getBoolean("histograms");
        }
        return new TensorBoardSettings(logDirectory, positiveInt(config, "flush-millis"), positiveInt(config, "max-queue"), histograms);
    }

    /** The folder that holds one sub-folder per run ({@code <date>_<host>}) for a run writing to {@code outputDir}. */
    Path resolve(String outputDir) {
        Path output = Path.of(outputDir);
        return logDirectory.map(output::resolve).orElse(output.resolve("runs"));
    }

    private static int positiveInt(Config config, String key) {
        String name = NAME + "." + key;
        if (!config.hasPath(key)) {
            throw new ConfigurationException(name, "callback " + NAME + " needs the setting '" + key + "'");
        }
        Object value = config.getValue(key).unwrapped();
        try {
            if (config.getValue(key).valueType() != ConfigValueType.NUMBER) {
                throw new ConfigurationException(name, value, "an integer > 0");
            }
            double number = config.getDouble(key);
            if (number != Math.rint(number) || number <= 0 || number > Integer.MAX_VALUE) {
                throw new ConfigurationException(name, value, "an integer > 0 and <= " + Integer.MAX_VALUE);
            }
            return (int) number;
        }
        catch (ConfigException.WrongType e) {
            throw new ConfigurationException(name, value, "an integer > 0");
        }
    }
}
