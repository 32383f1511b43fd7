package dev.trainer4j.bench.transformer;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.bench.StepTimer;
import dev.trainer4j.bench.TimedWindow;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.TfTrainer;
import dev.trainer4j.tf.models.Pooling;
import dev.trainer4j.tf.models.TransformerClassifier;
import dev.trainer4j.tf.models.TransformerClassifierSettings;
import dev.trainer4j.tf.models.TransformerLm;
import dev.trainer4j.tf.models.TransformerLmSettings;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The trainer side of the transformer benchmark: {@link TfTrainer} through the public API ({@link TrainerSpec} +
 * {@link TrainingArguments} + {@link TransformerClassifier} with the main job's sizes, or {@code --task lm}: a
 * {@link TransformerLm} of the same sizes with its head tied to the word embeddings), data from
 * {@link Dataset#ofColumns}, sequential batches, threads and towers as the library chooses them (unless
 * {@code --intra/--inter/--towers} pin them). Optimizer as the main job's (AdamW, lr 1e-3, weight decay 0.01,
 * betas 0.9/0.999, eps 1e-8) but with a constant learning rate and no clipping, which the hand-written loop mirrors.
 *
 * <p>Modes ({@code --mode}):
 * <ul>
 *   <li>{@code timed}: trains until the {@link TimedWindow} after the warm-up is complete; prints a RESULT line
 *       (samples/s, samples per CPU-second, peak RSS, the parameter counts read from the trainer's weights);</li>
 *   <li>{@code losses}: {@code --loss-steps} steps, a LOSS line per step; with {@code --weights-out} it writes the
 *       trainer's initial weights (read through {@code Trainer.modelWeights()} before the first step) for the
 *       hand-written loop to start from;</li>
 *   <li>{@code eval}: {@code trainer.evaluate} over {@code --eval-samples} rows at the main job's eval batch 128,
 *       through {@code --eval-path default} (one device) or {@code mirrored} (2 logical CPU devices, 64 rows
 *       each); prints samples/s.</li>
 * </ul>
 */
public final class TrainerTransformer {
    static final String NAME = "trainer";
    static final Set<String> KEYS = Set.of("data", "mode", "warmup", "warmup-seconds", "jit-quiet-seconds", "seconds",
            "dropout", "loss-steps", "weights-out", "intra", "inter", "towers", "eval-path", "eval-samples", "task");
    private static final long SEED = 42;

    private TrainerTransformer() {
    }

    public static void main(String[] commandLine) throws IOException {
        VariantArguments arguments = VariantArguments.parse(NAME, commandLine, KEYS);
        SyntheticText data = SyntheticText.readOrGenerate(arguments.text("data", null));
        String mode = arguments.required("mode");
        TransformerBenchModel sizes = TransformerBenchModel.fromName(arguments.text("task", "classifier"));
        if (sizes.task() == TransformerBenchModel.Task.CAUSAL_LM && mode.equals("eval")) {
            throw new IllegalArgumentException(NAME + ": --mode eval is for the classifier only");
        }
        switch (mode) {
            case "timed" -> timed(arguments, data, sizes);
            case "losses" -> losses(arguments, data, sizes);
            case "eval" -> eval(arguments, data);
            default -> throw new IllegalArgumentException(NAME + ": --mode " + mode + "; expected timed, losses or eval");
        }
    }

    /** The classifier or the causal LM (tied head, as {@code transformer-lm}'s default) with these sizes. */
    static TfModel model(TransformerBenchModel sizes, double dropout) {
        if (sizes.task() == TransformerBenchModel.Task.CAUSAL_LM) {
            return new TransformerLm(new TransformerLmSettings(sizes.vocabulary(), sizes.hidden(), sizes.layers(),
                    sizes.heads(), sizes.intermediate(), sizes.maxPosition(), dropout,
                    TransformerBenchModel.LAYER_NORM_EPSILON, true, GenerationConfig.empty()));
        }
        return new TransformerClassifier(new TransformerClassifierSettings(sizes.vocabulary(), sizes.hidden(),
                sizes.layers(), sizes.heads(), sizes.intermediate(), sizes.maxPosition(), dropout,
                TransformerBenchModel.LAYER_NORM_EPSILON, Pooling.MEAN, sizes.labels()));
    }

    /**
     * The arguments both sides mirror; threads and towers 0 = the library's choice. Like the {@code trainer4j}
     * command, the trainer collects the setup's garbage before the first step ({@code full-gc-before-training}).
     */
    static TrainingArguments.Builder arguments(VariantArguments arguments, long maxSteps) throws IOException {
        return TrainingArguments.builder()
                .outputDir(Files.createTempDirectory("trainer4j-bench-transformer").toString())
                .overwriteOutputDir(true)
                .perDeviceTrainBatchSize(TransformerBenchModel.MAIN_JOB.batch())
                .perDeviceEvalBatchSize(TransformerBenchModel.EVAL_BATCH)
                .optim(OptimizerType.ADAMW)
                .learningRate(PlainTfTransformer.LEARNING_RATE)
                .adamBeta1(PlainTfTransformer.BETA1)
                .adamBeta2(PlainTfTransformer.BETA2)
                .adamEpsilon(PlainTfTransformer.EPSILON)
                .weightDecay(PlainTfTransformer.WEIGHT_DECAY)
                .maxGradNorm(0)
                .lrSchedulerType(SchedulerType.CONSTANT)
                .seed(SEED)
                .maxSteps(maxSteps)
                .trainSamplingStrategy(SamplingStrategy.SEQUENTIAL)
                .saveStrategy(SaveStrategy.NO)
                .disableProgress(true)
                .fullGcBeforeTraining(true)
                .intraOpThreads(arguments.integer("intra", 0))
                .interOpThreads(arguments.integer("inter", 0))
                .trainTowers(arguments.integer("towers", 0));
    }

    /** input_ids, attention_mask and labels (one per row, or the causal LM's [rows, length]) of the first rows. */
    static Dataset columns(SyntheticText data, int rows, TransformerBenchModel sizes) {
        Map<String, HostTensor> columns = new LinkedHashMap<>();
        columns.put(TransformerClassifier.INPUT_IDS, HostTensor.ofInts(data.rows(data.ids(), 0, rows), rows, data.length()));
        columns.put(TransformerClassifier.ATTENTION_MASK, HostTensor.ofInts(data.rows(data.mask(), 0, rows), rows, data.length()));
        columns.put(TransformerClassifier.LABELS, sizes.task() == TransformerBenchModel.Task.CAUSAL_LM
                ? HostTensor.ofInts(data.rows(data.nextTokenLabels(), 0, rows), rows, data.length())
                : HostTensor.ofInts(data.rows(data.labels(), 0, rows), rows));
        return Dataset.ofColumns(columns);
    }

    private static void timed(VariantArguments arguments, SyntheticText data, TransformerBenchModel sizes)
            throws IOException {
        TimedWindow window = new TimedWindow(arguments.integer("warmup", 50), arguments.number("warmup-seconds", 2),
                arguments.number("jit-quiet-seconds", 2), arguments.number("seconds", 3));
        double dropout = arguments.number("dropout", TransformerBenchModel.MAIN_JOB_DROPOUT);
        TrainingArguments args = arguments(arguments, 100_000_000L).loggingSteps(100_000_000L).build();
        StepTimer timer = new StepTimer(window);
        TrainerSpec spec = TrainerSpec.builder().args(args).model(model(sizes, dropout))
                .trainDataset(columns(data, data.samples(), sizes)).addCallback(timer).build();
        try (TfTrainer trainer = new TfTrainer(spec)) {
            trainer.train();
            long[] counts = parameterCounts(trainer.modelWeights());
            int batch = TransformerBenchModel.MAIN_JOB.batch();
            double samples = window.timedSteps() * (double) batch;
            new VariantReport().put("variant", NAME).put("task", sizes.shortName()).put("samples_per_second", samples / window.timedSeconds())
                    .put("cpu_samples_per_second", samples / window.timedCpuSeconds())
                    .put("steps", window.timedSteps()).put("seconds", window.timedSeconds())
                    .put("warmup_seconds", window.warmupSeconds()).put("warmup_steps", window.warmupStepsDone())
                    .put("dropout", dropout)
                    .put("parameters", counts[0]).put("non_embedding_parameters", counts[1])
                    .print();
        }
    }

    private static void losses(VariantArguments arguments, SyntheticText data, TransformerBenchModel sizes)
            throws IOException {
        int steps = arguments.integer("loss-steps", 20);
        double dropout = arguments.number("dropout", 0);
        TrainingArguments args = arguments(arguments, steps).loggingSteps(1).build();
        TrainerSpec.Builder spec = TrainerSpec.builder().args(args).model(model(sizes, dropout))
                .trainDataset(columns(data, data.samples(), sizes));
        String weightsOut = arguments.text("weights-out", null);
        if (weightsOut != null) {
            spec.addCallback(new InitialWeights(Path.of(weightsOut)));
        }
        try (TfTrainer trainer = new TfTrainer(spec.build())) {
            trainer.train();
            for (Map<String, Object> entry : trainer.state().logHistory()) {
                if (entry.get("loss") instanceof Number loss) {
                    long step = ((Number) entry.get("step")).longValue();
                    // the float32 mean batch loss, kept in a float64: an exact round trip
                    System.out.println(VariantReport.lossLine(step, (float) loss.doubleValue()));
                }
            }
        }
    }

    private static void eval(VariantArguments arguments, SyntheticText data) throws IOException {
        String path = arguments.text("eval-path", "default");
        int devices = switch (path) {
            case "default" -> 1;
            case "mirrored" -> 2;
            default -> throw new IllegalArgumentException(NAME + ": --eval-path " + path + "; expected default or mirrored");
        };
        int rows = Math.min(arguments.integer("eval-samples", 1024), data.samples());
        double seconds = arguments.number("seconds", 3);
        TrainerBatches batches = new TrainerBatches(devices);
        TrainingArguments args = arguments(arguments, 1).loggingSteps(100_000_000L)
                .devices(devices)
                .perDeviceTrainBatchSize(batches.train())
                .perDeviceEvalBatchSize(batches.eval())
                .build();
        TransformerBenchModel sizes = TransformerBenchModel.MAIN_JOB;
        Dataset evalSet = columns(data, rows, sizes);
        TrainerSpec spec = TrainerSpec.builder().args(args).model(model(sizes, TransformerBenchModel.MAIN_JOB_DROPOUT))
                .trainDataset(columns(data, data.samples(), sizes)).evalDataset(evalSet).build();
        try (TfTrainer trainer = new TfTrainer(spec)) {
            for (int i = 0; i < 2; i++) {
                trainer.evaluate(evalSet, "eval");
            }
            long cpuStart = VariantReport.processCpuNanos();
            long start = System.nanoTime();
            int passes = 0;
            do {
                trainer.evaluate(evalSet, "eval");
                passes++;
            } while (System.nanoTime() - start < seconds * 1e9);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = (VariantReport.processCpuNanos() - cpuStart) / 1e9;
            new VariantReport().put("variant", "eval-" + path).put("samples_per_second", passes * (double) rows / elapsed)
                    .put("cpu_samples_per_second", passes * (double) rows / cpu).put("passes", passes)
                    .put("rows", rows).put("seconds", elapsed).put("devices", devices)
                    .put("eval_batch", TransformerBenchModel.EVAL_BATCH).print();
        }
    }

    /** The per-device batch sizes that keep the main job's global batches (32 to train, 128 to evaluate). */
    private record TrainerBatches(int devices) {
        int train() {
            return TransformerBenchModel.MAIN_JOB.batch() / devices;
        }

        int eval() {
            return TransformerBenchModel.EVAL_BATCH / devices;
        }
    }

    /** {all parameters, non-embedding parameters}, counted from the model's weights by name. */
    static long[] parameterCounts(Map<String, float[]> weights) {
        long all = 0;
        long embedding = 0;
        for (Map.Entry<String, float[]> entry : weights.entrySet()) {
            all += entry.getValue().length;
            if (entry.getKey().contains("embeddings/")) {
                embedding += entry.getValue().length;
            }
        }
        return new long[] {all, all - embedding};
    }

    /**
     * Writes the model's weights before the first step: big-endian {@code count}, then per variable its name
     * (modified UTF-8), its length and its floats.
     */
    private static final class InitialWeights implements Callback {
        private final Path file;
        private Trainer trainer;

        InitialWeights(Path file) {
            this.file = file;
        }

        @Override
        public void onTrainerAttached(Trainer trainer) {
            this.trainer = trainer;
        }

        @Override
        public void onStepBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
            if (state.globalStep() != 0) {
                return;
            }
            Map<String, float[]> weights = trainer.modelWeights();
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
                out.writeInt(weights.size());
                for (Map.Entry<String, float[]> entry : weights.entrySet()) {
                    out.writeUTF(entry.getKey());
                    out.writeInt(entry.getValue().length);
                    for (float value : entry.getValue()) {
                        out.writeFloat(value);
                    }
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot write the initial weights to " + file, e);
            }
        }
    }
}
