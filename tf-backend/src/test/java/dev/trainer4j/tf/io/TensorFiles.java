package dev.trainer4j.tf.io;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.HostTensor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Named host tensors in a small binary file (values bit-exact), passed between the test and a child JVM. */
final class TensorFiles {
    private TensorFiles() {
    }

    static void write(Path file, Map<String, HostTensor> tensors) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(tensors.size());
            for (Map.Entry<String, HostTensor> entry : tensors.entrySet()) {
                HostTensor tensor = entry.getValue();
                out.writeUTF(entry.getKey());
                out.writeUTF(tensor.dataType().name());
                long[] shape = tensor.shape();
                out.writeInt(shape.length);
                for (long dimension : shape) {
                    out.writeLong(dimension);
                }
                switch (tensor.dataType()) {
                    case FLOAT32 -> {
                        for (float value : tensor.floats()) {
                            out.writeInt(Float.floatToRawIntBits(value));
                        }
                    }
                    case INT32 -> {
                        for (int value : tensor.ints()) {
                            out.writeInt(value);
                        }
                    }
                    case INT64 -> {
                        for (long value : tensor.longs()) {
                            out.writeLong(value);
                        }
                    }
                    default -> throw new IllegalArgumentException("unsupported type " + tensor.dataType());
                }
            }
        }
    }

    static Map<String, HostTensor> read(Path file) throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int count = in.readInt();
            for (int t = 0; t < count; t++) {
                String name = in.readUTF();
                DataType type = DataType.valueOf(in.readUTF());
                long[] shape = new long[in.readInt()];
                long size = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = in.readLong();
                    size *= shape[i];
                }
                int n = Math.toIntExact(size);
                switch (type) {
                    case FLOAT32 -> {
                        float[] values = new float[n];
                        for (int i = 0; i < n; i++) {
                            values[i] = Float.intBitsToFloat(in.readInt());
                        }
                        tensors.put(name, HostTensor.ofFloats(values, shape));
                    }
                    case INT32 -> {
                        int[] values = new int[n];
                        for (int i = 0; i < n; i++) {
                            values[i] = in.readInt();
                        }
                        tensors.put(name, HostTensor.ofInts(values, shape));
                    }
                    case INT64 -> {
                        long[] values = new long[n];
                        for (int i = 0; i < n; i++) {
                            values[i] = in.readLong();
                        }
                        tensors.put(name, HostTensor.ofLongs(values, shape));
                    }
                    default -> throw new IllegalArgumentException("unsupported type " + type);
                }
            }
        }
        return tensors;
    }
}
