package dev.trainer4j.tf.pretrained.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.tf.pretrained.WeightSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * A sharded safetensors checkpoint: {@code model.safetensors.index.json} whose {@code weight_map} names, for each
 * tensor, the shard file (in the same folder) that holds it, as Hugging Face's {@code save_pretrained} writes when
 * a model exceeds {@code max_shard_size}. Every shard is opened and checked at open; a tensor the map lists but its
 * shard lacks is an error naming both.
 */
public final class ShardedSafetensors implements WeightSource {
    public static final String INDEX_FILE = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path index;
    private final Map<String, SafetensorsReader> shardOfKey;
    private final List<SafetensorsReader> shards;

    private ShardedSafetensors(Path index, Map<String, SafetensorsReader> shardOfKey, List<SafetensorsReader> shards) {
        this.index = index;
        this.shardOfKey = shardOfKey;
        this.shards = shards;
    }

    /** Opens the index file and every shard it names. */
    public static ShardedSafetensors open(Path index) {
        requireNonNull(index, "index is null");
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(index));
        }
        catch (IOException e) {
            throw new CheckpointException(index, "cannot read the safetensors index " + index + ": " + e.getMessage());
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw new CheckpointException(index, "safetensors index " + index + " has no \"weight_map\" object of"
                    + " tensor names and shard files");
        }
        Map<String, SafetensorsReader> byFile = new LinkedHashMap<>();
        Map<String, SafetensorsReader> shardOfKey = new TreeMap<>();
        try {
            for (Iterator<Map.Entry<String, JsonNode>> entries = weightMap.fields(); entries.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String shardName = entry.getValue().asText();
                Path shardPath = index.resolveSibling(shardName);
                if (!entry.getValue().isTextual() || shardName.contains("/") || shardName.contains("\\")
                        || !Files.isRegularFile(shardPath)) {
                    throw new CheckpointException(index, "safetensors index " + index + ": tensor '" + entry.getKey()
                            + "' is in shard " + entry.getValue() + ", which is not a file next to the index");
                }
                SafetensorsReader shard = byFile.get(shardName);
                if (shard == null) {
                    shard = SafetensorsReader.open(shardPath);
                    byFile.put(shardName, shard);
                }
                if (!shard.keys().contains(entry.getKey())) {
                    throw new CheckpointException(index, "safetensors index " + index + ": tensor '" + entry.getKey()
                            + "' is mapped to " + shardPath + ", which does not hold it");
                }
                shardOfKey.put(entry.getKey(), shard);
            }
        }
        catch (RuntimeException e) {
            byFile.values().forEach(SafetensorsReader::close);
            throw e;
        }
        return new ShardedSafetensors(index, shardOfKey, new ArrayList<>(byFile.values()));
    }

    @Override
    public String location() {
        return index.toString();
    }

    @Override
    public List<String> keys() {
        return List.copyOf(shardOfKey.keySet());
    }

    @Override
    public long[] shape(String key) {
        return shard(key).shape(key);
    }

    @Override
    public String dataType(String key) {
        return shard(key).dataType(key);
    }

    @Override
    public float[] readFloats(String key) {
        return shard(key).readFloats(key);
    }

    private SafetensorsReader shard(String key) {
        requireNonNull(key, "key is null");
        SafetensorsReader shard = shardOfKey.get(key);
        if (shard == null) {
            throw new IllegalArgumentException("the safetensors index " + index + " has no tensor '" + key + "'");
        }
        return shard;
    }

    @Override
    public void close() {
        shards.forEach(SafetensorsReader::close);
    }
}
