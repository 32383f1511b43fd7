package dev.trainer4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;

import static java.util.Objects.requireNonNull;

/**
 * One plugin choice of a run, e.g. {@code metrics[1] = { type = f1, average = macro }}: the factory's kind and name,
 * where it was written, and its settings with the plugin's reference defaults merged in ({@code type} removed).
 *
 * @param kind the factory kind
 * @param path where the block is in the run file, e.g. {@code metrics[1]} or {@code data.eval.validation}
 * @param type the factory name
 * @param settings the block over {@code trainer4j.plugins.<kind>.<type>}, resolved, without {@code type}
 */
public record PluginBlock(PluginKind kind, String path, String type, Config settings) {
    public PluginBlock {
        requireNonNull(kind, "kind is null");
        requireNonNull(path, "path is null");
        requireNonNull(type, "type is null");
        requireNonNull(settings, "settings is null");
    }

    /** The block as a run file would spell it: {@code type} first, then every setting. */
    public Config rendered() {
        return settings.withValue("type", ConfigValueFactory.fromAnyRef(type));
    }
}
