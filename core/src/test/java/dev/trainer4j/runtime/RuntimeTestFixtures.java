package dev.trainer4j.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.util.List;

/** The test plugin's registry and the reference defaults with its settings layered in. */
public final class RuntimeTestFixtures {
    private RuntimeTestFixtures() {
    }

    public static PluginRegistry registry() {
        return PluginLoader.register(List.of(new RuntimeTestPlugin()));
    }

    public static Config reference() {
        return ConfigFactory.parseResources(RuntimeTestFixtures.class, "/runtime-test-plugins.conf")
                .withFallback(ConfigFactory.defaultReference())
                .resolve();
    }

    public static Trainer4j runtime() {
        return Trainer4j.create(registry(), reference());
    }
}
