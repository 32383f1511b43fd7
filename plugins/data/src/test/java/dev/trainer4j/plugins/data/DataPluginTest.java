package dev.trainer4j.plugins.data;

import dev.trainer4j.spi.DatasetFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DataPluginTest {

    @Test
    void contributesJsonlAndCsvWithDefaults() {
        DataPlugin plugin = new DataPlugin();

        assertThat(plugin.datasetFactories()).extracting(DatasetFactory::name).containsExactly("jsonl", "csv");
        assertThat(TestFiles.REFERENCE.getConfig("trainer4j.plugins.datasets.csv").getString("delimiter")).isEqualTo(",");
        assertThat(TestFiles.REFERENCE.getConfig("trainer4j.plugins.datasets.csv").getBoolean("header")).isTrue();
        assertThat(TestFiles.REFERENCE.hasPath("trainer4j.plugins.datasets.jsonl.fields")).isTrue();
    }

    @Test
    void registersThePluginAsAService() throws Exception {
        try (var stream = DataPlugin.class.getResourceAsStream("/META-INF/services/dev.trainer4j.spi.Plugin")) {
            assertThat(stream).isNotNull();
            assertThat(new String(stream.readAllBytes()).trim()).isEqualTo(DataPlugin.class.getName());
        }
    }
}
