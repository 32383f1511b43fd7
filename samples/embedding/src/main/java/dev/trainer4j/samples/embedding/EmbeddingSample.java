package dev.trainer4j.samples.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.plugins.metrics.AccuracyMetric;
import dev.trainer4j.plugins.metrics.Average;
import dev.trainer4j.plugins.metrics.ClassificationScoreMetric;
import dev.trainer4j.plugins.metrics.ClassificationSettings;
import dev.trainer4j.runtime.Trainer4j;
import dev.trainer4j.tf.TfTrainer;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.nn.Activation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two ways an application gets a ready {@link Trainer}: from a run file in one call, and built fully in code with no
 * config file at all. Both describe the same digits run, so they train to the same numbers.
 *
 * <p>Run it from this folder: {@code mvn -q -pl samples/embedding -am package -DskipTests} at the repository root,
 * then {@code java -cp ... dev.trainer4j.samples.embedding.EmbeddingSample [config|code]}; or read
 * {@code EmbeddingSampleTest}, which runs both.
 */
public final class EmbeddingSample {
    private EmbeddingSample() {
    }

    /** One call: the run file names everything, plugins are found on the class path. */
    public static Trainer fromRunFile(Path runFile) {
        return Trainer4j.fromFile(runFile);
    }

    /** No config file: the same run built from objects. */
    public static Trainer inCode(Path dataDirectory, Path outputDirectory) {
        TrainingArguments args = TrainingArguments.builder()
                .outputDir(outputDirectory.toString())
                .numTrainEpochs(5)
                .perDeviceTrainBatchSize(32)
                .perDeviceEvalBatchSize(128)
                .learningRate(2e-3)
                .weightDecay(0.01)
                .evalStrategy(IntervalStrategy.EPOCH)
                .saveStrategy(SaveStrategy.NO)
                .seed(42)
                .build();
        MlpClassifier model = new MlpClassifier(
                new MlpClassifierSettings(64, List.of(128, 64), 10, 0.1, Activation.RELU));
        TrainerSpec spec = TrainerSpec.builder()
                .args(args)
                .model(model)
                .trainDataset(readJsonl(dataDirectory.resolve("train.jsonl")))
                .evalDataset(readJsonl(dataDirectory.resolve("validation.jsonl")))
                .addMetric(new AccuracyMetric())
                .addMetric(ClassificationScoreMetric.f1(new ClassificationSettings(Average.MACRO, 1)))
                .build();
        return new TfTrainer(spec);
    }

    /** The application's own data reading: {"features": [...], "label": n} per line. */
    static MapDataset readJsonl(Path file) {
        ObjectMapper json = new ObjectMapper();
        List<Example> examples = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row = json.readTree(line);
                JsonNode featureNode = row.get("features");
                float[] features = new float[featureNode.size()];
                for (int i = 0; i < features.length; i++) {
                    features[i] = featureNode.get(i).floatValue();
                }
                examples.add(Example.builder().put("features", features).put("label", row.get("label").intValue()).build());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return Dataset.of(examples);
    }

    public static void main(String[] arguments) {
        String mode = arguments.length > 0 ? arguments[0] : "config";
        try (Trainer trainer = mode.equals("code")
                ? inCode(Path.of("../digits/data"), Path.of("runs/embedding-code"))
                : fromRunFile(Path.of("run.conf"))) {
            trainer.train();
            Map<String, Double> metrics = trainer.evaluate();
            System.out.printf("%s: eval_accuracy = %.4f, eval_f1 = %.4f%n", mode, metrics.get("eval_accuracy"),
                    metrics.get("eval_f1"));
        }
    }
}
