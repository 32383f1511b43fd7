package dev.trainer4j.tf.resume;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.loop.CheckpointFaults;
import dev.trainer4j.loop.CheckpointWriter;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.tf.TfTrainer;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.nn.Activation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The child process of {@link TfKillResumeTest}: a {@link TfTrainer} run of an {@code mlp-classifier} with dropout,
 * shuffled data and gradient accumulation, checkpointing every 2 steps. Arguments: {@code <output-dir>
 * <result-json> <fresh|resume> [<fault-point> <occurrence>]}. Prints {@code STARTED}, {@code STEP <n>},
 * {@code RESUMING} and {@code DONE}; with a fault point the checkpoint writer prints {@code FAULT-POINT <name>
 * <folder>} at its occurrence-th time and blocks until the test kills the process. The result holds the whole log
 * history (raw bits of every value), the raw bits of the final logits on the training and evaluation data, and the
 * SHA-256 of every file of the last checkpoint's engine folder (weights and optimizer state).
 */
public final class TfCheckpointChild {
    static final int FEATURES = 6;
    static final int CLASSES = 3;
    /** 24 rows, batch 2, accumulation 2: 6 steps per epoch, 3 epochs. */
    static final long STEPS = 18;

    private TfCheckpointChild() {
    }

    static TrainingArguments args(Path dir) {
        return TrainingArguments.builder().outputDir(dir.toString()).seed(5)
                .perDeviceTrainBatchSize(2).gradientAccumulationSteps(2).numTrainEpochs(3)
                .optim(OptimizerType.ADAMW).learningRate(0.02).weightDecay(0.01).lrSchedulerType("linear")
                .warmupSteps(2).maxGradNorm(1.0)
                .trainSamplingStrategy(SamplingStrategy.RANDOM).dataSeed(13L)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(1)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(2.0).metricForBestModel("loss")
                .saveStrategy(SaveStrategy.STEPS).saveSteps(2).saveTotalLimit(2)
                .build();
    }

    static MlpClassifier model() {
        return new MlpClassifier(new MlpClassifierSettings(FEATURES, List.of(12), CLASSES, 0.25, Activation.RELU));
    }

    /** Gaussian features; the label is the arg-max of a fixed linear map of them. */
    static MapDataset data(int rows, long seed) {
        Random random = new Random(seed);
        List<Example> examples = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            float[] x = new float[FEATURES];
            double[] scores = new double[CLASSES];
            for (int f = 0; f < FEATURES; f++) {
                x[f] = (float) random.nextGaussian();
                scores[f % CLASSES] += x[f] * (f % 2 == 0 ? 1 : -0.5);
            }
            int label = 0;
            for (int c = 1; c < CLASSES; c++) {
                label = scores[c] > scores[label] ? c : label;
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put(MlpClassifier.FEATURES, x);
            fields.put("label", label);
            examples.add(Example.of(fields));
        }
        return Dataset.of(examples);
    }

    public static void main(String[] arguments) throws Exception {
        Path dir = Path.of(arguments[0]);
        Path result = Path.of(arguments[1]);
        boolean resume = arguments[2].equals("resume");
        CheckpointFaults faults = arguments.length > 3
                ? CheckpointFaults.blockAt(arguments[3], Integer.parseInt(arguments[4]))
                : CheckpointFaults.NONE;
        Callback printer = new Callback() {
            @Override
            public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
                System.out.println("STARTED");
                System.out.flush();
            }

            @Override
            public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                System.out.println("STEP " + state.globalStep());
                System.out.flush();
            }
        };
        MapDataset train = data(24, 2024);
        MapDataset eval = data(6, 2025);
        TrainerSpec spec = TrainerSpec.builder().args(args(dir)).model(model()).trainDataset(train).evalDataset(eval)
                .addCallback(printer).build();
        try (TfTrainer trainer = new TfTrainer(spec) {
            @Override
            protected CheckpointWriter createCheckpointWriter() {
                return new CheckpointWriter(faults);
            }
        }) {
            TrainOutput output;
            if (resume) {
                System.out.println("RESUMING");
                output = trainer.train("latest");
            }
            else {
                output = trainer.train();
            }
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("history", rawBits(trainer.state().logHistory()));
            content.put("train_loss", Double.doubleToRawLongBits(output.trainingLoss()));
            content.put("train_logits", logitBits(trainer.predict(train).predictions().get(MlpClassifier.LOGITS).floats()));
            content.put("eval_logits", logitBits(trainer.predict(eval).predictions().get(MlpClassifier.LOGITS).floats()));
            content.put("last_checkpoint_engine", digests(dir.resolve(Checkpoints.name(STEPS)).resolve(Checkpoints.ENGINE_DIR)));
            Path temporary = result.resolveSibling(result.getFileName() + ".tmp");
            new ObjectMapper().writeValue(temporary.toFile(), content);
            Files.move(temporary, result);
            System.out.println("DONE");
        }
        System.out.flush();
    }

    /** Every log entry without its timing keys, each value as the hex of its raw bits (so equality is bit equality). */
    private static List<Map<String, String>> rawBits(List<Map<String, Object>> history) {
        List<Map<String, String>> result = new ArrayList<>();
        for (Map<String, Object> entry : history) {
            Map<String, String> copy = new LinkedHashMap<>();
            entry.forEach((key, value) -> {
                if (!key.endsWith("_runtime") && !key.endsWith("_per_second")) {
                    double number = ((Number) value).doubleValue();
                    copy.put(key, number + " " + Long.toHexString(Double.doubleToRawLongBits(number)));
                }
            });
            result.add(copy);
        }
        return result;
    }

    private static List<String> logitBits(float[] logits) {
        List<String> result = new ArrayList<>();
        for (float value : logits) {
            result.add(Integer.toHexString(Float.floatToRawIntBits(value)));
        }
        return result;
    }

    private static Map<String, String> digests(Path folder) throws Exception {
        Map<String, String> result = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                result.put(file.getFileName().toString(), HexFormat.of().formatHex(digest));
            }
        }
        return result;
    }
}
