package dev.trainer4j.bench.devices;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DeviceStrategy;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.bench.BenchModel;
import dev.trainer4j.bench.GaussianBlobs;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.Pooling;
import dev.trainer4j.tf.models.TransformerClassifier;
import dev.trainer4j.tf.models.TransformerClassifierSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Issue 18's device strategies, timed on one machine: one variant per JVM ({@code bench/devices} runs them in turn).
 * {@code DevicesBench <model> <variant> <seconds> <warmup-steps>} with model {@code mlp-large} (784-1024-1024-10,
 * global batch 256) or {@code text} (a transformer classifier: 2 layers, hidden 128, 4 heads, intermediate 512,
 * length 64, global batch 32), and variant {@code fp32} (one device), {@code mirrored2} (2 logical CPU devices, the
 * same global batch split over them), {@code model-parallel2} (the first layer on one logical CPU device, the rest on
 * another), {@code bf16} or {@code fp16} (one device), all timing training steps; or {@code eval-fp32},
 * {@code eval-bf16-full}, {@code eval-fp16-full}, timing evaluation batches (loss and predictions) of the same size in
 * float32 or with {@code bf16-full-eval} / {@code fp16-full-eval}. Prints one line: samples/s.
 */
public final class DevicesBench {
    private static final int TEXT_LENGTH = 64;
    private static final int TEXT_BATCH = 32;

    private DevicesBench() {
    }

    public static void main(String[] commandLine) throws IOException {
        if (commandLine.length != 4) {
            throw new IllegalArgumentException("usage: DevicesBench <mlp-large|text> <fp32|mirrored2|model-parallel2|bf16|"
                    + "fp16|eval-fp32|eval-bf16-full|eval-fp16-full> <seconds> <warmup-steps>");
        }
        String modelName = commandLine[0];
        String variant = commandLine[1];
        double seconds = Double.parseDouble(commandLine[2]);
        int warmup = Integer.parseInt(commandLine[3]);
        boolean text = modelName.equals("text");
        int globalBatch = text ? TEXT_BATCH : BenchModel.MLP_LARGE.batchSize();
        int devices = variant.equals("mirrored2") ? 2 : 1;
        TrainingArguments args = BenchModel.MLP_LARGE.trainingArguments(
                        Files.createTempDirectory("trainer4j-bench-devices").toString())
                .perDeviceTrainBatchSize(globalBatch / devices).devices(devices)
                .bf16(variant.equals("bf16")).fp16(variant.equals("fp16"))
                .bf16FullEval(variant.equals("eval-bf16-full")).fp16FullEval(variant.equals("eval-fp16-full"))
                .set(TrainingArguments.STRATEGY, variant.equals("model-parallel2") ? DeviceStrategy.MODEL_PARALLEL
                        : DeviceStrategy.MIRRORED)
                .set(TrainingArguments.DEVICE_MAP, variant.equals("model-parallel2")
                        ? text ? Map.of("embeddings/*", "/device:CPU:0", "encoder/layer_0/*", "/device:CPU:0", "*",
                                "/device:CPU:1")
                                : Map.of("mlp/dense_0/*", "/device:CPU:0", "*", "/device:CPU:1")
                        : Map.of())
                .build();
        boolean evaluation = variant.startsWith("eval-");
        TfModel model = text
                ? new TransformerClassifier(new TransformerClassifierSettings(8000, 128, 2, 4, 512, TEXT_LENGTH, 0.0, 1e-12,
                        Pooling.MEAN, 2))
                : BenchModel.MLP_LARGE.classifier();
        Batch[] batches = text ? textBatches(globalBatch) : mlpBatches(globalBatch);
        TfTrainingEngine compiled;
        try {
            compiled = new TfBackend().compile(model, args, new EngineOptions(List.of("labels"), -1));
        }
        catch (ConfigurationException e) {
            // e.g. fp16 on a CPU for a model the float16 emulation pass was not verified with
            System.out.printf("%s %s refused: %s%n", modelName, variant, e.getMessage());
            return;
        }
        try (TfTrainingEngine engine = compiled) {
            long step = 0;
            for (; step < warmup; step++) {
                run(engine, batches, step, evaluation);
            }
            long start = System.nanoTime();
            long timed = 0;
            while (System.nanoTime() - start < seconds * 1e9) {
                run(engine, batches, step++, evaluation);
                timed++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("%s %s samples/s %.1f (%d steps of %d in %.2f s; towers %d, devices %s)%n", modelName,
                    variant, timed * globalBatch / elapsed, timed, globalBatch, elapsed,
                    engine.threadSettings().towers(), engine.devices().devices());
        }
    }

    private static void run(TfTrainingEngine engine, Batch[] batches, long step, boolean evaluation) {
        if (evaluation) {
            if (!Double.isFinite(engine.evaluate(batches[(int) (step % batches.length)], true).lossSum())) {
                throw new IllegalStateException("non-finite evaluation loss at batch " + step);
            }
            return;
        }
        if (!engine.step(batches[(int) (step % batches.length)], new StepContext(step, 0, 1, BenchModel.LEARNING_RATE,
                BenchModel.SEED)).finite()) {
            throw new IllegalStateException("non-finite step " + step);
        }
    }

    private static Batch[] mlpBatches(int batchSize) {
        BenchModel model = BenchModel.MLP_LARGE;
        GaussianBlobs data = GaussianBlobs.generate(BenchModel.SAMPLES, model.inputSize(), model.numLabels(), BenchModel.SEED);
        Batch[] batches = new Batch[data.samples() / batchSize];
        for (int b = 0; b < batches.length; b++) {
            batches[b] = new Batch(Map.of(
                    MlpClassifier.FEATURES, HostTensor.ofFloats(data.batchFeatures(b, batchSize), batchSize, model.inputSize()),
                    MlpClassifier.LABELS, HostTensor.ofInts(data.batchLabels(b, batchSize), batchSize)));
        }
        return batches;
    }

    /** 16 batches of random token ids (1-7999), full masks, labels 0/1 from the first token's parity. */
    private static Batch[] textBatches(int batchSize) {
        Random random = new Random(BenchModel.SEED);
        Batch[] batches = new Batch[16];
        for (int b = 0; b < batches.length; b++) {
            int[] ids = new int[batchSize * TEXT_LENGTH];
            int[] mask = new int[batchSize * TEXT_LENGTH];
            int[] labels = new int[batchSize];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = 1 + random.nextInt(7999);
                mask[i] = 1;
            }
            for (int row = 0; row < batchSize; row++) {
                labels[row] = ids[row * TEXT_LENGTH] % 2;
            }
            batches[b] = new Batch(Map.of(
                    TransformerClassifier.INPUT_IDS, HostTensor.ofInts(ids, batchSize, TEXT_LENGTH),
                    TransformerClassifier.ATTENTION_MASK, HostTensor.ofInts(mask, batchSize, TEXT_LENGTH),
                    TransformerClassifier.LABELS, HostTensor.ofInts(labels, batchSize)));
        }
        return batches;
    }
}
