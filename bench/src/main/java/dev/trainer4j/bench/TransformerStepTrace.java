package dev.trainer4j.bench;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfThreadChoice;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.Pooling;
import dev.trainer4j.tf.models.TransformerClassifier;
import dev.trainer4j.tf.models.TransformerClassifierSettings;
import org.tensorflow.GraphOperation;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Where the main job's transformer step goes (samples/text-classification: {@code transformer-classifier}, 2 layers,
 * hidden 64, 4 heads, FFN 128, length 64, train batch 32, eval batch 128), on random token ids with random padding.
 * Times the engine's own training step and evaluation step (the public {@link TfTrainingEngine} calls the trainer
 * makes), then traces them with {@code FULL_TRACE} in a second session on the engine's graph and prints the node
 * times summed by op type. Usage: {@code [train|eval|both] [<timed steps>] [<traced steps>]}; system properties
 * {@code towers}, {@code intra} and {@code inter} (0 = the engine's choice) pin the threads; {@code fixed-shapes=false}
 * builds the engine without the promise that every training batch has the first one's shapes (the default promises it,
 * as the trainer does for a uniform loader).
 */
public final class TransformerStepTrace {
    static final int VOCAB = 4000;
    static final int LENGTH = 64;
    static final int TRAIN_BATCH = 32;
    static final int EVAL_BATCH = 128;

    /** The fastest chunk's time per step of the last {@link #medianMicros} call (the least disturbed by other load). */
    private static double bestChunk;
    /** The process's CPU time per step of the last {@link #medianMicros} call (TF's spinning pool threads included). */
    private static double cpuPerStep;

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private TransformerStepTrace() {
    }

    public static void main(String[] commandLine) throws IOException {
        String mode = commandLine.length > 0 ? commandLine[0] : "both";
        int timed = commandLine.length > 1 ? Integer.parseInt(commandLine[1]) : 300;
        int traced = commandLine.length > 2 ? Integer.parseInt(commandLine[2]) : 20;
        TransformerClassifier model = new TransformerClassifier(new TransformerClassifierSettings(VOCAB, 64, 2, 4, 128,
                128, Double.parseDouble(System.getProperty("dropout", "0.1")), 1e-5, Pooling.MEAN, 2));
        TrainingArguments args = TrainingArguments.builder()
                .outputDir(Files.createTempDirectory("trainer4j-bench-transformer").toString())
                .overwriteOutputDir(true)
                .perDeviceTrainBatchSize(TRAIN_BATCH)
                .perDeviceEvalBatchSize(EVAL_BATCH)
                .optim(OptimizerType.ADAMW)
                .learningRate(1e-3)
                .weightDecay(0.01)
                .lrSchedulerType(SchedulerType.CONSTANT)
                .intraOpThreads(Integer.getInteger("intra", 0))
                .interOpThreads(Integer.getInteger("inter", 0))
                .trainTowers(Integer.getInteger("towers", 0))
                .seed(42)
                .build();
        Random random = new Random(42);
        Batch[] trainBatches = batches(random, 16, TRAIN_BATCH);
        Batch[] evalBatches = batches(random, 8, EVAL_BATCH);
        EngineOptions options = new EngineOptions(List.of(TransformerClassifier.LABELS), -1);
        if (Boolean.parseBoolean(System.getProperty("fixed-shapes", "true"))) {
            // as the trainer's loop promises for a uniform loader: every training batch has the first one's shapes
            options = options.withBatchShapes(trainBatches[0], true);
        }
        try (TfTrainingEngine engine = new TfBackend().compile(model, args, options)) {
            TfThreadChoice threads = engine.threadSettings();
            System.out.printf(Locale.ROOT, "threads: intra %d, inter %d, towers %d (%s)%n", threads.intraOp(),
                    threads.interOp(), threads.towers(), threads.reason());
            if (!mode.equals("eval")) {
                long firstStart = System.nanoTime();
                engine.step(trainBatches[0], new StepContext(0, 0, 1, 1e-3, 42));
                System.out.printf(Locale.ROOT, "first train step: %.0f ms%n", (System.nanoTime() - firstStart) / 1e6);
                double micros = medianMicros(timed, step -> engine.step(trainBatches[step % trainBatches.length],
                        new StepContext(step, 0, 1, 1e-3, 42)));
                System.out.printf(Locale.ROOT, "train step: median %.0f us, %.0f samples/s (best chunk %.0f us, cpu %.0f us)%n",
                        micros, TRAIN_BATCH * 1e6 / micros, bestChunk, cpuPerStep);
            }
            if (!mode.equals("train")) {
                double micros = medianMicros(timed / 4, step -> engine.evaluate(evalBatches[step % evalBatches.length], true));
                System.out.printf(Locale.ROOT, "eval step: median %.0f us, %.0f samples/s (best chunk %.0f us, cpu %.0f us)%n",
                        micros, EVAL_BATCH * 1e6 / micros, bestChunk, cpuPerStep);
            }
            if (traced > 0) {
                trace(engine, threads, mode, traced, trainBatches[0], evalBatches[0]);
            }
        }
    }

