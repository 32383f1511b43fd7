package dev.trainer4j.plugins.data;

import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.Plugin;

import java.util.List;

/**
 * File datasets: {@code jsonl} and {@code csv}, both read whole into memory as map-style datasets. Defaults live
 * under {@code trainer4j.plugins.datasets.<name>} in this module's {@code reference.conf}.
 */
public final class DataPlugin implements Plugin {

    @Override
    public String name() {
        return "data";
    }

    @Override
    public List<DatasetFactory> datasetFactories() {
        return List.of(new JsonlDatasetFactory(), new CsvDatasetFactory());
    }
}
