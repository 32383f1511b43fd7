package dev.trainer4j.plugins.data;

import dev.trainer4j.api.ConfigIntegers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.spi.PluginContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Settings shared by the file datasets.
 *
 * @param path the file to read, already resolved
 * @param fields which columns to keep and under which names
 * @param limit the maximum number of rows to read, when set
 * @param variableLengthFields the (output) fields whose lists of numbers may differ in length from row to row; every
 *     other list of numbers keeps the first row's length
 */
public record FileDatasetSettings(Path path, FieldMapping fields, OptionalInt limit, Set<String> variableLengthFields) {
    public FileDatasetSettings {
        requireNonNull(path, "path is null");
        requireNonNull(fields, "fields is null");
        requireNonNull(limit, "limit is null");
        variableLengthFields = Set.copyOf(requireNonNull(variableLengthFields, "variableLengthFields is null"));
        if (limit.isPresent() && limit.getAsInt() < 1) {
            throw new ConfigurationException("limit", limit.getAsInt(), "an integer >= 1, or null for no limit");
        }
    }

    /** Reads {@code path}, {@code fields} and {@code limit}; the file must exist. */
    static FileDatasetSettings from(Config settings, PluginContext context, String format) {
        requireNonNull(settings, "settings is null");
        requireNonNull(context, "context is null");
        return new FileDatasetSettings(path(settings, context, format), fields(settings), limit(settings),
                variableLengthFields(settings));
    }

    private static Path path(Config settings, PluginContext context, String format) {
        if (!settings.hasPath("path")) {
            throw new ConfigurationException("path", "path: missing; expected the " + format
                    + " file to read (relative paths resolve against the run file's folder)");
        }
        String given = string(settings, "path");
        Path resolved = context.resolve(given);
        if (!Files.isRegularFile(resolved) || !Files.isReadable(resolved)) {
            throw new ConfigurationException("path", given + " (resolved to " + resolved + ")",
                    "an existing readable " + format + " file");
        }
        return resolved;
    }

    private static FieldMapping fields(Config settings) {
        if (!settings.hasPath("fields")) {
            return FieldMapping.keepAll();
        }
        ConfigValue value = settings.getValue("fields");
        Map<String, String> mapping = new LinkedHashMap<>();
        if (value instanceof ConfigList list) {
            for (ConfigValue item : list) {
                if (item.valueType() != ConfigValueType.STRING) {
                    throw new ConfigurationException("fields", item.unwrapped(), "a column name (string)");
                }
                String name = (String) item.unwrapped();
                mapping.put(name, name);
            }
        } else if (value instanceof ConfigObject object) {
            for (Map.Entry<String, ConfigValue> entry : new TreeMap<>(object).entrySet()) {
                if (entry.getValue().valueType() != ConfigValueType.STRING) {
                    throw new ConfigurationException("fields." + entry.getKey(), entry.getValue().unwrapped(),
                            "the name of a source column (a string)");
                }
                mapping.put(entry.getKey(), (String) entry.getValue().unwrapped());
            }
        } else {
            throw new ConfigurationException("fields", value.unwrapped(),
                    "an object of output name -> source column, or a list of column names");
        }
        return new FieldMapping(mapping);
    }

    private static Set<String> variableLengthFields(Config settings) {
        if (!settings.hasPath("variable-length-fields")) {
            return Set.of();
        }
        try {
            return new LinkedHashSet<>(settings.getStringList("variable-length-fields"));
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException("variable-length-fields", settings.getValue("variable-length-fields").unwrapped(),
                    "a list of field names");
        }
    }

    private static OptionalInt limit(Config settings) {
        if (!settings.hasPath("limit")) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(ConfigIntegers.readInt(settings, "limit"));
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException("limit", settings.getValue("limit").unwrapped(),
                    "an integer >= 1, or null for no limit");
        }
    }

    static String string(Config settings, String key) {
        try {
            return settings.getString(key);
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException(key, settings.getValue(key).unwrapped(), "a string");
        }
    }
}
