package dev.trainer4j.runtime;

import dev.trainer4j.config.PluginKind;
import dev.trainer4j.spi.NamedFactory;
import dev.trainer4j.spi.Plugin;

import static java.util.Objects.requireNonNull;

/**
 * A factory and the plugin that provided it.
 *
 * @param kind the factory kind
 * @param name the factory's kebab-case name
 * @param factory the factory
 * @param plugin the plugin that contributed it
 */
public record RegisteredFactory(PluginKind kind, String name, NamedFactory<?> factory, Plugin plugin) {
    public RegisteredFactory {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(factory, "factory is null");
        requireNonNull(plugin, "plugin is null");
    }

    /** Where the plugin class was loaded from (its jar or folder), for messages. */
    public String pluginLocation() {
        return PluginLoader.location(plugin.getClass());
    }
}
