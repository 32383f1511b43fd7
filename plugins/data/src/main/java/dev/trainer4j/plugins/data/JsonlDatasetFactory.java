package dev.trainer4j.plugins.data;

import com.typesafe.config.Config;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.PluginContext;

/** {@code jsonl}: a JSON Lines file loaded into a map-style dataset. */
public final class JsonlDatasetFactory implements DatasetFactory {

    @Override
    public String name() {
        return "jsonl";
    }

    @Override
    public String description() {
        return "JSON Lines file (one object per line), loaded into memory";
    }

    @Override
    public Dataset create(Config settings, PluginContext context) {
        FileDatasetSettings fileSettings = FileDatasetSettings.from(settings, context, "JSONL");
        return new FileDataset(fileSettings.path(), new JsonlReader(fileSettings).read());
    }
}
