package dev.trainer4j.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfThreadChoice;
import dev.trainer4j.tf.TfTrainer;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.BertEncoder;
import dev.trainer4j.tf.models.BertEncoderFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tuning speed of a MiniLM-sized BERT (all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads, intermediate 1536,
 * vocabulary 30522) with a sequence-classification head (mean pooling, 2 labels), trained by the real
 * {@link TfTrainer} with AdamW at batch 32 and length 64 (every token real). The weights are random: the step's
 * work does not depend on their values (the sample loads the pretrained ones). After {@code warmup} steps (graph
 * build, first kernels) the clock runs for {@code steps} steps; prints samples/s, the FLOPs per step
 * (6 x non-embedding parameters x tokens + 12 x layers x hidden x length^2 x batch), the achieved GFLOP/s and the
 * fraction of the machine's fp32 MatMul peak measured by {@link GemmPeak} with the same 2 intra-op threads, and the
 * load average before and after (the machine may be shared). With {@code traced} > 0 it then compiles the same
 * model's engine, times its fused step untraced and prints where a traced step spends its time by op type
 * ({@link StepTrace#byOpType}). Usage: {@code [steps] [warmup] [traced] [towers intra inter]}, default
 * {@code 20 5 0 0 0 0} (0: the engine's choice by the step's cost).
 */
public final class MiniLmBench {
    private static final int BATCH = 32;
    private static final int LENGTH = 64;
    private static final int LAYERS = 6;
    private static final int HIDDEN = 384;
    private static final int HEADS = 12;
    private static final int INTERMEDIATE = 1536;
    private static final int VOCABULARY = 30522;
    private static final int MAX_POSITION = 512;
    private static final int TYPE_VOCABULARY = 2;
    private static final int LABELS = 2;
    private static final int THREADS = 2;

    private MiniLmBench() {
    }

    public static void main(String[] arguments) throws IOException {
        int steps = arguments.length > 0 ? Integer.parseInt(arguments[0]) : 20;
        int warmup = arguments.length > 1 ? Integer.parseInt(arguments[1]) : 5;
        int traced = arguments.length > 2 ? Integer.parseInt(arguments[2]) : 0;
        // optional thread pinning (0: the engine's choice by the step's cost)
        int towers = arguments.length > 3 ? Integer.parseInt(arguments[3]) : 0;
        int intra = arguments.length > 4 ? Integer.parseInt(arguments[4]) : 0;
        int inter = arguments.length > 5 ? Integer.parseInt(arguments[5]) : 0;
        OperatingSystemMXBean system = ManagementFactory.getOperatingSystemMXBean();
        double loadBefore = system.getSystemLoadAverage();
        double peak = GemmPeak.gigaflops(THREADS, 3);
        System.out.printf(Locale.ROOT, "fp32 MatMul 2048^3 (GemmPeak): %.1f GFLOP/s with intra-op %d;"
                + " load average %.2f, %d processors%n", peak, THREADS, loadBefore, system.getAvailableProcessors());

        long embedding = (long) (VOCABULARY + MAX_POSITION + TYPE_VOCABULARY) * HIDDEN;
        long perLayer = 4L * HIDDEN * HIDDEN + 4L * HIDDEN           // query, key, value, attention output
                + 2L * HIDDEN * INTERMEDIATE + INTERMEDIATE + HIDDEN // intermediate, output
                + 4L * HIDDEN;                                       // two LayerNorms
        // the layers, the embedding LayerNorm and the classification head
        long nonEmbedding = LAYERS * perLayer + 2L * HIDDEN + (long) HIDDEN * LABELS + LABELS;
        long tokens = (long) BATCH * LENGTH;
        double flopsPerStep = 6.0 * nonEmbedding * tokens + 12.0 * LAYERS * HIDDEN * (double) LENGTH * LENGTH * BATCH;
        System.out.printf(Locale.ROOT, "MiniLM sequence classification: %,d parameters (%,d non-embedding), batch %d x"
                        + " length %d, %.4g FLOPs per step (6 x %,d x %,d + 12 x %d x %d x %d^2 x %d)%n",
                embedding + nonEmbedding, nonEmbedding, BATCH, LENGTH, flopsPerStep, nonEmbedding, tokens, LAYERS,
                HIDDEN, LENGTH, BATCH);

        Config block = ConfigFactory.parseMap(Map.of("vocab-size", VOCABULARY, "hidden-size", HIDDEN,
                        "num-layers", LAYERS, "num-heads", HEADS, "intermediate-size", INTERMEDIATE,
                        "pooling", "mean", "num-labels", LABELS))
                .withFallback(ConfigFactory.defaultReference().getConfig("trainer4j.plugins.models.bert-encoder"));
        Path output = Files.createTempDirectory("trainer4j-minilm-bench");
        TrainingArguments args = TrainingArguments.builder().outputDir(output.toString())
                .perDeviceTrainBatchSize(BATCH).learningRate(5e-5).weightDecay(0.01)
                .maxSteps(warmup + steps).saveStrategy(SaveStrategy.NO).seed(42)
                .trainTowers(towers).intraOpThreads(intra).interOpThreads(inter).build();
        StepClock clock = new StepClock(warmup, warmup + steps);
        TrainerSpec spec = TrainerSpec.builder().args(args)
                .model(new BertEncoderFactory().create(block, () -> output))
                .trainDataset(Dataset.of(examples(BATCH * (warmup + steps))))
                .addCallback(clock).build();
        try (TfTrainer trainer = new TfTrainer(spec)) {
            trainer.train();
        }
        double seconds = clock.seconds();
        double stepsPerSecond = steps / seconds;
        double gigaflops = flopsPerStep * stepsPerSecond / 1e9;
        System.out.printf(Locale.ROOT, "RESULT minilm batch %d length %d: %d steps in %.2f s after %d warm-up steps:"
                        + " %.2f samples/s, %.3f s/step, %.1f GFLOP/s = %.1f%% of the %.1f GFLOP/s MatMul peak;"
                        + " load average %.2f before, %.2f after%n",
                BATCH, LENGTH, steps, seconds, warmup, stepsPerSecond * BATCH, 1 / stepsPerSecond, gigaflops,
                100 * gigaflops / peak, peak, loadBefore, system.getSystemLoadAverage());
        if (traced > 0) {
            trace(block, args, output, traced);
        }
    }

    /** The engine's fused step on one batch: untraced time over 5 steps after 3, then {@code traced} traced steps. */
    private static void trace(Config block, TrainingArguments args, Path output, int traced) {
        BertEncoder model = (BertEncoder) new BertEncoderFactory().create(block, () -> output);
        Example first = examples(1).get(0);
        int[] ids = new int[BATCH * LENGTH];
        int[] mask = new int[BATCH * LENGTH];
        for (int row = 0; row < BATCH; row++) {
            System.arraycopy(first.getIntArray("input_ids"), 0, ids, row * LENGTH, LENGTH);
            System.arraycopy(first.getIntArray("attention_mask"), 0, mask, row * LENGTH, LENGTH);
        }
        try (TfTrainingEngine engine = new TfBackend().compile(model, args,
                new EngineOptions(List.of(BertEncoder.LABELS), -1))) {
            TfThreadChoice threads = engine.threadSettings();
            Batch batch = new Batch(Map.of(
                    BertEncoder.INPUT_IDS, HostTensor.ofInts(ids, BATCH, LENGTH),
                    BertEncoder.ATTENTION_MASK, HostTensor.ofInts(mask, BATCH, LENGTH),
                    BertEncoder.LABELS, HostTensor.ofInts(new int[BATCH], BATCH)));
            int[] step = {0};
            for (int i = 0; i < 3; i++) {
                engine.step(batch, new StepContext(step[0]++, 0, 1, 5e-5, 42));
            }
            int untraced = 5;
            long start = System.nanoTime();
            for (int i = 0; i < untraced; i++) {
                engine.step(batch, new StepContext(step[0]++, 0, 1, 5e-5, 42));
            }
            double stepSeconds = (System.nanoTime() - start) / 1e9 / untraced;
            StepTrace.byOpType(() -> engine.traceStep(batch, new StepContext(step[0]++, 0, 1, 5e-5, 42)), traced,
                    String.format(Locale.ROOT, "MiniLM engine step alone, intra-op %d / inter-op %d: untraced step %.3f s",
                            threads.intraOp(), threads.interOp(), stepSeconds));
        }
    }

    /** Random token ids (no [PAD]: every position is real) and random labels. */
    private static List<Example> examples(int count) {
        Random random = new Random(7);
        int[] mask = new int[LENGTH];
        Arrays.fill(mask, 1);
        List<Example> examples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int[] ids = new int[LENGTH];
            for (int position = 0; position < LENGTH; position++) {
                ids[position] = 1 + random.nextInt(VOCABULARY - 1);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("input_ids", ids);
            fields.put("attention_mask", mask.clone());
            fields.put("labels", random.nextInt(LABELS));
            examples.add(Example.of(fields));
        }
        return examples;
    }

    /** The wall time from the end of step {@code from} to the end of step {@code to}. */
    private static final class StepClock implements Callback {
        private final long from;
        private final long to;
        private long start;
        private long end;

        StepClock(long from, long to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            if (state.globalStep() == from) {
                start = System.nanoTime();
            }
            if (state.globalStep() == to) {
                end = System.nanoTime();
            }
        }

        double seconds() {
            if (start == 0 || end == 0) {
                throw new IllegalStateException("the run ended before step " + to);
            }
            return (end - start) / 1e9;
        }
    }
}
