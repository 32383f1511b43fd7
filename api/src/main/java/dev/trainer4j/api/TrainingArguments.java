package dev.trainer4j.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * The settings of a run: Hugging Face's {@code TrainingArguments} in Java. Immutable, validated at construction
 * (errors name the kebab-case key, the value and what was expected). Every default lives in the api module's
 * {@code reference.conf} under {@code trainer4j.args}; {@link #builder()} starts from them.
 *
 * <p>Where HF v4 and v5 differ this follows v5: {@code warmup-steps} is an integer or, when below 1, a ratio of the
 * total steps; {@code warmup-ratio} is accepted as the v4 alias. Step settings ({@code logging-steps},
 * {@code eval-steps}, {@code save-steps}) are integers or ratios below 1, as in HF.
 *
 * <p>Each argument is declared once, as an {@link Argument} constant next to its getter: key, type, checks of the
 * value on its own and HF aliases. Reading ({@link #fromConfig}), copying ({@link #toBuilder()}), the snapshot
 * ({@link #toMap()}) and the HF alias table all go through the declarations; checks that involve several keys are in
 * one method. Adding an argument: its default line in {@code reference.conf}, its declaration and getter here, and
 * the code that uses it ({@link Builder#set} sets any argument; a named setter is optional).
 */
public final class TrainingArguments {
    /** The config path of the defaults. */
    public static final String CONFIG_PATH = "trainer4j.args";

    private static final ArgumentTable.Registry DECLARED = new ArgumentTable.Registry();

    private static <T> Argument<T> declare(Argument<T> argument) {
        return DECLARED.add(argument);
    }

    private final ArgumentTable.Values values;
    /** HF's {@code world_size}: the worker processes of a multi-worker run, 1 otherwise; not a setting. */
    private final int worldSize;

    // ---- output, checkpoints, resume ----

    /** Where checkpoints and the final model go. */
    public static final Argument<String> OUTPUT_DIR = declare(Argument.string("output-dir")
            .check(path -> !path.isBlank(), "a non-empty path"));
    public String outputDir() { return get(OUTPUT_DIR); }

    /** Whether a run may write into an output dir that holds another run. */
    public static final Argument<Boolean> OVERWRITE_OUTPUT_DIR = declare(Argument.bool("overwrite-output-dir"));
    public boolean overwriteOutputDir() { return get(OVERWRITE_OUTPUT_DIR); }

    // ---- duration and batches ----

    public static final Argument<Double> NUM_TRAIN_EPOCHS = declare(Argument.number("num-train-epochs").checkedOnResume());
    public double numTrainEpochs() { return get(NUM_TRAIN_EPOCHS); }

    /** Optimizer steps to train for; -1 trains for {@code num-train-epochs}. */
    public static final Argument<Long> MAX_STEPS = declare(Argument.longInteger("max-steps")
            .check(steps -> steps > 0 || steps == -1, "an integer > 0, or -1 to train for num-train-epochs")
            .checkedOnResume());
    public long maxSteps() { return get(MAX_STEPS); }

    public static final Argument<Integer> PER_DEVICE_TRAIN_BATCH_SIZE = declare(Argument.integer("per-device-train-batch-size")
            .check(size -> size > 0, "an integer > 0").checkedOnResume());
    public int perDeviceTrainBatchSize() { return get(PER_DEVICE_TRAIN_BATCH_SIZE); }

    public static final Argument<Integer> PER_DEVICE_EVAL_BATCH_SIZE = declare(Argument.integer("per-device-eval-batch-size")
            .check(size -> size > 0, "an integer > 0"));
    public int perDeviceEvalBatchSize() { return get(PER_DEVICE_EVAL_BATCH_SIZE); }

    public static final Argument<Integer> GRADIENT_ACCUMULATION_STEPS = declare(Argument.integer("gradient-accumulation-steps")
            .check(steps -> steps > 0, "an integer > 0").checkedOnResume());
    public int gradientAccumulationSteps() { return get(GRADIENT_ACCUMULATION_STEPS); }

    // ---- optimizer and schedule ----

    public static final Argument<Double> LEARNING_RATE = declare(Argument.number("learning-rate")
            .check(TrainingArguments::finiteAndNonNegative, "a number >= 0").checkedOnResume());
    public double learningRate() { return get(LEARNING_RATE); }

    /** Decoupled weight decay; never applied to biases and normalisation parameters. */
    public static final Argument<Double> WEIGHT_DECAY = declare(Argument.number("weight-decay")
            .check(TrainingArguments::finiteAndNonNegative, "a number >= 0"));
    public double weightDecay() { return get(WEIGHT_DECAY); }

    public static final Argument<Double> ADAM_BETA1 = declare(Argument.number("adam-beta1")
            .check(beta -> beta >= 0 && beta < 1, "a number in [0, 1)"));
    public double adamBeta1() { return get(ADAM_BETA1); }

    public static final Argument<Double> ADAM_BETA2 = declare(Argument.number("adam-beta2")
            .check(beta -> beta >= 0 && beta < 1, "a number in [0, 1)"));
    public double adamBeta2() { return get(ADAM_BETA2); }

    public static final Argument<Double> ADAM_EPSILON = declare(Argument.number("adam-epsilon")
            .check(epsilon -> epsilon > 0 && !epsilon.isInfinite(), "a number > 0"));
    public double adamEpsilon() { return get(ADAM_EPSILON); }

    /** The global gradient norm to clip to; 0 disables clipping. */
    public static final Argument<Double> MAX_GRAD_NORM = declare(Argument.number("max-grad-norm")
            .check(TrainingArguments::finiteAndNonNegative, "a number >= 0"));
    public double maxGradNorm() { return get(MAX_GRAD_NORM); }

    public static final Argument<OptimizerType> OPTIM = declare(Argument.choice("optim", OptimizerType::parse,
            type -> type.configNames().get(0), OptimizerType.values()).checkedOnResume());
    public OptimizerType optim() { return get(OPTIM); }

    public static final Argument<SchedulerType> LR_SCHEDULER_TYPE = declare(Argument.choice("lr-scheduler-type",
            SchedulerType::parse, SchedulerType::configName, SchedulerType.values()).checkedOnResume());
    public SchedulerType lrSchedulerType() { return get(LR_SCHEDULER_TYPE); }

    /** Extra settings of the schedule, such as {@code num-cycles} or {@code min-lr}; checked by the schedule. */
    public static final Argument<Map<String, Object>> LR_SCHEDULER_KWARGS = declare(Argument.object("lr-scheduler-kwargs"));
    public Map<String, Object> lrSchedulerKwargs() { return get(LR_SCHEDULER_KWARGS); }

    /** Warmup: an integer number of steps, or a ratio of the total steps when below 1 (see {@link #warmupSteps(long)}). */
    public static final Argument<Double> WARMUP_STEPS = declare(Argument.number("warmup-steps")
            .check(steps -> steps >= 0 && !steps.isInfinite(), "an integer >= 0, or a ratio in [0, 1)")
            .check((key, steps) -> stepValue(key, steps, true)));
    public double warmupSteps() { return get(WARMUP_STEPS); }

    /** HF v4's warmup as a ratio of the total steps; unset unless given. */
    public static final Argument<Double> WARMUP_RATIO = declare(Argument.number("warmup-ratio").orNull()
            .check(ratio -> ratio >= 0 && ratio < 1, "a ratio in [0, 1)"));
    public OptionalDouble warmupRatio() { return optionalDouble(get(WARMUP_RATIO)); }

    // ---- logging ----

    public static final Argument<IntervalStrategy> LOGGING_STRATEGY = declare(Argument.choice("logging-strategy",
            IntervalStrategy::parse, IntervalStrategy::configName, IntervalStrategy.values()));
    public IntervalStrategy loggingStrategy() { return get(LOGGING_STRATEGY); }

    public static final Argument<Double> LOGGING_STEPS = declare(Argument.number("logging-steps"));
    public double loggingSteps() { return get(LOGGING_STEPS); }

    public static final Argument<Boolean> LOGGING_FIRST_STEP = declare(Argument.bool("logging-first-step"));
    public boolean loggingFirstStep() { return get(LOGGING_FIRST_STEP); }

    // ---- evaluation ----

    public static final Argument<IntervalStrategy> EVAL_STRATEGY = declare(Argument.choice("eval-strategy",
            IntervalStrategy::parse, IntervalStrategy::configName, IntervalStrategy.values()).alias("evaluation_strategy"));
    public IntervalStrategy evalStrategy() { return get(EVAL_STRATEGY); }

    public static final Argument<Double> EVAL_STEPS = declare(Argument.number("eval-steps").orNull());
    /** {@code eval-steps}, falling back to {@code logging-steps} as HF does. */
    public double evalSteps() {
        Double evalSteps = get(EVAL_STEPS);
        return evalSteps != null ? evalSteps : loggingSteps();
    }

    public static final Argument<Double> EVAL_DELAY = declare(Argument.number("eval-delay")
            .check(delay -> delay >= 0, "a number >= 0"));
    public double evalDelay() { return get(EVAL_DELAY); }

    public static final Argument<Boolean> EVAL_ON_START = declare(Argument.bool("eval-on-start"));
    public boolean evalOnStart() { return get(EVAL_ON_START); }

    // ---- saving ----

    public static final Argument<SaveStrategy> SAVE_STRATEGY = declare(Argument.choice("save-strategy",
            SaveStrategy::parse, SaveStrategy::configName, SaveStrategy.values()));
    public SaveStrategy saveStrategy() { return get(SAVE_STRATEGY); }

    public static final Argument<Double> SAVE_STEPS = declare(Argument.number("save-steps"));
    public double saveSteps() { return get(SAVE_STEPS); }

    /** How many checkpoints to keep; unset keeps every one. The best checkpoint is always kept. */
    public static final Argument<Integer> SAVE_TOTAL_LIMIT = declare(Argument.integer("save-total-limit").orNull()
            .check(limit -> limit >= 1, "an integer >= 1, or null to keep every checkpoint"));
    public OptionalInt saveTotalLimit() { return optionalInt(get(SAVE_TOTAL_LIMIT)); }

    /** Checkpoint only the weights: smaller, but cannot be resumed. */
    public static final Argument<Boolean> SAVE_ONLY_MODEL = declare(Argument.bool("save-only-model"));
    public boolean saveOnlyModel() { return get(SAVE_ONLY_MODEL); }

    /**
     * {@code Trainer.saveModel} also writes {@code model.safetensors} (Hugging Face names and layouts) and
     * {@code config.json} when the model has Hugging Face parameter names (as HF's {@code save_safetensors}).
     */
    public static final Argument<Boolean> SAVE_SAFETENSORS = declare(Argument.bool("save-safetensors"));
    public boolean saveSafetensors() { return get(SAVE_SAFETENSORS); }

    /**
     * On SIGTERM or SIGINT during {@code train()}, save a checkpoint at the next step boundary, then let the signal go
     * on to the handler installed before (the JVM's exits with 143 or 130). Off in the library, so that an embedding
     * application keeps its signals; the {@code trainer4j} command turns it on. HF: {@code enable_jit_checkpoint}.
     */
    public static final Argument<Boolean> SAVE_ON_INTERRUPT = declare(Argument.bool("save-on-interrupt")
            .alias("enable_jit_checkpoint"));
    public boolean saveOnInterrupt() { return get(SAVE_ON_INTERRUPT); }

    /** A checkpoint folder, or {@code latest}. */
    public static final Argument<String> RESUME_FROM_CHECKPOINT = declare(Argument.string("resume-from-checkpoint").orNull());
    public Optional<String> resumeFromCheckpoint() { return Optional.ofNullable(get(RESUME_FROM_CHECKPOINT)); }

    // ---- data ----

    public static final Argument<Long> SEED = declare(Argument.longInteger("seed")
            .check(seed -> seed >= 0, "an integer >= 0").checkedOnResume());
    public long seed() { return get(SEED); }

    public static final Argument<Long> DATA_SEED = declare(Argument.longInteger("data-seed").orNull()
            .check(seed -> seed >= 0, "an integer >= 0").checkedOnResume());
    /** {@code data-seed}, falling back to {@code seed}. */
    public long dataSeed() {
        Long dataSeed = get(DATA_SEED);
        return dataSeed != null ? dataSeed : seed();
    }

    public static final Argument<Boolean> DATALOADER_DROP_LAST = declare(Argument.bool("dataloader-drop-last").checkedOnResume());
    public boolean dataloaderDropLast() { return get(DATALOADER_DROP_LAST); }

    /** Threads that collate batches ahead of the step; 0 collates on the training thread. */
    public static final Argument<Integer> DATALOADER_NUM_WORKERS = declare(Argument.integer("dataloader-num-workers")
            .check(workers -> workers >= 0, "an integer >= 0"));
    public int dataloaderNumWorkers() { return get(DATALOADER_NUM_WORKERS); }

    /** Batches prefetched per worker; unset lets the data loader choose (needs workers when set). */
    public static final Argument<Integer> DATALOADER_PREFETCH_FACTOR = declare(Argument.integer("dataloader-prefetch-factor")
            .orNull().check(factor -> factor >= 1, "an integer >= 1"));
    public OptionalInt dataloaderPrefetchFactor() { return optionalInt(get(DATALOADER_PREFETCH_FACTOR)); }

    public static final Argument<SamplingStrategy> TRAIN_SAMPLING_STRATEGY = declare(Argument.choice("train-sampling-strategy",
            SamplingStrategy::parse, SamplingStrategy::configName, SamplingStrategy.values()).checkedOnResume());
    public SamplingStrategy trainSamplingStrategy() { return get(TRAIN_SAMPLING_STRATEGY); }

    public static final Argument<String> LENGTH_COLUMN_NAME = declare(Argument.string("length-column-name"));
    public String lengthColumnName() { return get(LENGTH_COLUMN_NAME); }

    /** The inputs that are labels; unset: the model's label inputs. */
    public static final Argument<List<String>> LABEL_NAMES = declare(Argument.stringList("label-names").orNull());
    public Optional<List<String>> labelNames() { return Optional.ofNullable(get(LABEL_NAMES)); }

    public static final Argument<Boolean> REMOVE_UNUSED_COLUMNS = declare(Argument.bool("remove-unused-columns"));
    public boolean removeUnusedColumns() { return get(REMOVE_UNUSED_COLUMNS); }

    // ---- best model ----

    public static final Argument<String> METRIC_FOR_BEST_MODEL = declare(Argument.string("metric-for-best-model").orNull());
    /** {@code metric-for-best-model}; when unset, {@code loss} if load-best-model-at-end or plateau needs one. */
    public Optional<String> metricForBestModel() {
        String metric = get(METRIC_FOR_BEST_MODEL);
        if (metric != null) {
            return Optional.of(metric);
        }
        if (loadBestModelAtEnd() || lrSchedulerType() == SchedulerType.REDUCE_LR_ON_PLATEAU) {
            return Optional.of("loss");
        }
        return Optional.empty();
    }

    public static final Argument<Boolean> GREATER_IS_BETTER = declare(Argument.bool("greater-is-better").orNull());
    /** {@code greater-is-better}; when unset, true unless the metric name ends with "loss" (HF). */
    public boolean greaterIsBetter() {
        Boolean greater = get(GREATER_IS_BETTER);
        if (greater != null) {
            return greater;
        }
        return metricForBestModel().map(name -> !name.endsWith("loss")).orElse(false);
    }

    public static final Argument<Boolean> LOAD_BEST_MODEL_AT_END = declare(Argument.bool("load-best-model-at-end"));
    public boolean loadBestModelAtEnd() { return get(LOAD_BEST_MODEL_AT_END); }

    // ---- reporting ----

    /** The run's name for trackers; unset: the output dir's name. */
    public static final Argument<String> RUN_NAME = declare(Argument.string("run-name").orNull());
    public Optional<String> runName() { return Optional.ofNullable(get(RUN_NAME)); }

    public static final Argument<Boolean> DISABLE_PROGRESS = declare(Argument.bool("disable-progress").alias("disable_tqdm"));
    public boolean disableProgress() { return get(DISABLE_PROGRESS); }

    public static final Argument<Double> LABEL_SMOOTHING_FACTOR = declare(Argument.number("label-smoothing-factor")
            .check(factor -> factor >= 0 && factor < 1, "a number in [0, 1)"));
    public double labelSmoothingFactor() { return get(LABEL_SMOOTHING_FACTOR); }

    /** Adds {@code train_<metric>} at logging steps, computed on that step's micro-batches. */
    public static final Argument<Boolean> INCLUDE_TRAIN_METRICS = declare(Argument.bool("include-train-metrics"));
    public boolean includeTrainMetrics() { return get(INCLUDE_TRAIN_METRICS); }

    // ---- precision, devices, threads ----

    /** bfloat16 mixed precision: half-precision compute, float32 master weights and optimizer state. */
    public static final Argument<Boolean> BF16 = declare(Argument.bool("bf16"));
    public boolean bf16() { return get(BF16); }

    /** float16 mixed precision with dynamic loss scaling; float32 master weights and optimizer state. */
    public static final Argument<Boolean> FP16 = declare(Argument.bool("fp16"));
    public boolean fp16() { return get(FP16); }

    /**
     * HF's {@code bf16_full_eval}: evaluation and prediction run the whole model in bfloat16 (not mixed precision);
     * training is unchanged.
     */
    public static final Argument<Boolean> BF16_FULL_EVAL = declare(Argument.bool("bf16-full-eval"));
    public boolean bf16FullEval() { return get(BF16_FULL_EVAL); }

    /**
     * HF's {@code fp16_full_eval}: evaluation and prediction run the whole model in float16 (not mixed precision);
     * training is unchanged.
     */
    public static final Argument<Boolean> FP16_FULL_EVAL = declare(Argument.bool("fp16-full-eval"));
    public boolean fp16FullEval() { return get(FP16_FULL_EVAL); }

    /**
     * The devices of a run in one process: a count ({@code 2}), {@code auto} (every GPU the backend finds, else one
     * CPU device) or a list of device names ({@code ["/device:CPU:0", "/device:CPU:1"]}); see {@link DeviceSelection}.
     */
    public static final Argument<String> DEVICES = declare(Argument.stringOrList("devices")
            .check((key, value) -> DeviceSelection.parse(key, value)));
    public String devices() { return get(DEVICES); }

    /** {@code devices} read: a count, {@code auto} or names. */
    public DeviceSelection deviceSelection() { return DeviceSelection.parse(DEVICES.key(), get(DEVICES)); }

    public static final Argument<Integer> INTRA_OP_THREADS = declare(Argument.integer("intra-op-threads")
            .check(threads -> threads >= 0, "an integer >= 0 (0: chosen by the step's cost)"));
    public int intraOpThreads() { return get(INTRA_OP_THREADS); }

    public static final Argument<Integer> INTER_OP_THREADS = declare(Argument.integer("inter-op-threads")
            .check(threads -> threads >= -1, "an integer >= -1 (0: chosen by the step's cost, -1: run in the caller's thread)"));
    public int interOpThreads() { return get(INTER_OP_THREADS); }

    /** The most towers {@code train-towers} allows: each is a copy of the training graph, built and run per step. */
    public static final int MAX_TRAIN_TOWERS = 256;

    /**
     * Into how many row slices ("towers") the backend splits each training batch; every slice's forward and
     * backward pass is an independent branch, and the gradients are summed. 0: chosen by the step's cost, 1: no split.
     * At most {@value #MAX_TRAIN_TOWERS}; the backend uses at most one tower per row of the batch.
     */
    public static final Argument<Integer> TRAIN_TOWERS = declare(Argument.integer("train-towers")
            .check(towers -> towers >= 0 && towers <= MAX_TRAIN_TOWERS, "an integer between 0 and "
                    + MAX_TRAIN_TOWERS + " (0: chosen by the step's cost, 1: no split; each tower is a"
                    + " copy of the model's training graph)"));

    public int trainTowers() { return get(TRAIN_TOWERS); }

    public static final Argument<NonFinitePolicy> NON_FINITE_POLICY = declare(Argument.choice("non-finite-policy",
            NonFinitePolicy::parse, NonFinitePolicy::configName, NonFinitePolicy.values()));
    public NonFinitePolicy nonFinitePolicy() { return get(NON_FINITE_POLICY); }

    // ---- quick runs (PyTorch Lightning's Trainer flags) ----

    /**
     * A smoke test of the whole run: n > 0 trains n optimizer steps (one epoch), evaluates at most n batches per eval
     * dataset, and saves no checkpoint; 0 is off.
     */
    public static final Argument<Integer> FAST_DEV_RUN = declare(Argument.integer("fast-dev-run")
            .check(n -> n >= 0, "an integer >= 0 (0: off; n: n train steps and n batches per evaluation, no checkpoints)"));
    public int fastDevRun() { return get(FAST_DEV_RUN); }

    /** n > 0 trains on the first n batches of the train dataset, in order (no shuffling), every epoch; 0 is off. */
    public static final Argument<Integer> OVERFIT_BATCHES = declare(Argument.integer("overfit-batches")
            .check(n -> n >= 0, "an integer >= 0 (0: off)").checkedOnResume());
    public int overfitBatches() { return get(OVERFIT_BATCHES); }

    /** Train batches per epoch: an integer >= 1, or a ratio in (0, 1) of the epoch's batches; null: all. */
    public static final Argument<Double> LIMIT_TRAIN_BATCHES = declare(Argument.number("limit-train-batches").orNull()
            .checkedOnResume());
    public OptionalDouble limitTrainBatches() { return optionalDouble(get(LIMIT_TRAIN_BATCHES)); }

    /** Batches per evaluation and eval dataset: an integer >= 1, or a ratio in (0, 1); null: all. */
    public static final Argument<Double> LIMIT_EVAL_BATCHES = declare(Argument.number("limit-eval-batches").orNull());
    public OptionalDouble limitEvalBatches() { return optionalDouble(get(LIMIT_EVAL_BATCHES)); }

    /**
     * A wall-clock budget for {@code train()} as a HOCON duration ({@code "90s"}, {@code "30m"}, {@code "2h"}): when
     * it is used up, training stops at the next optimizer-step boundary as {@link Trainer#stop()} does, saving that
     * step's checkpoint unless {@code save-strategy = no}. Null: no budget.
     */
    public static final Argument<String> MAX_TIME = declare(Argument.string("max-time").orNull()
            .check(TrainingArguments::checkDuration));
    /** {@code max-time} as written, e.g. {@code "30m"}; {@link #maxTimeBudget()} is its duration. */
    public Optional<String> maxTime() { return Optional.ofNullable(get(MAX_TIME)); }

    /** {@code max-time} as a duration. */
    public Optional<java.time.Duration> maxTimeBudget() {
        String value = get(MAX_TIME);
        return value == null ? Optional.empty() : Optional.of(parseDuration(MAX_TIME.key(), value));
    }

    private static void checkDuration(String path, String value) {
        parseDuration(path, value);
    }

    private static java.time.Duration parseDuration(String path, String value) {
        java.time.Duration duration;
        try {
            duration = ConfigFactory.parseMap(Map.of("d", value)).getDuration("d");
        }
        catch (com.typesafe.config.ConfigException e) {
            throw new ConfigurationException(path, value, "a duration such as \"90s\", \"30m\" or \"2h\"");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new ConfigurationException(path, value, "a duration > 0 such as \"90s\", \"30m\" or \"2h\"");
        }
        return duration;
    }

    // ---- issue 20: HF parity ----

    /** Evaluation and prediction return only the loss: no predictions are fetched and no metric is computed. */
    public static final Argument<Boolean> PREDICTION_LOSS_ONLY = declare(Argument.bool("prediction-loss-only"));
    public boolean predictionLossOnly() { return get(PREDICTION_LOSS_ONLY); }

    /** What {@link EvalPrediction} carries besides predictions and labels. */
    public static final List<String> INCLUDE_FOR_METRICS_CHOICES = List.of("inputs", "loss");

    /** Adds the batch inputs ({@code inputs}) and the per-row loss ({@code loss}) to {@link EvalPrediction}. */
    public static final Argument<List<String>> INCLUDE_FOR_METRICS = declare(Argument.stringList("include-for-metrics")
            .check(names -> INCLUDE_FOR_METRICS_CHOICES.containsAll(names), "a list of " + INCLUDE_FOR_METRICS_CHOICES));
    public List<String> includeForMetrics() { return get(INCLUDE_FOR_METRICS); }

    /**
     * HF's {@code eval_do_concat_batches}: true (the default) concatenates the batches' predictions, labels, inputs
     * and losses (shorter sequences padded with -100); false keeps them per batch ({@link EvalPrediction#batches()},
     * {@link PredictionOutput#predictionBatches()}), each with its own padded length.
     */
    public static final Argument<Boolean> EVAL_DO_CONCAT_BATCHES = declare(Argument.bool("eval-do-concat-batches"));
    public boolean evalDoConcatBatches() { return get(EVAL_DO_CONCAT_BATCHES); }

    /** {@link ComputeMetrics#computeBatch} is called per batch instead of {@code compute} on the whole pass. */
    public static final Argument<Boolean> BATCH_EVAL_METRICS = declare(Argument.bool("batch-eval-metrics"));
    public boolean batchEvalMetrics() { return get(BATCH_EVAL_METRICS); }

    /** With {@code non-finite-policy = skip}: true keeps a skipped step's loss out of the logged losses (HF's filter). */
    public static final Argument<Boolean> LOGGING_NAN_INF_FILTER = declare(Argument.bool("logging-nan-inf-filter"));
    public boolean loggingNanInfFilter() { return get(LOGGING_NAN_INF_FILTER); }

    /** The ways of counting input tokens: {@code no}, {@code all}, {@code non_padding}. */
    public static final List<String> INPUT_TOKEN_COUNTS = List.of("no", "all", "non_padding");

    /** Count the training input tokens into {@code num_input_tokens_seen}: no, all, non_padding (true is all, HF v4). */
    public static final Argument<String> INCLUDE_NUM_INPUT_TOKENS_SEEN = declare(Argument.string("include-num-input-tokens-seen")
            .check(value -> INPUT_TOKEN_COUNTS.contains(tokenCount(value)), "one of " + INPUT_TOKEN_COUNTS + ", true or false"));
    /** {@code include-num-input-tokens-seen} as {@code no}, {@code all} or {@code non_padding}. */
    public String includeNumInputTokensSeen() { return tokenCount(get(INCLUDE_NUM_INPUT_TOKENS_SEEN)); }

    private static String tokenCount(String value) {
        return switch (value) {
            case "true" -> "all";
            case "false" -> "no";
            default -> value.replace('-', '_');
        };
    }

    /** Adds {@code train_tokens_per_second} to the training metrics. */
    public static final Argument<Boolean> INCLUDE_TOKENS_PER_SECOND = declare(Argument.bool("include-tokens-per-second"));
    public boolean includeTokensPerSecond() { return get(INCLUDE_TOKENS_PER_SECOND); }

    /** On resume, start the resumed epoch's data from its beginning instead of the stored position. */
    public static final Argument<Boolean> IGNORE_DATA_SKIP = declare(Argument.bool("ignore-data-skip"));
    public boolean ignoreDataSkip() { return get(IGNORE_DATA_SKIP); }

    /** On resume, restore the state of {@link StatefulCallback}s from the checkpoint (trainer4j's default: true). */
    public static final Argument<Boolean> RESTORE_CALLBACK_STATES_FROM_CHECKPOINT = declare(Argument.bool(
            "restore-callback-states-from-checkpoint"));
    public boolean restoreCallbackStatesFromCheckpoint() { return get(RESTORE_CALLBACK_STATES_FROM_CHECKPOINT); }

    /** When a training step runs out of memory, halve {@code per-device-train-batch-size} and start training again. */
    public static final Argument<Boolean> AUTO_FIND_BATCH_SIZE = declare(Argument.bool("auto-find-batch-size"));
    public boolean autoFindBatchSize() { return get(AUTO_FIND_BATCH_SIZE); }

    /** False adds HF's {@code <stage>_mem_cpu_alloc_delta} and {@code <stage>_mem_cpu_peaked_delta} metrics. */
    public static final Argument<Boolean> SKIP_MEMORY_METRICS = declare(Argument.bool("skip-memory-metrics"));
    public boolean skipMemoryMetrics() { return get(SKIP_MEMORY_METRICS); }

    /**
     * One full garbage collection ({@code System.gc()}) after the run's setup and before its first step: the Java
     * heap lets go of what building the model and reading the data left behind and shrinks to what training needs, so
     * the process's resident memory stays near the steps' own. Off in the library, since in an application with a
     * large heap a full collection is a long pause; the {@code trainer4j} command turns it on. No HF counterpart.
     */
    public static final Argument<Boolean> FULL_GC_BEFORE_TRAINING = declare(Argument.bool("full-gc-before-training"));
    public boolean fullGcBeforeTraining() { return get(FULL_GC_BEFORE_TRAINING); }

    /** HF's script flags, honoured by the {@code trainer4j} command: train, evaluate, predict. */
    public static final Argument<Boolean> DO_TRAIN = declare(Argument.bool("do-train"));
    public boolean doTrain() { return get(DO_TRAIN); }

    public static final Argument<Boolean> DO_EVAL = declare(Argument.bool("do-eval"));
    public boolean doEval() { return get(DO_EVAL); }

    public static final Argument<Boolean> DO_PREDICT = declare(Argument.bool("do-predict"));
    public boolean doPredict() { return get(DO_PREDICT); }

    /** The {@code report-to} names: the logging callbacks they add ({@code all}: every one installed; {@code none}). */
    public static final Map<String, String> REPORTERS = Map.of("tensorboard", "tensorboard", "jsonl", "jsonl-logger",
            "csv", "csv-logger");

    /**
     * HF's {@code report_to}: logging callbacks to add when {@code callbacks} lacks them ({@link #REPORTERS}), {@code all}
     * for every installed one, {@code none} for none; a single name is a list of one.
     */
    public static final Argument<List<String>> REPORT_TO = declare(Argument.stringList("report-to")
            .check(names -> names.stream().allMatch(name -> REPORTERS.containsKey(name) || name.equals("all")
                    || name.equals("none")), "a list of " + List.of("none", "all", "tensorboard", "jsonl", "csv")));
    public List<String> reportTo() { return get(REPORT_TO); }

    /** HF's {@code logging_dir}: the folder of the TensorBoard event files; unset: {@code <output-dir>/runs/<date>_<host>}. */
    public static final Argument<String> LOGGING_DIR = declare(Argument.string("logging-dir").orNull()
            .check(path -> !path.isBlank(), "a non-empty path, or null"));
    public Optional<String> loggingDir() { return Optional.ofNullable(get(LOGGING_DIR)); }

    /** HF's log levels. */
    public static final List<String> LOG_LEVELS = List.of("passive", "debug", "info", "warning", "error", "critical");

    /** HF's {@code log_level}: the level of trainer4j's loggers in the {@code trainer4j} command; passive keeps it. */
    public static final Argument<String> LOG_LEVEL = declare(Argument.string("log-level")
            .check(LOG_LEVELS::contains, "one of " + LOG_LEVELS));
    public String logLevel() { return get(LOG_LEVEL); }

    /**
     * HF's {@code full_determinism}: the backend fixes what varies between machines (on TensorFlow: one tower, one
     * intra-op thread, kernels on the caller's thread, unless given), so a run repeats bit for bit anywhere; slower.
     */
    public static final Argument<Boolean> FULL_DETERMINISM = declare(Argument.bool("full-determinism"));
    public boolean fullDeterminism() { return get(FULL_DETERMINISM); }

    /**
     * HF's {@code optim_args}: {@code "key=value,key=value"} settings of the optimizer beyond the {@code adam-*} keys;
     * which keys an optimizer takes is its own (adafactor: {@code clip_threshold}, {@code decay_rate}, {@code eps1}).
     */
    public static final Argument<String> OPTIM_ARGS = declare(Argument.string("optim-args").orNull()
            .check(TrainingArguments::checkOptimArgs));
    /** {@code optim-args} as written, e.g. {@code "clip_threshold=0.5"}; {@link #optimArgsByKey()} parses it. */
    public Optional<String> optimArgs() { return Optional.ofNullable(get(OPTIM_ARGS)); }

    /** {@code optim-args} as key to value, in the order written; empty when unset. */
    public Map<String, String> optimArgsByKey() {
        return optimArgs().map(text -> parseOptimArgs(OPTIM_ARGS.key(), text)).orElse(Map.of());
    }

    private static void checkOptimArgs(String key, String text) {
        parseOptimArgs(key, text);
    }

    private static Map<String, String> parseOptimArgs(String key, String text) {
        Map<String, String> parsed = new java.util.LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals <= 0 || equals == pair.length() - 1) {
                throw new ConfigurationException(key, text, "key=value pairs separated by commas, e.g. \"clip_threshold=0.5\"");
            }
            parsed.put(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }
        return java.util.Collections.unmodifiableMap(parsed);
    }

    /**
     * HF's {@code neftune_noise_alpha} (NEFTune): while training, uniform noise of magnitude {@code alpha/sqrt(L*d)}
     * on the input embeddings of the models that have them (the transformer models); unset: none.
     */
    public static final Argument<Double> NEFTUNE_NOISE_ALPHA = declare(Argument.number("neftune-noise-alpha").orNull()
            .check(alpha -> alpha > 0 && !alpha.isInfinite(), "a number > 0, or null for no noise"));
    /** {@code neftune-noise-alpha}; empty: no noise. */
    public OptionalDouble neftuneNoiseAlpha() { return optionalDouble(get(NEFTUNE_NOISE_ALPHA)); }

    /** {@code debug}'s one value: report the first layer whose activations become non-finite. */
    public static final String DEBUG_UNDERFLOW_OVERFLOW = "underflow_overflow";

    /**
     * HF's {@code debug}: {@code [underflow_overflow]} makes the backend name the first layer whose activations are
     * not finite when a step's loss or gradient is not (a log line, and the engine's report); a name is a list of one.
     */
    public static final Argument<List<String>> DEBUG = declare(Argument.stringList("debug")
            .check(values -> values.stream().allMatch(DEBUG_UNDERFLOW_OVERFLOW::equals),
                    "[] or [underflow_overflow] (tpu_metrics_debug needs a TPU)"));
    public List<String> debug() { return get(DEBUG); }

    /**
     * HF's {@code gradient_checkpointing}: while training, the activations inside each transformer layer are not kept
     * from the forward pass to the backward pass but recomputed there, layer by layer (less memory, about one more
     * forward pass of time). Models without such layers refuse it.
     */
    public static final Argument<Boolean> GRADIENT_CHECKPOINTING = declare(Argument.bool("gradient-checkpointing"));
    public boolean gradientCheckpointing() { return get(GRADIENT_CHECKPOINTING); }

    /** The names {@code gradient-checkpointing-kwargs} accepts: HF's {@code use_reentrant}. */
    public static final List<String> GRADIENT_CHECKPOINTING_KWARGS_NAMES = List.of("use_reentrant");

    /**
     * HF's {@code gradient_checkpointing_kwargs}: {@code { use_reentrant = true|false }} is accepted and has no meaning
     * in graph mode (the recomputation is part of the graph, not a PyTorch autograd function); other names are refused.
     */
    public static final Argument<Map<String, Object>> GRADIENT_CHECKPOINTING_KWARGS = declare(
            Argument.object("gradient-checkpointing-kwargs")
                    .check(kwargs -> GRADIENT_CHECKPOINTING_KWARGS_NAMES.containsAll(kwargs.keySet())
                                    && kwargs.values().stream().allMatch(Boolean.class::isInstance),
                            "{ use_reentrant = true|false } or {} (the other torch.utils.checkpoint names have no"
                                    + " meaning in graph mode)"));
    public Map<String, Object> gradientCheckpointingKwargs() { return get(GRADIENT_CHECKPOINTING_KWARGS); }

    // ---- issue 18: devices ----

    /** HF's {@code use_cpu}: run on CPU devices even where GPUs are available. */
    public static final Argument<Boolean> USE_CPU = declare(Argument.bool("use-cpu"));
    public boolean useCpu() { return get(USE_CPU); }

    /** How the model uses several devices: {@code mirrored} (data parallel) or {@code model-parallel}. */
    public static final Argument<DeviceStrategy> STRATEGY = declare(Argument.choice("strategy", DeviceStrategy::parse,
            DeviceStrategy::configName, DeviceStrategy.values()));
    public DeviceStrategy strategy() { return get(STRATEGY); }

    /**
     * With {@code strategy = model-parallel} (other strategies ignore it): layer-name globs to device names, e.g.
     * {@code { "mlp/dense_0/*" = "/device:CPU:0", "*" = "/device:CPU:1" }} (HF's {@code device_map}); the longest
     * matching glob places a variable and its layer's ops.
     */
    public static final Argument<Map<String, Object>> DEVICE_MAP = declare(Argument.object("device-map"));
    public Map<String, Object> deviceMap() { return get(DEVICE_MAP); }

    /**
     * HF v4's {@code tp_size} (tensor parallelism: each layer's matrices sharded over devices): only 0 and 1 (none)
     * are accepted; a model is split over devices layer by layer with {@code strategy = model-parallel} and a
     * {@code device-map}.
     */
    public static final Argument<Integer> TP_SIZE = declare(Argument.integer("tp-size")
            .check(size -> size == 0 || size == 1, "0 or 1: tensor parallelism (each layer's matrices sharded over"
                    + " devices) is not implemented; to split a model over devices use strategy = model-parallel with a"
                    + " device-map (layer-wise model parallelism)"));
    public int tpSize() { return get(TP_SIZE); }

    /** The first loss scale of {@code fp16} (torch's GradScaler {@code init_scale}). */
    public static final Argument<Double> LOSS_SCALE_INITIAL = declare(Argument.number("loss-scale-initial")
            .check(scale -> scale >= 1 && !scale.isInfinite(), "a finite number >= 1"));
    public double lossScaleInitial() { return get(LOSS_SCALE_INITIAL); }

    /** After this many finite steps in a row the {@code fp16} loss scale doubles (torch's {@code growth_interval}). */
    public static final Argument<Integer> LOSS_SCALE_WINDOW = declare(Argument.integer("loss-scale-window")
            .check(steps -> steps > 0, "an integer > 0"));
    public int lossScaleWindow() { return get(LOSS_SCALE_WINDOW); }

    // ---- issue 17: seq2seq (HF's Seq2SeqTrainingArguments) ----

    /**
     * {@code evaluate}/{@code predict} generate with the model (one that generates): the predictions are the
     * generated ids padded with the pad id, metrics see the decoded texts when the run has a tokenizer, and the loss
     * still comes from a teacher-forced pass.
     */
    public static final Argument<Boolean> PREDICT_WITH_GENERATE = declare(Argument.bool("predict-with-generate"));
    public boolean predictWithGenerate() { return get(PREDICT_WITH_GENERATE); }

    /** The max-length of generation in {@code evaluate}/{@code predict}; unset: the generation config's. */
    public static final Argument<Integer> GENERATION_MAX_LENGTH = declare(Argument.integer("generation-max-length")
            .orNull().check(length -> length >= 1, "an integer >= 1"));
    public OptionalInt generationMaxLength() { return optionalInt(get(GENERATION_MAX_LENGTH)); }

    /** The num-beams of generation in {@code evaluate}/{@code predict}; unset: the generation config's. */
    public static final Argument<Integer> GENERATION_NUM_BEAMS = declare(Argument.integer("generation-num-beams")
            .orNull().check(beams -> beams >= 1, "an integer >= 1"));
    public OptionalInt generationNumBeams() { return optionalInt(get(GENERATION_NUM_BEAMS)); }

    /**
     * Generation settings ({@link GenerationConfig}'s keys), a block or the path of a HOCON/JSON file (HF's
     * {@code generation_config}); they override the model's generation config.
     */
    public static final Argument<Map<String, Object>> GENERATION_CONFIG = declare(Argument.objectOrFile("generation-config")
            .check((key, settings) -> GenerationConfig.fromMap(settings, key)));

    /** {@code generation-config} as written (kebab-case or HF's snake_case keys); {@link #generationOverrides()} reads it. */
    public Map<String, Object> generationConfig() { return get(GENERATION_CONFIG); }

    /**
     * What these arguments set for generation, HF's precedence within the arguments: {@code generation-config},
     * overridden by {@code generation-max-length} and {@code generation-num-beams} when set.
     */
    public GenerationConfig generationOverrides() {
        GenerationConfig config = GenerationConfig.fromMap(get(GENERATION_CONFIG), GENERATION_CONFIG.key());
        if (get(GENERATION_MAX_LENGTH) != null) {
            config = config.with(GenerationConfig.MAX_LENGTH, get(GENERATION_MAX_LENGTH));
        }
        if (get(GENERATION_NUM_BEAMS) != null) {
            config = config.with(GenerationConfig.NUM_BEAMS, get(GENERATION_NUM_BEAMS));
        }
        return config;
    }

    /**
     * HF's {@code SortishSampler}: each epoch the training set is shuffled, cut into chunks of 50 batches, each
     * chunk sorted by length (longest first), so batches hold examples of similar length in a random order.
     */
    public static final Argument<Boolean> SORTISH_SAMPLER = declare(Argument.bool("sortish-sampler").checkedOnResume());
    public boolean sortishSampler() { return get(SORTISH_SAMPLER); }

    /** Every declaration, in order; declared above this line. */
    private static final ArgumentTable TABLE = DECLARED.build();

    private TrainingArguments(ArgumentTable.Values values) {
        this(values, 1);
    }

    private TrainingArguments(ArgumentTable.Values values, int worldSize) {
        this.values = values;
        this.worldSize = worldSize;
        validateTogether();
    }

    /** Every declared argument, in declaration (and snapshot) order. */
    public static List<Argument<?>> arguments() {
        return TABLE.arguments();
    }

    /** The argument with this kebab-case key, if declared. */
    public static Optional<Argument<?>> argument(String key) {
        return TABLE.argument(key).filter(argument -> argument.key().equals(key));
    }

    /** The value of a declared argument ({@code null} when a nullable one is unset). */
    public <T> T get(Argument<T> argument) {
        return values.get(argument);
    }

    /** The checks that involve several keys; each argument's own checks ran when its value was set. */
    private void validateTogether() {
        if (!(numTrainEpochs() > 0) && maxSteps() <= 0) {
            throw new ConfigurationException(NUM_TRAIN_EPOCHS.key(), numTrainEpochs(), "a number > 0 (or max-steps > 0)");
        }
        Double warmupRatio = get(WARMUP_RATIO);
        if (warmupRatio != null && warmupSteps() > 0) {
            throw new ConfigurationException(WARMUP_RATIO.key(),
                    "warmup-ratio (" + warmupRatio + ") and warmup-steps (" + warmupSteps() + ") are both set; set only one");
        }
        if (loggingStrategy() == IntervalStrategy.STEPS) {
            stepValue(LOGGING_STEPS.key(), loggingSteps(), false);
        }
        if (evalStrategy() == IntervalStrategy.STEPS && get(EVAL_STEPS) != null) {
            stepValue(EVAL_STEPS.key(), get(EVAL_STEPS), false);
        }
        if (saveStrategy() == SaveStrategy.STEPS) {
            stepValue(SAVE_STEPS.key(), saveSteps(), false);
        }
        if (get(DATALOADER_PREFETCH_FACTOR) != null && dataloaderNumWorkers() == 0) {
            throw new ConfigurationException(DATALOADER_PREFETCH_FACTOR.key(), "dataloader-prefetch-factor ("
                    + get(DATALOADER_PREFETCH_FACTOR) + ") needs dataloader-num-workers > 0");
        }
        batchLimit(LIMIT_TRAIN_BATCHES);
        batchLimit(LIMIT_EVAL_BATCHES);
        if (strategy() == DeviceStrategy.MODEL_PARALLEL && deviceMap().isEmpty()) {
            throw new ConfigurationException(DEVICE_MAP.key(), "strategy = model-parallel needs a device-map of layer-name"
                    + " globs to devices, e.g. { \"mlp/dense_0/*\" = \"/device:CPU:0\", \"*\" = \"/device:CPU:1\" }");
        }
        if (bf16() && fp16()) {
            throw new ConfigurationException(BF16.key(), "bf16 and fp16 are both true; choose one");
        }
        if (bf16FullEval() && fp16FullEval()) {
            throw new ConfigurationException(BF16_FULL_EVAL.key(), "bf16-full-eval and fp16-full-eval are both true;"
                    + " choose one");
        }
        if (lrSchedulerType() == SchedulerType.REDUCE_LR_ON_PLATEAU && evalStrategy() == IntervalStrategy.NO) {
            throw new ConfigurationException(LR_SCHEDULER_TYPE.key(),
                    "lr-scheduler-type = reduce_lr_on_plateau needs an eval-strategy other than 'no'");
        }
        if (saveStrategy() == SaveStrategy.BEST && metricForBestModel().isEmpty()) {
            throw new ConfigurationException(METRIC_FOR_BEST_MODEL.key(), "save-strategy = best needs metric-for-best-model");
        }
        if (loadBestModelAtEnd() && saveStrategy() != SaveStrategy.BEST) {
            validateBestModelSelection();
        }
    }

    /** Lightning's limit: an integer number of batches >= 1, or a ratio in (0, 1) of the epoch's batches. */
    private void batchLimit(Argument<Double> argument) {
        Double value = get(argument);
        if (value != null && !((value >= 1 && value == Math.rint(value) && !value.isInfinite()) || (value > 0 && value < 1))) {
            throw new ConfigurationException(argument.key(), format(value),
                    "an integer >= 1 (batches), or a ratio in (0, 1) of the epoch's batches");
        }
    }

    private void validateBestModelSelection() {
        String key = LOAD_BEST_MODEL_AT_END.key();
        if (evalStrategy() == IntervalStrategy.NO) {
            throw new ConfigurationException(key, "load-best-model-at-end needs an eval-strategy other than 'no'");
        }
        if (!saveStrategy().name().equals(evalStrategy().name())) {
            throw new ConfigurationException(key, "load-best-model-at-end needs save-strategy and eval-strategy to match; "
                    + "save-strategy is '" + saveStrategy().configName() + "', eval-strategy is '" + evalStrategy().configName() + "'");
        }
        if (evalStrategy() == IntervalStrategy.STEPS) {
            double eval = evalSteps();
            double save = saveSteps();
            boolean bothIntegers = eval >= 1 && save >= 1;
            boolean bothRatios = eval < 1 && save < 1;
            boolean multiple = bothIntegers ? ((long) save) % ((long) eval) == 0
                    : bothRatios && Math.abs(Math.round(save / eval) * eval - save) < 1e-9;
            if (!multiple) {
                throw new ConfigurationException(key, "load-best-model-at-end needs save-steps to be a round multiple of "
                        + "eval-steps; save-steps is " + format(save) + ", eval-steps is " + format(eval));
            }
        }
    }

    private static boolean finiteAndNonNegative(double value) {
        return value >= 0 && !Double.isInfinite(value);
    }

    /** HF: a step value is an integer >= 1, or a ratio in (0, 1) of the total steps. */
    private static void stepValue(String key, double value, boolean zeroAllowed) {
        boolean valid = (value >= 1 && value == Math.rint(value) && !Double.isInfinite(value))
                || (value > 0 && value < 1)
                || (zeroAllowed && value == 0);
        if (!valid) {
            throw new ConfigurationException(key, format(value),
                    (zeroAllowed ? "an integer >= 0" : "an integer >= 1") + ", or a ratio in (0, 1) of the total steps");
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static OptionalInt optionalInt(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }

    private static OptionalDouble optionalDouble(Double value) {
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** A builder holding the reference defaults. */
    public static Builder builder() {
        return fromConfig(defaults()).toBuilder();
    }

    /** The reference defaults ({@code trainer4j.args} of every {@code reference.conf}). */
    public static Config defaults() {
        return ConfigFactory.defaultReference().getConfig(CONFIG_PATH);
    }

    /**
     * Reads arguments from an {@code args} config block with kebab-case keys, falling back to the reference
     * defaults. Wrong types give an {@link ConfigurationException} naming the key. Unknown keys and HF aliases
     * are handled by the config layer before this.
     */
    public static TrainingArguments fromConfig(Config args) {
        return new TrainingArguments(TABLE.read(args.withFallback(defaults())));
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        return new Builder(values.toMutableMap());
    }

    /** Every argument under its kebab-case key, in declaration order (nulls kept): the args snapshot. */
    public Map<String, Object> toMap() {
        return values.snapshot();
    }

    /**
     * Examples per micro-batch over all devices of all workers (the global batch; HF's {@code train_batch_size} times
     * its {@code world_size}): per-device size times devices times {@link #worldSize()}.
     */
    public int trainBatchSize() {
        return perDeviceTrainBatchSize() * deviceSelection().replicas() * worldSize;
    }

    /** Examples per evaluation batch over all devices of all workers. */
    public int evalBatchSize() {
        return perDeviceEvalBatchSize() * deviceSelection().replicas() * worldSize;
    }

    /**
     * HF's {@code world_size}: the workers of a multi-worker run that train replicas (1 for one process). Not a
     * setting: the trainer sets it from {@code TrainerSpec.cluster()}.
     */
    public int worldSize() {
        return worldSize;
    }

    /** These arguments in a run of {@code workers} worker processes (see {@link #worldSize()}). */
    public TrainingArguments withWorldSize(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        return new TrainingArguments(values, workers);
    }

    /** Resolves a step setting: a ratio below 1 becomes {@code ceil(totalSteps * ratio)} (HF). */
    public static long resolveSteps(double value, long totalSteps) {
        if (value > 0 && value < 1) {
            return Math.max(1, (long) Math.ceil(totalSteps * value));
        }
        return (long) value;
    }

    /** Warmup steps for a run of {@code totalSteps}: {@code warmup-steps} (integer or ratio) or {@code warmup-ratio}. */
    public long warmupSteps(long totalSteps) {
        double warmupSteps = warmupSteps();
        Double warmupRatio = get(WARMUP_RATIO);
        if (warmupRatio != null && warmupSteps == 0) {
            return (long) Math.ceil(totalSteps * warmupRatio);
        }
        if (warmupSteps > 0 && warmupSteps < 1) {
            return (long) Math.ceil(totalSteps * warmupSteps);
        }
        return (long) warmupSteps;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrainingArguments arguments && toMap().equals(arguments.toMap())
                && worldSize == arguments.worldSize;
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return "TrainingArguments" + toMap();
    }

    /**
     * Builds {@link TrainingArguments}; starts from the reference defaults when made by {@link #builder()}. Any
     * declared argument can be set with {@link #set}; the named setters are shorthands for the common ones.
     */
    public static final class Builder {
        private final Map<Argument<?>, Object> values;

        private Builder(Map<Argument<?>, Object> values) {
            this.values = values;
        }

        /** Sets a declared argument; {@code null} unsets a nullable one. Checked by {@link #build()}. */
        public <T> Builder set(Argument<T> argument, T value) {
            requireNonNull(argument, "argument is null");
            if (!TABLE.declares(argument)) {
                throw new IllegalArgumentException(argument.key() + " is not a declared training argument");
            }
            if (value == null && !argument.nullable()) {
                throw new NullPointerException(argument.key() + " is null");
            }
            values.put(argument, value);
            return this;
        }

        public Builder outputDir(String value) { return set(OUTPUT_DIR, value); }
        public Builder overwriteOutputDir(boolean value) { return set(OVERWRITE_OUTPUT_DIR, value); }
        public Builder numTrainEpochs(double value) { return set(NUM_TRAIN_EPOCHS, value); }
        public Builder maxSteps(long value) { return set(MAX_STEPS, value); }
        public Builder perDeviceTrainBatchSize(int value) { return set(PER_DEVICE_TRAIN_BATCH_SIZE, value); }
        public Builder perDeviceEvalBatchSize(int value) { return set(PER_DEVICE_EVAL_BATCH_SIZE, value); }
        public Builder gradientAccumulationSteps(int value) { return set(GRADIENT_ACCUMULATION_STEPS, value); }
        public Builder learningRate(double value) { return set(LEARNING_RATE, value); }
        public Builder weightDecay(double value) { return set(WEIGHT_DECAY, value); }
        public Builder adamBeta1(double value) { return set(ADAM_BETA1, value); }
        public Builder adamBeta2(double value) { return set(ADAM_BETA2, value); }
        public Builder adamEpsilon(double value) { return set(ADAM_EPSILON, value); }
        public Builder maxGradNorm(double value) { return set(MAX_GRAD_NORM, value); }
        public Builder optim(OptimizerType value) { return set(OPTIM, value); }
        public Builder optim(String value) { return set(OPTIM, OptimizerType.parse(OPTIM.key(), value)); }
        public Builder lrSchedulerType(SchedulerType value) { return set(LR_SCHEDULER_TYPE, value); }
        public Builder lrSchedulerType(String value) { return set(LR_SCHEDULER_TYPE, SchedulerType.parse(LR_SCHEDULER_TYPE.key(), value)); }
        public Builder lrSchedulerKwargs(Map<String, Object> value) { return set(LR_SCHEDULER_KWARGS, value); }
        public Builder warmupSteps(double value) { return set(WARMUP_STEPS, value); }
        public Builder warmupRatio(Double value) { return set(WARMUP_RATIO, value); }
        public Builder loggingStrategy(IntervalStrategy value) { return set(LOGGING_STRATEGY, value); }
        public Builder loggingSteps(double value) { return set(LOGGING_STEPS, value); }
        public Builder loggingFirstStep(boolean value) { return set(LOGGING_FIRST_STEP, value); }
        public Builder evalStrategy(IntervalStrategy value) { return set(EVAL_STRATEGY, value); }
        public Builder evalSteps(Double value) { return set(EVAL_STEPS, value); }
        public Builder evalDelay(double value) { return set(EVAL_DELAY, value); }
        public Builder evalOnStart(boolean value) { return set(EVAL_ON_START, value); }
        public Builder saveStrategy(SaveStrategy value) { return set(SAVE_STRATEGY, value); }
        public Builder saveSteps(double value) { return set(SAVE_STEPS, value); }
        public Builder saveTotalLimit(Integer value) { return set(SAVE_TOTAL_LIMIT, value); }
        public Builder saveOnlyModel(boolean value) { return set(SAVE_ONLY_MODEL, value); }
        public Builder saveSafetensors(boolean value) { return set(SAVE_SAFETENSORS, value); }
        public Builder saveOnInterrupt(boolean value) { return set(SAVE_ON_INTERRUPT, value); }
        public Builder resumeFromCheckpoint(String value) { return set(RESUME_FROM_CHECKPOINT, value); }
        public Builder seed(long value) { return set(SEED, value); }
        public Builder dataSeed(Long value) { return set(DATA_SEED, value); }
        public Builder dataloaderDropLast(boolean value) { return set(DATALOADER_DROP_LAST, value); }
        public Builder dataloaderNumWorkers(int value) { return set(DATALOADER_NUM_WORKERS, value); }
        public Builder dataloaderPrefetchFactor(Integer value) { return set(DATALOADER_PREFETCH_FACTOR, value); }
        public Builder trainSamplingStrategy(SamplingStrategy value) { return set(TRAIN_SAMPLING_STRATEGY, value); }
        public Builder lengthColumnName(String value) { return set(LENGTH_COLUMN_NAME, value); }
        public Builder labelNames(List<String> value) { return set(LABEL_NAMES, value); }
        public Builder removeUnusedColumns(boolean value) { return set(REMOVE_UNUSED_COLUMNS, value); }
        public Builder metricForBestModel(String value) { return set(METRIC_FOR_BEST_MODEL, value); }
        public Builder greaterIsBetter(Boolean value) { return set(GREATER_IS_BETTER, value); }
        public Builder loadBestModelAtEnd(boolean value) { return set(LOAD_BEST_MODEL_AT_END, value); }
        public Builder runName(String value) { return set(RUN_NAME, value); }
        public Builder disableProgress(boolean value) { return set(DISABLE_PROGRESS, value); }
        public Builder labelSmoothingFactor(double value) { return set(LABEL_SMOOTHING_FACTOR, value); }
        public Builder includeTrainMetrics(boolean value) { return set(INCLUDE_TRAIN_METRICS, value); }
        public Builder bf16(boolean value) { return set(BF16, value); }
        public Builder fp16(boolean value) { return set(FP16, value); }
        public Builder bf16FullEval(boolean value) { return set(BF16_FULL_EVAL, value); }
        public Builder fp16FullEval(boolean value) { return set(FP16_FULL_EVAL, value); }
        public Builder devices(int value) { return set(DEVICES, String.valueOf(value)); }
        /** A count, {@code auto} or comma-separated device names. */
        public Builder devices(String value) { return set(DEVICES, value); }
        public Builder useCpu(boolean value) { return set(USE_CPU, value); }
        public Builder lossScaleInitial(double value) { return set(LOSS_SCALE_INITIAL, value); }
        public Builder lossScaleWindow(int value) { return set(LOSS_SCALE_WINDOW, value); }
        public Builder intraOpThreads(int value) { return set(INTRA_OP_THREADS, value); }
        public Builder interOpThreads(int value) { return set(INTER_OP_THREADS, value); }
        public Builder trainTowers(int value) { return set(TRAIN_TOWERS, value); }
        public Builder nonFinitePolicy(NonFinitePolicy value) { return set(NON_FINITE_POLICY, value); }
        public Builder fastDevRun(int value) { return set(FAST_DEV_RUN, value); }
        public Builder overfitBatches(int value) { return set(OVERFIT_BATCHES, value); }
        public Builder limitTrainBatches(Double value) { return set(LIMIT_TRAIN_BATCHES, value); }
        public Builder limitEvalBatches(Double value) { return set(LIMIT_EVAL_BATCHES, value); }
        public Builder maxTime(String value) { return set(MAX_TIME, value); }
        // ---- issue 20: HF parity ----
        public Builder predictionLossOnly(boolean value) { return set(PREDICTION_LOSS_ONLY, value); }
        public Builder includeForMetrics(List<String> value) { return set(INCLUDE_FOR_METRICS, value); }
        public Builder includeNumInputTokensSeen(String value) { return set(INCLUDE_NUM_INPUT_TOKENS_SEEN, value); }
        public Builder ignoreDataSkip(boolean value) { return set(IGNORE_DATA_SKIP, value); }
        public Builder autoFindBatchSize(boolean value) { return set(AUTO_FIND_BATCH_SIZE, value); }
        public Builder skipMemoryMetrics(boolean value) { return set(SKIP_MEMORY_METRICS, value); }
        public Builder fullGcBeforeTraining(boolean value) { return set(FULL_GC_BEFORE_TRAINING, value); }

        /** Validates and builds; the first invalid setting throws an {@link ConfigurationException} naming its key. */
        public TrainingArguments build() {
            return new TrainingArguments(TABLE.values(values));
        }
    }
}
