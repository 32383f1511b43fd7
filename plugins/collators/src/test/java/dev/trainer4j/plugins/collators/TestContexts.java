package dev.trainer4j.plugins.collators;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.spi.PluginContext;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Plugin contexts with or without a tokenizer, and settings with this plugin's defaults. */
final class TestContexts {
    private TestContexts() {
    }

    static PluginContext without() {
        return () -> Path.of(".");
    }

    static PluginContext with(Tokenizer tokenizer) {
        return new PluginContext() {
            @Override
            public Path baseDirectory() {
                return Path.of(".");
            }

            @Override
            public Optional<Tokenizer> tokenizer() {
                return Optional.of(tokenizer);
            }
        };
    }

    static Config settings(String name, Map<String, ?> overrides) {
        Config defaults = ConfigFactory.parseResources("reference.conf").getConfig("trainer4j.plugins.collators." + name);
        return ConfigFactory.parseMap(overrides).withFallback(defaults);
    }
}
