package dev.trainer4j.tf.io;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.nn.TfInitializers;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.TfVariable;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.Pooling;
import dev.trainer4j.tf.models.TransformerClassifier;
import dev.trainer4j.tf.models.TransformerClassifierSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.trainer4j.tf.io.IoFixtures.classificationBatch;
import static dev.trainer4j.tf.io.IoFixtures.engine;
import static dev.trainer4j.tf.io.IoFixtures.features;
import static dev.trainer4j.tf.io.IoFixtures.mlp;
import static dev.trainer4j.tf.io.IoFixtures.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TfModelExporterTest {
    private static final int ROWS = 16;
    private static final int CLASSES = 3;

    @Test
    void exportServesTheTrainedLogitsInAFreshJvmWithoutTrainingOps(@TempDir Path temp) throws Exception {
        Path exported = temp.resolve("exported");
        HostTensor input = features(ROWS, 99);
        float[] expectedLogits;
        float[] initialLogits;
        List<String> variableNames;
        try (TfTrainingEngine engine = engine(mlp(List.of(8), CLASSES, 0.3), 11)) {
            initialLogits = logits(engine, input);
            train(engine, classificationBatch(ROWS, CLASSES, 5), 3);
            expectedLogits = logits(engine, input);
            variableNames = engine.variables().stream().map(TfVariable::name).toList();
            engine.exportModel(exported);
            // the training graph does hold what the export must not (so the checks below can fail)
            assertThat(nodes(engine.graph().toGraphDef())).anyMatch(node -> node.getOp().equals("ApplyAdam"))
                    .anyMatch(node -> node.getName().contains("gradients"));
        }
        assertThat(expectedLogits).as("training moved the weights").isNotEqualTo(initialLogits);
        assertThat(exported.resolve("saved_model.pb")).isRegularFile();
        assertThat(exported.resolve("variables").resolve("variables.index")).isRegularFile();

        Path inputFile = temp.resolve("inputs.bin");
        Path outputFile = temp.resolve("outputs.bin");
        TensorFiles.write(inputFile, Map.of(MlpClassifier.FEATURES, input));
        runInFreshJvm(temp, exported, inputFile, outputFile);
        Map<String, HostTensor> outputs = TensorFiles.read(outputFile);

        assertThat(outputs).containsOnlyKeys(TfModelExporter.LOGITS, TfModelExporter.PREDICTIONS);
        HostTensor logits = outputs.get(TfModelExporter.LOGITS);
        assertThat(logits.shape()).containsExactly(ROWS, CLASSES);
        assertThat(logits.floats()).containsExactly(expectedLogits);
        assertThat(outputs.get(TfModelExporter.PREDICTIONS).shape()).containsExactly(ROWS);
        assertThat(outputs.get(TfModelExporter.PREDICTIONS).longs()).containsExactly(argMax(expectedLogits, CLASSES));

        MetaGraphDef metaGraph = SavedModel.parseFrom(Files.readAllBytes(exported.resolve("saved_model.pb"))).getMetaGraphs(0);
        assertThat(metaGraph.getMetaInfoDef().getTagsList()).containsExactly("serve");
        SignatureDef signature = metaGraph.getSignatureDefOrThrow("serving_default");
        assertThat(signature.getInputsMap()).containsOnlyKeys(MlpClassifier.FEATURES);
        assertThat(signature.getOutputsMap()).containsOnlyKeys(TfModelExporter.LOGITS, TfModelExporter.PREDICTIONS);
        List<NodeDef> nodes = nodes(metaGraph.getGraphDef());
        assertThat(nodes).noneMatch(node -> node.getOp().startsWith("Apply") || node.getOp().startsWith("ResourceApply"))
                .noneMatch(node -> node.getName().contains("gradients"))
                .noneMatch(node -> node.getName().contains("trainer4j"))
                .noneMatch(node -> node.getOp().startsWith("StatelessRandom"));
        assertThat(nodes.stream().filter(node -> node.getOp().equals("Placeholder")).map(NodeDef::getName))
                .as("only the feature input and the saver's file name are fed")
                .containsExactlyInAnyOrder(MlpClassifier.FEATURES, "save/filename");
        assertThat(nodes.stream().filter(node -> node.getOp().equals("VariableV2")).map(NodeDef::getName))
                .containsExactlyInAnyOrderElementsOf(variableNames);
        try (TfCheckpointReader reader = TfCheckpointReader.open(exported)) {
            assertThat(reader.keys()).containsExactlyInAnyOrderElementsOf(variableNames);
        }
    }

    @Test
    void regressionExportPredictsTheValueItself(@TempDir Path temp) {
        Path exported = temp.resolve("regression");
        HostTensor input = features(5, 3);
        float[] expectedLogits;
        try (TfTrainingEngine engine = engine(mlp(List.of(), 1, 0), 2)) {
            Batch batch = new Batch(Map.of(MlpClassifier.FEATURES, features(5, 4),
                    MlpClassifier.LABELS, HostTensor.ofFloats(new float[] {1, -2, 0.5f, 3, 0}, 5)));
            train(engine, batch, 2);
            expectedLogits = logits(engine, input);
            engine.exportModel(exported);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(exported.toString(), "serve");
             TFloat32 features = TFloat32.tensorOf(Shape.of(input.shape()), DataBuffers.of(input.floats(), true, false));
             Result result = bundle.function("serving_default").call(Map.of(MlpClassifier.FEATURES, features))) {
            HostTensor logits = SavedModelServingMain.toHost(result.get(TfModelExporter.LOGITS).orElseThrow());
            HostTensor predictions = SavedModelServingMain.toHost(result.get(TfModelExporter.PREDICTIONS).orElseThrow());
            assertThat(logits.shape()).containsExactly(5, 1);
            assertThat(logits.floats()).containsExactly(expectedLogits);
            assertThat(predictions.shape()).containsExactly(5);
            assertThat(predictions.floats()).containsExactly(expectedLogits);
        }
    }

    @Test
    void transformerExportTakesEveryFeatureInputByName(@TempDir Path temp) {
        Path exported = temp.resolve("transformer");
        TransformerClassifier model = new TransformerClassifier(new TransformerClassifierSettings(12, 8, 1, 2, 16, 16,
                0.1, 1e-5, Pooling.MEAN, 2));
        int[] ids = {3, 7, 1, 0, 5, 9, 2, 4};
        int[] mask = {1, 1, 1, 0, 1, 1, 1, 1};
        Map<String, HostTensor> inputs = new LinkedHashMap<>();
        inputs.put(TransformerClassifier.INPUT_IDS, HostTensor.ofInts(ids, 2, 4));
        inputs.put(TransformerClassifier.ATTENTION_MASK, HostTensor.ofInts(mask, 2, 4));
        float[] expectedLogits;
        try (TfTrainingEngine engine = engine(model, 3)) {
            Map<String, HostTensor> withLabels = new LinkedHashMap<>(inputs);
            withLabels.put(TransformerClassifier.LABELS, HostTensor.ofInts(new int[] {1, 0}, 2));
            train(engine, new Batch(withLabels), 2);
            expectedLogits = engine.evaluate(new Batch(inputs), true).predictions().get("logits").floats();
            engine.exportModel(exported);
        }
        try (SavedModelBundle bundle = SavedModelBundle.load(exported.toString(), "serve");
             TInt32 idTensor = TInt32.tensorOf(Shape.of(2, 4), DataBuffers.of(ids, true, false));
             TInt32 maskTensor = TInt32.tensorOf(Shape.of(2, 4), DataBuffers.of(mask, true, false));
             Result result = bundle.function("serving_default").call(Map.of(
                     TransformerClassifier.INPUT_IDS, idTensor, TransformerClassifier.ATTENTION_MASK, maskTensor))) {
            assertThat(bundle.function("serving_default").signature().inputNames())
                    .containsExactlyInAnyOrder(TransformerClassifier.INPUT_IDS, TransformerClassifier.ATTENTION_MASK);
            float[] logits = SavedModelServingMain.toHost(result.get(TfModelExporter.LOGITS).orElseThrow()).floats();
            assertThat(logits).hasSize(expectedLogits.length);
            for (int i = 0; i < logits.length; i++) {
                assertThat(logits[i]).isCloseTo(expectedLogits[i], within(1e-6f));
            }
        }
    }

    @Test
    void exportIntoAFileIsRejected(@TempDir Path temp) throws Exception {
        Path file = Files.writeString(temp.resolve("not-a-folder"), "x");
        try (TfTrainingEngine engine = engine(mlp(List.of(), 2, 0), 1)) {
            assertThatThrownBy(() -> engine.exportModel(file))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("not a folder");
        }
    }

    @Test
    void modelWithOnlyLabelInputsCompilesButCannotBeExported(@TempDir Path temp) {
        TfModel labelsOnly = new TfModel() {
            @Override
            public String name() {
                return "labels-only";
            }

            @Override
            public List<InputSpec> inputs() {
                return List.of(InputSpec.label("target", DataType.FLOAT32, -1));
            }

            @Override
            @SuppressWarnings("unchecked")
            public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
                Ops tf = scope.tf();
                Operand<TFloat32> w = scope.variable("w", Shape.of(1), TfInitializers.zeros(), VariableRole.WEIGHT);
                if (!inputs.containsKey("target")) {
                    return ModelOutput.of(Map.of("logits", w));
                }
                Operand<TFloat32> prediction = tf.math.mul(tf.onesLike((Operand<TFloat32>) inputs.get("target")), w);
                Operand<TFloat32> error = tf.math.sub(prediction, (Operand<TFloat32>) inputs.get("target"));
                Operand<TFloat32> loss = tf.reduceSum(tf.math.square(error), tf.constant(0));
                return ModelOutput.withLoss(loss, tf.dtypes.cast(tf.size(error), TFloat32.class), Map.of("logits", prediction));
            }
        };
        try (TfTrainingEngine engine = engine(labelsOnly, 1)) {
            assertThatThrownBy(() -> engine.exportModel(temp.resolve("out")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("labels-only").hasMessageContaining("no feature inputs");
        }
        assertThat(temp.resolve("out")).doesNotExist();
    }

    private static float[] logits(TfTrainingEngine engine, HostTensor input) {
        return engine.evaluate(new Batch(Map.of(MlpClassifier.FEATURES, input)), true).predictions().get("logits").floats();
    }

    private static long[] argMax(float[] logits, int classes) {
        long[] result = new long[logits.length / classes];
        for (int row = 0; row < result.length; row++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[row * classes + c] > logits[row * classes + best]) {
                    best = c;
                }
            }
            result[row] = best;
        }
        return result;
    }

    private static List<NodeDef> nodes(GraphDef graph) {
        return graph.getNodeList();
    }

    private static void runInFreshJvm(Path temp, Path exported, Path inputFile, Path outputFile) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        String cacheDir = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cacheDir != null) {
            command.add("-Dorg.bytedeco.javacpp.cachedir=" + cacheDir);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SavedModelServingMain.class.getName());
        command.add(exported.toString());
        command.add(inputFile.toString());
        command.add(outputFile.toString());
        File log = temp.resolve("child.log").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the serving JVM did not finish: " + Files.readString(log.toPath()));
        }
        assertThat(process.exitValue())
                .as("serving JVM exit code; output:%n%s", Files.readString(log.toPath(), StandardCharsets.UTF_8))
                .isZero();
    }
}
