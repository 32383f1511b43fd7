package dev.trainer4j.samples.customloss;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.plugins.data.JsonlDatasetFactory;
import dev.trainer4j.plugins.metrics.AccuracyMetric;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.nn.Activation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A run built in code rather than from a run file: an MLP on the bundled iris data (see {@code data/SOURCE.md})
 * trained by a {@link WeightedLossTrainer} with class weights (1, 2, 3).
 *
 * <p>Run it with {@code mvn -B -q -pl samples/custom-loss -am verify -DskipTests -Prun-sample} from the repository
 * root, or call {@code main} with the data folder and an output folder.
 */
public final class CustomLossSample {
    /** The class weights of setosa, versicolor and virginica. */
    public static final float[] CLASS_WEIGHTS = {1f, 2f, 3f};
    public static final int FEATURES = 4;
    public static final int CLASSES = 3;
    public static final List<Integer> HIDDEN_SIZES = List.of(16);

    private CustomLossSample() {
    }

    /** One split ({@code train}, {@code validation}, {@code test}) of the iris data, read by the data plugin's jsonl factory. */
    public static MapDataset loadSplit(Path dataDirectory, String split) {
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(split, "split is null");
        Path file = dataDirectory.resolve(split + ".jsonl");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("iris split '" + split + "' not found: " + file.toAbsolutePath()
                    + " does not exist; expected train.jsonl, validation.jsonl and test.jsonl in " + dataDirectory.toAbsolutePath());
        }
        JsonlDatasetFactory factory = new JsonlDatasetFactory();
        Config defaults = ConfigFactory.defaultReference().getConfig("trainer4j.plugins.datasets." + factory.name());
        Config settings = ConfigFactory.parseMap(Map.of("path", split + ".jsonl")).withFallback(defaults);
        PluginContext context = () -> dataDirectory;
        Dataset dataset = factory.create(settings, context);
        if (!(dataset instanceof MapDataset map)) {
            throw new IllegalStateException("the jsonl factory returned a " + dataset.getClass().getName() + ", not a map-style dataset");
        }
        return map;
    }

    /** The model: 4 features → 16 ReLU units → 3 logits. */
    public static MlpClassifier model(double dropout) {
        return new MlpClassifier(new MlpClassifierSettings(FEATURES, HIDDEN_SIZES, CLASSES, dropout, Activation.RELU));
    }

    /** The sample's arguments: AdamW, 60 epochs of batches of 16, evaluation every epoch, no checkpoints. */
    public static TrainingArguments.Builder arguments(Path outputDirectory) {
        return TrainingArguments.builder()
                .outputDir(requireNonNull(outputDirectory, "outputDirectory is null").toString())
                .numTrainEpochs(60)
                .perDeviceTrainBatchSize(16)
                .perDeviceEvalBatchSize(64)
                .optim(OptimizerType.ADAMW)
                .learningRate(1e-2)
                .weightDecay(0.0)
                .lrSchedulerType(SchedulerType.LINEAR)
                .loggingSteps(100)
                .evalStrategy(IntervalStrategy.EPOCH)
                .saveStrategy(SaveStrategy.NO)
                .seed(42);
    }

    /** The run: iris train and validation splits, the model, accuracy as the metric. */
    public static TrainerSpec spec(TrainingArguments arguments, Path dataDirectory, double dropout) {
        return TrainerSpec.builder()
                .args(arguments)
                .model(model(dropout))
                .trainDataset(loadSplit(dataDirectory, "train"))
                .evalDataset(loadSplit(dataDirectory, "validation"))
                .addMetric(new AccuracyMetric())
                .build();
    }

    /** A trainer for {@code spec} with the sample's class weights. */
    public static WeightedLossTrainer trainer(TrainerSpec spec) {
        return new WeightedLossTrainer(spec, MlpClassifier.LOGITS, MlpClassifier.LABELS, CLASS_WEIGHTS);
    }

    /** Trains, evaluates on validation and predicts test; returns every metric (train_, eval_, test_accuracy). */
    public static Map<String, Double> run(Path dataDirectory, Path outputDirectory) {
        TrainerSpec spec = spec(arguments(outputDirectory).build(), dataDirectory, 0.0);
        Map<String, Double> results = new LinkedHashMap<>();
        try (WeightedLossTrainer trainer = trainer(spec)) {
            TrainOutput trained = trainer.train();
            results.put("global_step", (double) trained.globalStep());
            results.put("train_loss", trained.trainingLoss());
            results.putAll(trainer.evaluate());
            MapDataset test = loadSplit(dataDirectory, "test");
            PredictionOutput predicted = trainer.predict(test);
            results.put("test_accuracy", accuracy(predicted.predictions().get(MlpClassifier.LOGITS), test));
        }
        return results;
    }

    private static double accuracy(HostTensor logits, MapDataset dataset) {
        float[] values = logits.floats();
        int correct = 0;
        for (int row = 0; row < dataset.size(); row++) {
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                if (values[row * CLASSES + c] > values[row * CLASSES + best]) {
                    best = c;
                }
            }
            if (best == dataset.get(row).getLong("label")) {
                correct++;
            }
        }
        return (double) correct / dataset.size();
    }

    /**
     * Usage: {@code CustomLossSample [data-folder [output-folder]]}; defaults {@code data} and
     * {@code runs/custom-loss} relative to the working directory.
     */
    public static void main(String[] args) {
        if (args.length > 2) {
            System.err.println("usage: CustomLossSample [data-folder [output-folder]]");
            System.exit(2);
        }
        Path data = Path.of(args.length > 0 ? args[0] : "data");
        Path output = Path.of(args.length > 1 ? args[1] : "runs/custom-loss");
        Map<String, Double> results = run(data, output);
        System.out.println("class-weighted cross-entropy, weights " + java.util.Arrays.toString(CLASS_WEIGHTS));
        results.forEach((key, value) -> System.out.printf("%-28s %.4f%n", key, value));
    }
}
