package dev.trainer4j.tf.pretrained;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.api.WeightMapping.Report;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.pretrained.internal.SafetensorsReader;
import dev.trainer4j.tf.pretrained.internal.SafetensorsWriter;
import dev.trainer4j.tf.pretrained.internal.SafetensorsWriter.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static dev.trainer4j.tf.pretrained.SafetensorsFiles.concat;
import static dev.trainer4j.tf.pretrained.SafetensorsFiles.entry;
import static dev.trainer4j.tf.pretrained.SafetensorsFiles.floats;
import static dev.trainer4j.tf.pretrained.TinyHuggingFaceModel.BIAS;
import static dev.trainer4j.tf.pretrained.TinyHuggingFaceModel.EMBEDDING;
import static dev.trainer4j.tf.pretrained.TinyHuggingFaceModel.KERNEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** init-from of safetensors, ONNX and class path sources into a model with Hugging Face names; export as safetensors. */
class PretrainedInitializeFromTest {
    private static final List<String> VARIABLES = List.of(EMBEDDING, BIAS, KERNEL);

    private static TfTrainingEngine engine(long seed) {
        TrainingArguments args = TrainingArguments.builder().outputDir("unused").seed(seed).maxSteps(1)
                .learningRate(0.01).optim(OptimizerType.ADAMW).build();
        // vocabulary 7, hidden 4, 3 labels: the sizes of generate_onnx_fixtures.py's TinyEncoder
        return new TfBackend().compile(new TinyHuggingFaceModel(7, 4, 3), args, new EngineOptions(List.of(), -1));
    }

    private static Map<String, float[]> weights(TfTrainingEngine engine) {
        Map<String, float[]> all = engine.readVariables();
        Map<String, float[]> weights = new LinkedHashMap<>();
        VARIABLES.forEach(name -> weights.put(name, all.get(name)));
        return weights;
    }

    @Test
    void onnxExportOfTorchLoadsWithTheMatMulWeightTransposedIntoTheKernel() {
        JsonNode torch = Fixtures.json("tiny-linear.expected.json");
        try (TfTrainingEngine target = engine(1)) {
            Report report = target.initializeFrom(Fixtures.file("tiny-linear.onnx"), WeightMapping.IDENTITY);

            assertThat(report.loaded()).containsExactlyElementsOf(List.of(EMBEDDING, BIAS, KERNEL).stream().sorted().toList());
            assertThat(report.missing()).isEmpty();
            assertThat(report.unexpected()).isEmpty();
            assertThat(report.mismatched()).isEmpty();
            Map<String, float[]> loaded = weights(target);
            assertThat(loaded.get(EMBEDDING)).containsExactly(Fixtures.values(torch.get("embeddings.word_embeddings.weight")));
            assertThat(loaded.get(BIAS)).containsExactly(Fixtures.values(torch.get("encoder.dense.bias")));
            // torch's Linear weight is [out 3, in 4]; the kernel is [in 4, out 3], its transpose
            assertThat(loaded.get(KERNEL)).containsExactly(
                    Fixtures.transpose(Fixtures.values(torch.get("encoder.dense.weight")), 3, 4));
        }
    }

