package dev.trainer4j.bench;

import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfTrainer;
import dev.trainer4j.tf.models.MlpClassifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainer side of the benchmark: {@link TfTrainer} through the public API (TrainerSpec + TrainingArguments:
 * adam, constant learning rate, no clipping, no weight decay, sequential sampling, no checkpoints, logging only at
 * the end). The engine chooses its thread settings by the step's cost. A timed run stops itself from a callback once
 * the timed window after the warm-up steps is long enough.
 */
public final class TrainerVariant {
    static final String NAME = "trainer";

    private TrainerVariant() {
    }

    public static void main(String[] commandLine) throws IOException {
        VariantOptions options = VariantOptions.parse(NAME, commandLine);
        BenchModel model = options.model();
        GaussianBlobs data = GaussianBlobs.generate(BenchModel.SAMPLES, model.inputSize(), model.numLabels(), BenchModel.SEED);
        // the data is in memory as arrays, so it goes in as columns (Keras fit(x, y), torch TensorDataset): each batch is
        // then one bulk copy per column instead of 128 Example lookups
        Map<String, HostTensor> columns = new LinkedHashMap<>();
        columns.put(MlpClassifier.FEATURES, HostTensor.ofFloats(data.features(), data.samples(), model.inputSize()));
        columns.put(MlpClassifier.LABELS, HostTensor.ofInts(data.labels(), data.samples()));
        Path outputDir = Files.createTempDirectory("trainer4j-bench");
        long maxSteps = options.timed() ? 100_000_000L : options.lossSteps();
        TrainingArguments args = model.trainingArguments(outputDir.toString())
                .maxSteps(maxSteps)
                .trainSamplingStrategy(SamplingStrategy.SEQUENTIAL)
                .loggingSteps(options.timed() ? 100_000_000L : 1)
                .saveStrategy(SaveStrategy.NO)
                .disableProgress(true)
                .intraOpThreads(options.intraOpThreads())
                .interOpThreads(options.interOpThreads())
                .trainTowers(options.towers())
                .build();
        MlpClassifier mlp = model.classifier();
        StepTimer timer = new StepTimer(new TimedWindow(options));
        TrainerSpec.Builder spec = TrainerSpec.builder().args(args).model(mlp).trainDataset(Dataset.ofColumns(columns));
        if (options.timed()) {
            spec.addCallback(timer);
        }
        try (TfTrainer trainer = new TfTrainer(spec.build())) {
            trainer.train();
            if (options.timed()) {
                System.out.println(timer.window().resultLine(NAME, model));
            }
            else {
                for (Map<String, Object> entry : trainer.state().logHistory()) {
                    Object loss = entry.get("loss");
                    if (loss instanceof Number number) {
                        long step = ((Number) entry.get("step")).longValue();
                        // the engine keeps the float32 mean batch loss in a float64 accumulator: exact round trip
                        System.out.println(VariantOptions.lossLine(NAME, step, (float) number.doubleValue()));
                    }
                }
            }
        }
    }
}
