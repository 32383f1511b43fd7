package dev.trainer4j.tf;

import org.tensorflow.DeviceSpec;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where one tower of the graph is built: a name-scope prefix and an optional device. The engine builds every
 * forward pass through a replica, so replicated towers (several devices) can be added without changing models.
 *
 * @param name the tower's name-scope segment, e.g. {@code replica_0}
 * @param device the device of the tower's ops; empty lets TF place them
 */
public record TfReplica(String name, Optional<DeviceSpec> device) {
    public static final TfReplica DEFAULT = new TfReplica("replica_0", Optional.empty());

    public TfReplica {
        requireNonNull(name, "name is null");
        requireNonNull(device, "device is null");
    }
}
