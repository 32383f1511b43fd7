package dev.trainer4j.plugins.data;

import com.typesafe.config.Config;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.PluginContext;

/** {@code csv}: an RFC 4180 CSV file with typed columns, loaded into a map-style dataset. */
public final class CsvDatasetFactory implements DatasetFactory {

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String description() {
        return "CSV file (RFC 4180 quoting, typed columns), loaded into memory";
    }

    @Override
    public Dataset create(Config settings, PluginContext context) {
        CsvDatasetSettings csvSettings = CsvDatasetSettings.from(settings, context);
        return new FileDataset(csvSettings.file().path(), new CsvReader(csvSettings).read());
    }
}
