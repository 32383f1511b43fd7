package dev.trainer4j.tf.pretrained.internal;

import dev.trainer4j.tf.pretrained.WeightSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A source with the {@code config.json} of its folder and work to do after it is closed (deleting copies). */
public final class DecoratedSource implements WeightSource {
    private final WeightSource source;
    private final Optional<Map<String, Object>> config;
    private final Runnable afterClose;

    public DecoratedSource(WeightSource source, Optional<Map<String, Object>> config, Runnable afterClose) {
        this.source = requireNonNull(source, "source is null");
        this.config = requireNonNull(config, "config is null");
        this.afterClose = requireNonNull(afterClose, "afterClose is null");
    }

    @Override
    public String location() {
        return source.location();
    }

    @Override
    public List<String> keys() {
        return source.keys();
    }

    @Override
    public long[] shape(String key) {
        return source.shape(key);
    }

    @Override
    public String dataType(String key) {
        return source.dataType(key);
    }

    @Override
    public float[] readFloats(String key) {
        return source.readFloats(key);
    }

    @Override
    public Optional<Map<String, Object>> huggingFaceConfig() {
        return config.isPresent() ? config : source.huggingFaceConfig();
    }

    @Override
    public void close() {
        try {
            source.close();
        }
        finally {
            afterClose.run();
        }
    }
}
