package dev.trainer4j.tf.pretrained;

import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.tf.pretrained.internal.SafetensorsReader;
import dev.trainer4j.tf.pretrained.internal.SafetensorsWriter;
import dev.trainer4j.tf.pretrained.internal.SafetensorsWriter.FloatTensor;
import dev.trainer4j.tf.pretrained.internal.ShardedSafetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static dev.trainer4j.tf.pretrained.SafetensorsFiles.concat;
import static dev.trainer4j.tf.pretrained.SafetensorsFiles.entry;
import static dev.trainer4j.tf.pretrained.SafetensorsFiles.floats;
import static dev.trainer4j.tf.pretrained.SafetensorsFiles.shorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsTest {

    @Test
    void writerLaysOutTheHeaderAsTheReferenceWriter(@TempDir Path temp) throws Exception {
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        tensors.put("b.weight", new FloatTensor(new long[] {1, 2}, new float[] {3f, 4f}));
        tensors.put("a.bias", new FloatTensor(new long[] {2}, new float[] {1f, 2f}));
        Path file = temp.resolve("model.safetensors");

        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));

        // __metadata__ first, tensors by name with their data in that order, compact JSON: 153 bytes, padded with
        // 7 spaces to 160, the next multiple of 8 (safetensors' serialize pads the header the same way)
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b.weight\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[8,16]}}";
        assertThat(json).hasSize(153);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(buffer.getLong(0)).isEqualTo(160);
        assertThat(new String(bytes, 8, 160, StandardCharsets.UTF_8)).isEqualTo(json + "       ");
        assertThat(Arrays.copyOfRange(bytes, 168, bytes.length)).containsExactly(floats(1f, 2f, 3f, 4f));
    }

    @Test
    void writeThenReadIsBitExact(@TempDir Path temp) throws Exception {
        Random random = new Random(16);
        float[] weight = new float[6 * 5];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) random.nextGaussian();
        }
        float[] special = {-0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
                Float.intBitsToFloat(0x7fc01234), 1e-40f};
        Map<String, FloatTensor> tensors = Map.of("encoder.weight", new FloatTensor(new long[] {6, 5}, weight),
                "special", new FloatTensor(new long[] {6}, special), "scalar", new FloatTensor(new long[] {}, new float[] {7f}));
        Path file = temp.resolve("model.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));

        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertThat(reader.keys()).containsExactly("encoder.weight", "scalar", "special");
            assertThat(reader.metadata()).containsExactly(Map.entry("format", "pt"));
            assertThat(reader.shape("encoder.weight")).containsExactly(6, 5);
            assertThat(reader.shape("scalar")).isEmpty();
            assertThat(reader.dataType("special")).isEqualTo(WeightSource.FLOAT32);
            assertThat(bits(reader.readFloats("encoder.weight"))).containsExactly(bits(weight));
            assertThat(bits(reader.readFloats("special"))).containsExactly(bits(special));
            assertThat(reader.readFloats("scalar")).containsExactly(7f);

            Map<String, FloatTensor> again = new LinkedHashMap<>();
            for (String key : reader.keys()) {
                again.put(key, new FloatTensor(reader.shape(key), reader.readFloats(key)));
            }
            Path second = temp.resolve("again.safetensors");
            SafetensorsWriter.write(second, again, reader.metadata());
            assertThat(Files.readAllBytes(second)).as("write, read, write gives the same bytes").isEqualTo(Files.readAllBytes(file));
        }
    }

    @Test
    void float16AndBfloat16AreUpcastExactly(@TempDir Path temp) {
        // float16 bits: sign | 5 exponent bits (bias 15) | 10 mantissa bits
        //   0x3C00 = 2^0 = 1; 0xC000 = -2^1 = -2; 0x3555 = 2^(13-15) * (1 + 341/1024) = 0.333251953125;
        //   0x7BFF = 2^15 * (1 + 1023/1024) = 65504 (largest); 0x0001 = 2^-24 (smallest subnormal);
        //   0x03FF = 1023 * 2^-24 (largest subnormal); 0x8000 = -0; 0x7C00 = +infinity
        // bfloat16 bits are the upper half of float32: 0x3F80 -> 0x3F800000 = 1; 0x4049 -> 2^1 * (1 + 0x49/128)
        //   = 3.140625; 0xC2F7 -> -2^6 * (1 + 0x77/128) = -123.5; 0x0001 -> 2^-133 (a float32 subnormal); 0xFF80 = -inf
        String header = "{" + entry("half", "F16", "[2,4]", 0, 16) + "," + entry("brain", "BF16", "[5]", 16, 26) + "}";
        Path file = SafetensorsFiles.write(temp.resolve("half.safetensors"), header, concat(
                shorts(0x3C00, 0xC000, 0x3555, 0x7BFF, 0x0001, 0x03FF, 0x8000, 0x7C00),
                shorts(0x3F80, 0x4049, 0xC2F7, 0x0001, 0xFF80)));
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertThat(reader.dataType("half")).isEqualTo(WeightSource.FLOAT32);
            assertThat(reader.shape("half")).containsExactly(2, 4);
            assertThat(bits(reader.readFloats("half"))).containsExactly(bits(new float[] {1f, -2f, 0.333251953125f,
                    65504f, (float) Math.scalb(1.0, -24), (float) (1023 * Math.scalb(1.0, -24)), -0.0f,
                    Float.POSITIVE_INFINITY}));
            assertThat(bits(reader.readFloats("brain"))).containsExactly(bits(new float[] {1f, 3.140625f, -123.5f,
                    (float) Math.scalb(1.0, -133), Float.NEGATIVE_INFINITY}));
        }
    }

    @Test
    void float64AndIntegersAreListedButNotLoaded(@TempDir Path temp) {
        String header = "{" + entry("position_ids", "I64", "[2]", 0, 16) + "," + entry("double", "F64", "[1]", 16, 24) + "}";
        Path file = SafetensorsFiles.write(temp.resolve("typed.safetensors"), header, new byte[24]);
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertThat(reader.dataType("position_ids")).isEqualTo("int64");
            assertThat(reader.dataType("double")).isEqualTo("float64");
            assertThatThrownBy(() -> reader.readFloats("double")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("tensor 'double' holds F64");
        }
    }

    @Test
    void shardedCheckpointLoadsThroughItsIndex(@TempDir Path temp) throws Exception {
        SafetensorsWriter.write(temp.resolve("model-00001-of-00002.safetensors"),
                Map.of("a.weight", new FloatTensor(new long[] {2}, new float[] {1f, 2f})), Map.of("format", "pt"));
        SafetensorsWriter.write(temp.resolve("model-00002-of-00002.safetensors"),
                Map.of("b.weight", new FloatTensor(new long[] {1, 1}, new float[] {3f})), Map.of("format", "pt"));
        Path index = Files.writeString(temp.resolve(ShardedSafetensors.INDEX_FILE), "{\"metadata\":{\"total_size\":12},"
                + "\"weight_map\":{\"a.weight\":\"model-00001-of-00002.safetensors\","
                + "\"b.weight\":\"model-00002-of-00002.safetensors\"}}");
        for (Path source : new Path[] {index, temp}) {
            try (WeightSource sharded = WeightSources.open(source)) {
                assertThat(sharded.keys()).containsExactly("a.weight", "b.weight");
                assertThat(sharded.readFloats("a.weight")).containsExactly(1f, 2f);
                assertThat(sharded.shape("b.weight")).containsExactly(1, 1);
                assertThat(sharded.readFloats("b.weight")).containsExactly(3f);
            }
        }
        Files.writeString(index, "{\"weight_map\":{\"a.weight\":\"model-00002-of-00002.safetensors\"}}");
        assertThatThrownBy(() -> WeightSources.open(index)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor 'a.weight' is mapped to").hasMessageContaining("model-00002-of-00002.safetensors");
    }

    @Test
    void badFilesGiveOneClearErrorNamingTheFileAndTensor(@TempDir Path temp) throws Exception {
        Path tiny = Files.write(temp.resolve("tiny.safetensors"), new byte[] {1, 2, 3, 4, 5});
        assertBad(tiny, "truncated header", "5 bytes");

        Path beyond = SafetensorsFiles.writeRaw(temp.resolve("beyond.safetensors"), 1000, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertBad(beyond, "truncated header", "header length 1000 reaches beyond the end of the file");

        Path notJson = SafetensorsFiles.write(temp.resolve("json.safetensors"), "{\"a\": [1, 2", new byte[0]);
        assertBad(notJson, "the header is not valid JSON");

        Path unknownType = SafetensorsFiles.write(temp.resolve("dtype.safetensors"),
                "{" + entry("encoder.weight", "F17", "[2]", 0, 8) + "}", new byte[8]);
        assertBad(unknownType, "tensor 'encoder.weight'", "unknown dtype 'F17'", "F32, F16, BF16");

        Path wrongSize = SafetensorsFiles.write(temp.resolve("size.safetensors"),
                "{" + entry("encoder.weight", "F32", "[2,3]", 0, 16) + "}", new byte[16]);
        assertBad(wrongSize, "tensor 'encoder.weight'", "hold 16 bytes", "shape [2, 3] of F32 needs 6 x 4 = 24 bytes");

        Path outside = SafetensorsFiles.write(temp.resolve("outside.safetensors"),
                "{" + entry("encoder.weight", "F32", "[4]", 0, 16) + "}", new byte[8]);
        assertBad(outside, "tensor 'encoder.weight'", "data_offsets [0, 16] are outside the data of the file (8 bytes");

        Path overlap = SafetensorsFiles.write(temp.resolve("overlap.safetensors"), "{" + entry("a", "F32", "[2]", 0, 8)
                + "," + entry("b", "F32", "[2]", 4, 12) + "}", new byte[12]);
        assertBad(overlap, "tensor 'b'", "overlap those of tensor 'a'");

        Path noOffsets = SafetensorsFiles.write(temp.resolve("offsets.safetensors"),
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]);
        assertBad(noOffsets, "tensor 'a'", "\"data_offsets\" is missing");
    }

    private static void assertBad(Path file, String... parts) {
        assertThatThrownBy(() -> WeightSources.open(file).close())
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContainingAll(parts);
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
