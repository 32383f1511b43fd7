package dev.trainer4j.plugins.data;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.PluginContext;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The test data folder and helpers to create datasets from the module's defaults. */
final class TestFiles {
    static final Config REFERENCE = ConfigFactory.parseResources("reference.conf");

    private TestFiles() {
    }

    static Path folder() {
        try {
            return Path.of(TestFiles.class.getResource("/data").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A context whose base directory is the test data folder. */
    static PluginContext context() {
        Path folder = folder();
        return () -> folder;
    }

    static Config settings(String factory, String overrides) {
        return ConfigFactory.parseString(overrides)
                .withFallback(REFERENCE.getConfig("trainer4j.plugins.datasets." + factory));
    }

    static MapDataset load(DatasetFactory factory, String overrides) {
        Dataset dataset = factory.create(settings(factory.name(), overrides), context());
        assertThat(dataset).isInstanceOf(MapDataset.class);
        return (MapDataset) dataset;
    }
}
