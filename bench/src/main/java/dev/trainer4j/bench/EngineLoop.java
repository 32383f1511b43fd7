package dev.trainer4j.bench;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.MlpClassifier;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * The trainer's engine alone: the same {@link TfTrainingEngine} the trainer compiles (same arguments, same thread
 * choice by size), stepped in a tight loop over batches collated once before the clock starts. Timing it next to
 * {@link TrainerVariant} and {@link PlainTfLoop} splits the trainer's cost into its graph and session path (engine
 * vs plain loop) and its host loop (trainer vs engine: data loading, collation, callbacks, state).
 */
public final class EngineLoop {
    static final String NAME = "engine";

    private EngineLoop() {
    }

    public static void main(String[] commandLine) throws IOException {
        VariantOptions options = VariantOptions.parse(NAME, commandLine);
        if (!options.timed()) {
            throw new IllegalArgumentException("the engine variant runs only timed");
        }
        BenchModel model = options.model();
        GaussianBlobs data = GaussianBlobs.generate(BenchModel.SAMPLES, model.inputSize(), model.numLabels(), BenchModel.SEED);
        int batchSize = model.batchSize();
        Batch[] batches = new Batch[data.samples() / batchSize];
        for (int b = 0; b < batches.length; b++) {
            batches[b] = new Batch(Map.of(
                    MlpClassifier.FEATURES, HostTensor.ofFloats(data.batchFeatures(b, batchSize), batchSize, model.inputSize()),
                    MlpClassifier.LABELS, HostTensor.ofInts(data.batchLabels(b, batchSize), batchSize)));
        }
        TrainingArguments args = model.trainingArguments(Files.createTempDirectory("trainer4j-bench-engine").toString())
                .intraOpThreads(options.intraOpThreads())
                .interOpThreads(options.interOpThreads())
                .trainTowers(options.towers())
                .build();
        MlpClassifier mlp = model.classifier();
        TimedWindow window = new TimedWindow(options);
        try (TfTrainingEngine engine = new TfBackend().compile(mlp, args,
                new EngineOptions(List.of(MlpClassifier.LABELS), -1))) {
            for (long step = 0; ; step++) {
                StepContext context = new StepContext(step, 0, 1, BenchModel.LEARNING_RATE, BenchModel.SEED);
                if (!engine.step(batches[(int) (step % batches.length)], context).finite()) {
                    throw new IllegalStateException("non-finite step " + step);
                }
                if (window.afterStep(step + 1)) {
                    System.out.println(window.resultLine(NAME, model));
                    break;
                }
            }
        }
    }
}