    @Test
    void safetensorsWithBertPrefixAndBuffersLoadWithTheUsersSkipsOnTop(@TempDir Path temp) {
        float[] embedding = new float[7 * 4];
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = i * 0.25f - 3f;
        }
        float[] torchWeight = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; // [out 3, in 4]
        float[] bias = {0.5f, -0.5f, 0.25f};
        // a BertFor*-style file: bert. prefixed names, an int64 position_ids buffer and a head the model lacks
        String header = "{" + entry("bert.embeddings.position_ids", "I64", "[1,2]", 0, 16) + ","
                + entry("bert.embeddings.word_embeddings.weight", "F32", "[7,4]", 16, 128) + ","
                + entry("bert.encoder.dense.bias", "F32", "[3]", 128, 140) + ","
                + entry("bert.encoder.dense.weight", "F32", "[3,4]", 140, 188) + ","
                + entry("classifier.weight", "F32", "[1]", 188, 192) + "}";
        Path file = SafetensorsFiles.write(temp.resolve("model.safetensors"), header,
                concat(concat(concat(new byte[16], floats(embedding)), concat(floats(bias), floats(torchWeight))), floats(9f)));
        try (TfTrainingEngine target = engine(1)) {
            Report report = target.initializeFrom(file, WeightMapping.IDENTITY);
            assertThat(report.loaded()).hasSize(3);
            assertThat(report.unexpected()).containsExactly("bert.embeddings.position_ids", "classifier.weight");
            Map<String, float[]> loaded = weights(target);
            assertThat(loaded.get(EMBEDDING)).containsExactly(embedding);
            assertThat(loaded.get(BIAS)).containsExactly(bias);
            // kernel[i][j] = weight[j][i]: row i of the kernel is column i of the torch weight
            assertThat(loaded.get(KERNEL)).containsExactly(1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12);

            Report skipped = target.initializeFrom(file, WeightMapping.IDENTITY.skipGlob("classifier.*")
                    .skipGlob("bert.embeddings.position_ids").skipGlob(BIAS));
            assertThat(skipped.unexpected()).isEmpty();
            assertThat(skipped.skipped()).containsExactly(BIAS);
            assertThat(skipped.loaded()).containsExactly(EMBEDDING, KERNEL);
        }
    }

    @Test
    void aShapeMismatchIsReportedNamingTheTensorAndStrictRefusesIt(@TempDir Path temp) {
        SafetensorsWriter.write(temp.resolve("model.safetensors"), Map.of(
                "encoder.dense.weight", new FloatTensor(new long[] {3, 5}, new float[15]),
                "encoder.dense.bias", new FloatTensor(new long[] {3}, new float[3])), Map.of());
        try (TfTrainingEngine target = engine(1)) {
            Report report = target.initializeFrom(temp, WeightMapping.IDENTITY);
            assertThat(report.loaded()).containsExactly(BIAS);
            assertThat(report.missing()).containsExactly(EMBEDDING);
            assertThat(report.mismatch(KERNEL).orElseThrow().toString())
                    .isEqualTo(KERNEL + " (model float32[4, 3], source '" + KERNEL + "' float32[5, 3])");
            assertThatThrownBy(() -> target.initializeFrom(temp, WeightMapping.IDENTITY.strict(true)))
                    .hasMessageContaining(KERNEL).hasMessageContaining("float32[5, 3]");
        }
    }

    @Test
    void exportAsSafetensorsThenImportIsBitExactAndInHuggingFaceLayout(@TempDir Path temp) {
        Path folder = temp.resolve("export");
        Map<String, float[]> source;
        try (TfTrainingEngine trained = engine(1)) {
            source = weights(trained);
            Files.createDirectories(folder);
            assertThat(trained.savePretrained(folder)).containsExactly("model.safetensors", "config.json");
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (SafetensorsReader file = SafetensorsReader.open(folder.resolve("model.safetensors"))) {
            assertThat(file.keys()).containsExactly("embeddings.word_embeddings.weight", "encoder.dense.bias",
                    "encoder.dense.weight");
            assertThat(file.metadata()).containsEntry("format", "pt");
            assertThat(file.shape("encoder.dense.weight")).containsExactly(3, 4);
            assertThat(file.readFloats("encoder.dense.weight")).containsExactly(Fixtures.transpose(source.get(KERNEL), 4, 3));
        }
        try (TfTrainingEngine target = engine(2)) {
            assertThat(weights(target).get(KERNEL)).isNotEqualTo(source.get(KERNEL));
            Report report = target.initializeFrom(folder, WeightMapping.IDENTITY);
            assertThat(report.loaded()).hasSize(3);
            Map<String, float[]> loaded = weights(target);
            for (String name : VARIABLES) {
                assertThat(bits(loaded.get(name))).as(name).containsExactly(bits(source.get(name)));
            }
        }
    }

    @Test
    void aConfigJsonOfAnotherSizeIsRefusedNamingTheKeyAndBothValues(@TempDir Path temp) throws IOException {
        try (TfTrainingEngine trained = engine(1)) {
            trained.savePretrained(temp);
        }
        assertThat(Files.readString(temp.resolve("config.json"))).contains("\"hidden_size\" : 4");
        Files.writeString(temp.resolve("config.json"), "{\"hidden_size\": 384, \"vocab_size\": 7}");
        try (TfTrainingEngine target = engine(2)) {
            assertThatThrownBy(() -> target.initializeFrom(temp, WeightMapping.IDENTITY))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("hidden_size = 384").hasMessageContaining("hidden_size = 4")
                    .hasMessageContaining(temp.toString());
        }
    }

    @Test
    void classpathFoldersAndFilesResolveFromDirectoriesAndJars(@TempDir Path temp) throws Exception {
        Path exported = Files.createDirectories(temp.resolve("classes").resolve("tiny-hf"));
        Map<String, float[]> source;
        try (TfTrainingEngine trained = engine(1)) {
            trained.savePretrained(exported);
            source = weights(trained);
        }
        Path jar = temp.resolve("weights.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("model.safetensors", "config.json")) {
                out.putNextEntry(new JarEntry("tiny-jar/" + name));
                Files.copy(exported.resolve(name), (OutputStream) out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("tiny-linear.onnx"));
            Files.copy(Fixtures.file("tiny-linear.onnx"), (OutputStream) out);
            out.closeEntry();
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {temp.resolve("classes").toUri().toURL(), jar.toUri().toURL()},
                previous)) {
            Thread.currentThread().setContextClassLoader(loader);
            for (String name : List.of("classpath:tiny-hf", "classpath:tiny-jar")) {
                try (TfTrainingEngine target = engine(2)) {
                    Report report = target.initializeFrom(Path.of(name), WeightMapping.IDENTITY);
                    assertThat(report.loaded()).as(name).hasSize(3);
                    assertThat(weights(target).get(KERNEL)).as(name).containsExactly(source.get(KERNEL));
                }
            }
            try (TfTrainingEngine target = engine(2)) {
                assertThat(target.initializeFrom(Path.of("classpath:tiny-linear"), WeightMapping.IDENTITY).loaded()).hasSize(3);
                assertThatThrownBy(() -> target.initializeFrom(Path.of("classpath:no-such-model"), WeightMapping.IDENTITY))
                        .isInstanceOf(CheckpointException.class)
                        .hasMessageContaining("classpath:no-such-model: no such weights on the class path")
                        .hasMessageContaining("no-such-model/model.safetensors").hasMessageContaining("no-such-model.onnx");
            }
        }
        finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