    /** The median over chunks of 10 steps of the time per step, after a warm-up of a fifth of the steps. */
    private static double medianMicros(int steps, java.util.function.IntConsumer step) {
        int chunk = 10;
        for (int i = 0; i < Math.max(chunk, steps / 5); i++) {
            step.accept(i);
        }
        List<Double> chunks = new ArrayList<>();
        int index = 0;
        long cpuStart = processCpuNanos();
        for (int c = 0; c < Math.max(1, steps / chunk); c++) {
            long start = System.nanoTime();
            for (int i = 0; i < chunk; i++) {
                step.accept(index++);
            }
            chunks.add((System.nanoTime() - start) / 1e3 / chunk);
        }
        cpuPerStep = (processCpuNanos() - cpuStart) / 1e3 / index;
        chunks.sort(Double::compare);
        bestChunk = chunks.get(0);
        return chunks.get(chunks.size() / 2);
    }

    private static Batch[] batches(Random random, int count, int rows) {
        Batch[] batches = new Batch[count];
        for (int b = 0; b < count; b++) {
            int[] ids = new int[rows * LENGTH];
            int[] mask = new int[rows * LENGTH];
            int[] labels = new int[rows];
            for (int r = 0; r < rows; r++) {
                int length = 8 + random.nextInt(LENGTH - 7);
                for (int t = 0; t < LENGTH; t++) {
                    ids[r * LENGTH + t] = t < length ? 1 + random.nextInt(VOCAB - 1) : 0;
                    mask[r * LENGTH + t] = t < length ? 1 : 0;
                }
                labels[r] = random.nextInt(2);
            }
            batches[b] = new Batch(Map.of(
                    TransformerClassifier.INPUT_IDS, HostTensor.ofInts(ids, rows, LENGTH),
                    TransformerClassifier.ATTENTION_MASK, HostTensor.ofInts(mask, rows, LENGTH),
                    TransformerClassifier.LABELS, HostTensor.ofInts(labels, rows)));
        }
        return batches;
    }

    private static void trace(TfTrainingEngine engine, TfThreadChoice threads, String mode, int traced, Batch train,
            Batch eval) {
        ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads.intraOp())
                .setInterOpParallelismThreads(threads.interOp()).build();
        try (Session session = new Session(engine.graph(), false, config);
             TFloat32 learningRate = TFloat32.scalarOf(1e-3f);
             TInt64 randomKey = TInt64.vectorOf(42, 0, 0)) {
            session.initialize();
            if (!mode.equals("eval")) {
                // the engine's own step (its session, threads and fed random bits), traced
                int[] step = {100_000};
                StepTrace.byOpType(() -> engine.traceStep(train, new StepContext(step[0]++, 0, 1, 1e-3, 42)), traced,
                        "train step (batch " + TRAIN_BATCH + ")");
            }
            if (!mode.equals("train")) {
                try (TInt32 ids = ints(eval, TransformerClassifier.INPUT_IDS);
                     TInt32 mask = ints(eval, TransformerClassifier.ATTENTION_MASK);
                     TInt32 labels = ints(eval, TransformerClassifier.LABELS)) {
                    Session.Runner runner = session.runner()
                            .feed("trainer4j/inputs/" + TransformerClassifier.INPUT_IDS, ids)
                            .feed("trainer4j/inputs/" + TransformerClassifier.ATTENTION_MASK, mask)
                            .feed("trainer4j/inputs/" + TransformerClassifier.LABELS, labels);
                    // the evaluation pass's sinks: its ops (under forward_eval) whose outputs nothing consumes
                    // (the tower pass when the engine split evaluation; engine.evaluate above built the pass)
                    boolean towers = hasPrefix(engine, "replica_0/forward_eval_towers/");
                    String pass = towers ? "/forward_eval_towers/" : "/forward_eval/";
                    Iterator<GraphOperation> operations = engine.graph().operations();
                    while (operations.hasNext()) {
                        GraphOperation op = operations.next();
                        if ((op.name().contains(pass) || op.name().contains(pass.substring(1, pass.length() - 1) + "_sums"))
                                && op.numOutputs() > 0 && op.numConsumers() == 0) {
                            runner.fetch(op.name());
                        }
                    }
                    for (int i = 0; i < 10; i++) {
                        runner.run().close();
                    }
                    StepTrace.byOpType(runner, traced, "eval step (batch " + EVAL_BATCH + ")");
                }
            }
        }
    }

    private static boolean hasPrefix(TfTrainingEngine engine, String prefix) {
        Iterator<GraphOperation> operations = engine.graph().operations();
        while (operations.hasNext()) {
            if (operations.next().name().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static TInt32 ints(Batch batch, String name) {
        HostTensor tensor = batch.get(name);
        return TInt32.tensorOf(Shape.of(tensor.shape()), DataBuffers.of(tensor.ints(), true, false));
    }

}
