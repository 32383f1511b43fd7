package dev.trainer4j.plugins.tokenizers;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The test resources folder and settings with this plugin's defaults merged in. */
final class TestResources {
    private TestResources() {
    }

    static Path tokenizers() {
        try {
            return Path.of(TestResources.class.getResource("/tokenizers/SOURCE.md").toURI()).getParent();
        }
        catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code overrides} over the defaults of {@code trainer4j.plugins.tokenizers.<name>} from reference.conf. */
    static Config settings(String name, Map<String, ?> overrides) {
        Config defaults = ConfigFactory.parseResources("reference.conf").getConfig("trainer4j.plugins.tokenizers." + name);
        return ConfigFactory.parseMap(overrides).withFallback(defaults);
    }
}
