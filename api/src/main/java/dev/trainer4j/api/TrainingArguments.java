package dev.trainer4j.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;

import java.util.LinkedHashMap;
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
 */
public final class TrainingArguments {
    /** The config path of the defaults. */
    public static final String CONFIG_PATH = "trainer4j.args";

    private final String outputDir;
    private final boolean overwriteOutputDir;
    private final double numTrainEpochs;
    private final long maxSteps;
    private final int perDeviceTrainBatchSize;
    private final int perDeviceEvalBatchSize;
    private final int gradientAccumulationSteps;
    private final double learningRate;
    private final double weightDecay;
    private final double adamBeta1;
    private final double adamBeta2;
    private final double adamEpsilon;
    private final double maxGradNorm;
    private final OptimizerType optim;
    private final SchedulerType lrSchedulerType;
    private final Map<String, Object> lrSchedulerKwargs;
    private final double warmupSteps;
    private final Double warmupRatio;
    private final IntervalStrategy loggingStrategy;
    private final double loggingSteps;
    private final boolean loggingFirstStep;
    private final IntervalStrategy evalStrategy;
    private final Double evalSteps;
    private final double evalDelay;
    private final boolean evalOnStart;
    private final SaveStrategy saveStrategy;
    private final double saveSteps;
    private final Integer saveTotalLimit;
    private final boolean saveOnlyModel;
    private final boolean saveOnInterrupt;
    private final String resumeFromCheckpoint;
    private final long seed;
    private final Long dataSeed;
    private final boolean dataloaderDropLast;
    private final int dataloaderNumWorkers;
    private final Integer dataloaderPrefetchFactor;
    private final SamplingStrategy trainSamplingStrategy;
    private final String lengthColumnName;
    private final List<String> labelNames;
    private final boolean removeUnusedColumns;
    private final String metricForBestModel;
    private final Boolean greaterIsBetter;
    private final boolean loadBestModelAtEnd;
    private final String runName;
    private final boolean disableProgress;
    private final double labelSmoothingFactor;
    private final boolean includeTrainMetrics;
    private final boolean bf16;
    private final boolean fp16;
    private final int devices;
    private final int intraOpThreads;
    private final int interOpThreads;
    private final int trainTowers;
    private final NonFinitePolicy nonFinitePolicy;

    private TrainingArguments(Builder b) {
        this.outputDir = requireNonNull(b.outputDir, "output-dir is null");
        this.overwriteOutputDir = b.overwriteOutputDir;
        this.numTrainEpochs = b.numTrainEpochs;
        this.maxSteps = b.maxSteps;
        this.perDeviceTrainBatchSize = b.perDeviceTrainBatchSize;
        this.perDeviceEvalBatchSize = b.perDeviceEvalBatchSize;
        this.gradientAccumulationSteps = b.gradientAccumulationSteps;
        this.learningRate = b.learningRate;
        this.weightDecay = b.weightDecay;
        this.adamBeta1 = b.adamBeta1;
        this.adamBeta2 = b.adamBeta2;
        this.adamEpsilon = b.adamEpsilon;
        this.maxGradNorm = b.maxGradNorm;
        this.optim = requireNonNull(b.optim, "optim is null");
        this.lrSchedulerType = requireNonNull(b.lrSchedulerType, "lr-scheduler-type is null");
        this.lrSchedulerKwargs = Map.copyOf(b.lrSchedulerKwargs);
        this.warmupSteps = b.warmupSteps;
        this.warmupRatio = b.warmupRatio;
        this.loggingStrategy = requireNonNull(b.loggingStrategy, "logging-strategy is null");
        this.loggingSteps = b.loggingSteps;
        this.loggingFirstStep = b.loggingFirstStep;
        this.evalStrategy = requireNonNull(b.evalStrategy, "eval-strategy is null");
        this.evalSteps = b.evalSteps;
        this.evalDelay = b.evalDelay;
        this.evalOnStart = b.evalOnStart;
        this.saveStrategy = requireNonNull(b.saveStrategy, "save-strategy is null");
        this.saveSteps = b.saveSteps;
        this.saveTotalLimit = b.saveTotalLimit;
        this.saveOnlyModel = b.saveOnlyModel;
        this.saveOnInterrupt = b.saveOnInterrupt;
        this.resumeFromCheckpoint = b.resumeFromCheckpoint;
        this.seed = b.seed;
        this.dataSeed = b.dataSeed;
        this.dataloaderDropLast = b.dataloaderDropLast;
        this.dataloaderNumWorkers = b.dataloaderNumWorkers;
        this.dataloaderPrefetchFactor = b.dataloaderPrefetchFactor;
        this.trainSamplingStrategy = requireNonNull(b.trainSamplingStrategy, "train-sampling-strategy is null");
        this.lengthColumnName = requireNonNull(b.lengthColumnName, "length-column-name is null");
        this.labelNames = b.labelNames == null ? null : List.copyOf(b.labelNames);
        this.removeUnusedColumns = b.removeUnusedColumns;
        this.metricForBestModel = b.metricForBestModel;
        this.greaterIsBetter = b.greaterIsBetter;
        this.loadBestModelAtEnd = b.loadBestModelAtEnd;
        this.runName = b.runName;
        this.disableProgress = b.disableProgress;
        this.labelSmoothingFactor = b.labelSmoothingFactor;
        this.includeTrainMetrics = b.includeTrainMetrics;
        this.bf16 = b.bf16;
        this.fp16 = b.fp16;
        this.devices = b.devices;
        this.intraOpThreads = b.intraOpThreads;
        this.interOpThreads = b.interOpThreads;
        this.trainTowers = b.trainTowers;
        this.nonFinitePolicy = requireNonNull(b.nonFinitePolicy, "non-finite-policy is null");
        validate();
    }

    private void validate() {
        if (outputDir.isBlank()) {
            throw new ConfigurationException("output-dir", outputDir, "a non-empty path");
        }
        if (!(numTrainEpochs > 0) && maxSteps <= 0) {
            throw new ConfigurationException("num-train-epochs", numTrainEpochs, "a number > 0 (or max-steps > 0)");
        }
        if (maxSteps == 0 || maxSteps < -1) {
            throw new ConfigurationException("max-steps", maxSteps, "an integer > 0, or -1 to train for num-train-epochs");
        }
        positive("per-device-train-batch-size", perDeviceTrainBatchSize);
        positive("per-device-eval-batch-size", perDeviceEvalBatchSize);
        positive("gradient-accumulation-steps", gradientAccumulationSteps);
        nonNegative("learning-rate", learningRate);
        nonNegative("weight-decay", weightDecay);
        unitInterval("adam-beta1", adamBeta1);
        unitInterval("adam-beta2", adamBeta2);
        if (!(adamEpsilon > 0) || Double.isInfinite(adamEpsilon)) {
            throw new ConfigurationException("adam-epsilon", adamEpsilon, "a number > 0");
        }
        nonNegative("max-grad-norm", maxGradNorm);
        if (!(warmupSteps >= 0) || Double.isInfinite(warmupSteps)) {
            throw new ConfigurationException("warmup-steps", warmupSteps, "an integer >= 0, or a ratio in [0, 1)");
        }
        stepValue("warmup-steps", warmupSteps, true);
        if (warmupRatio != null) {
            if (!(warmupRatio >= 0 && warmupRatio < 1)) {
                throw new ConfigurationException("warmup-ratio", warmupRatio, "a ratio in [0, 1)");
            }
            if (warmupSteps > 0) {
                throw new ConfigurationException("warmup-ratio",
                        "warmup-ratio (" + warmupRatio + ") and warmup-steps (" + warmupSteps + ") are both set; set only one");
            }
        }
        if (loggingStrategy == IntervalStrategy.STEPS) {
            stepValue("logging-steps", loggingSteps, false);
        }
        if (evalStrategy == IntervalStrategy.STEPS && evalSteps != null) {
            stepValue("eval-steps", evalSteps, false);
        }
        if (!(evalDelay >= 0)) {
            throw new ConfigurationException("eval-delay", evalDelay, "a number >= 0");
        }
        if (saveStrategy == SaveStrategy.STEPS) {
            stepValue("save-steps", saveSteps, false);
        }
        if (saveTotalLimit != null && saveTotalLimit < 1) {
            throw new ConfigurationException("save-total-limit", saveTotalLimit, "an integer >= 1, or null to keep every checkpoint");
        }
        if (dataSeed != null && dataSeed < 0) {
            throw new ConfigurationException("data-seed", dataSeed, "an integer >= 0");
        }
        if (seed < 0) {
            throw new ConfigurationException("seed", seed, "an integer >= 0");
        }
        if (dataloaderNumWorkers < 0) {
            throw new ConfigurationException("dataloader-num-workers", dataloaderNumWorkers, "an integer >= 0");
        }
        if (dataloaderPrefetchFactor != null) {
            if (dataloaderPrefetchFactor < 1) {
                throw new ConfigurationException("dataloader-prefetch-factor", dataloaderPrefetchFactor, "an integer >= 1");
            }
            if (dataloaderNumWorkers == 0) {
                throw new ConfigurationException("dataloader-prefetch-factor",
                        "dataloader-prefetch-factor (" + dataloaderPrefetchFactor + ") needs dataloader-num-workers > 0");
            }
        }
        if (!(labelSmoothingFactor >= 0 && labelSmoothingFactor < 1)) {
            throw new ConfigurationException("label-smoothing-factor", labelSmoothingFactor, "a number in [0, 1)");
        }
        if (bf16 && fp16) {
            throw new ConfigurationException("bf16", "bf16 and fp16 are both true; choose one");
        }
        positive("devices", devices);
        if (intraOpThreads < 0) {
            throw new ConfigurationException("intra-op-threads", intraOpThreads, "an integer >= 0 (0: chosen by model size)");
        }
        if (interOpThreads < -1) {
            throw new ConfigurationException("inter-op-threads", interOpThreads,
                    "an integer >= -1 (0: chosen by model size, -1: run in the caller's thread)");
        }
        if (trainTowers < 0) {
            throw new ConfigurationException("train-towers", trainTowers,
                    "an integer >= 0 (0: chosen by model size, 1: no split)");
        }
        if (lrSchedulerType == SchedulerType.REDUCE_LR_ON_PLATEAU && evalStrategy == IntervalStrategy.NO) {
            throw new ConfigurationException("lr-scheduler-type",
                    "lr-scheduler-type = reduce_lr_on_plateau needs an eval-strategy other than 'no'");
        }
        if (saveStrategy == SaveStrategy.BEST && metricForBestModel().isEmpty()) {
            throw new ConfigurationException("metric-for-best-model",
                    "save-strategy = best needs metric-for-best-model");
        }
        if (loadBestModelAtEnd && saveStrategy != SaveStrategy.BEST) {
            if (evalStrategy == IntervalStrategy.NO) {
                throw new ConfigurationException("load-best-model-at-end",
                        "load-best-model-at-end needs an eval-strategy other than 'no'");
            }
            if (saveStrategy.name().equals(evalStrategy.name()) == false) {
                throw new ConfigurationException("load-best-model-at-end",
                        "load-best-model-at-end needs save-strategy and eval-strategy to match; save-strategy is '"
                                + saveStrategy.configName() + "', eval-strategy is '" + evalStrategy.configName() + "'");
            }
            if (evalStrategy == IntervalStrategy.STEPS) {
                double eval = evalSteps();
                boolean bothIntegers = eval >= 1 && saveSteps >= 1;
                boolean bothRatios = eval < 1 && saveSteps < 1;
                boolean multiple = bothIntegers ? ((long) saveSteps) % ((long) eval) == 0
                        : bothRatios && Math.abs(Math.round(saveSteps / eval) * eval - saveSteps) < 1e-9;
                if (!multiple) {
                    throw new ConfigurationException("load-best-model-at-end",
                            "load-best-model-at-end needs save-steps to be a round multiple of eval-steps; save-steps is "
                                    + format(saveSteps) + ", eval-steps is " + format(eval));
                }
            }
        }
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new ConfigurationException(key, value, "an integer > 0");
        }
    }

    private static void nonNegative(String key, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new ConfigurationException(key, value, "a number >= 0");
        }
    }

    private static void unitInterval(String key, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new ConfigurationException(key, value, "a number in [0, 1)");
        }
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
        Config c = args.withFallback(defaults());
        Builder b = new Builder();
        b.outputDir = string(c, "output-dir");
        b.overwriteOutputDir = bool(c, "overwrite-output-dir");
        b.numTrainEpochs = number(c, "num-train-epochs");
        b.maxSteps = integer(c, "max-steps");
        b.perDeviceTrainBatchSize = (int) integer(c, "per-device-train-batch-size");
        b.perDeviceEvalBatchSize = (int) integer(c, "per-device-eval-batch-size");
        b.gradientAccumulationSteps = (int) integer(c, "gradient-accumulation-steps");
        b.learningRate = number(c, "learning-rate");
        b.weightDecay = number(c, "weight-decay");
        b.adamBeta1 = number(c, "adam-beta1");
        b.adamBeta2 = number(c, "adam-beta2");
        b.adamEpsilon = number(c, "adam-epsilon");
        b.maxGradNorm = number(c, "max-grad-norm");
        b.optim = OptimizerType.parse("optim", string(c, "optim"));
        b.lrSchedulerType = SchedulerType.parse("lr-scheduler-type", string(c, "lr-scheduler-type"));
        b.lrSchedulerKwargs = object(c, "lr-scheduler-kwargs");
        b.warmupSteps = number(c, "warmup-steps");
        b.warmupRatio = c.getIsNull("warmup-ratio") ? null : number(c, "warmup-ratio");
        b.loggingStrategy = IntervalStrategy.parse("logging-strategy", string(c, "logging-strategy"));
        b.loggingSteps = number(c, "logging-steps");
        b.loggingFirstStep = bool(c, "logging-first-step");
        b.evalStrategy = IntervalStrategy.parse("eval-strategy", string(c, "eval-strategy"));
        b.evalSteps = c.getIsNull("eval-steps") ? null : number(c, "eval-steps");
        b.evalDelay = number(c, "eval-delay");
        b.evalOnStart = bool(c, "eval-on-start");
        b.saveStrategy = SaveStrategy.parse("save-strategy", string(c, "save-strategy"));
        b.saveSteps = number(c, "save-steps");
        b.saveTotalLimit = c.getIsNull("save-total-limit") ? null : (int) integer(c, "save-total-limit");
        b.saveOnlyModel = bool(c, "save-only-model");
        b.saveOnInterrupt = bool(c, "save-on-interrupt");
        b.resumeFromCheckpoint = c.getIsNull("resume-from-checkpoint") ? null : string(c, "resume-from-checkpoint");
        b.seed = integer(c, "seed");
        b.dataSeed = c.getIsNull("data-seed") ? null : integer(c, "data-seed");
        b.dataloaderDropLast = bool(c, "dataloader-drop-last");
        b.dataloaderNumWorkers = (int) integer(c, "dataloader-num-workers");
        b.dataloaderPrefetchFactor = c.getIsNull("dataloader-prefetch-factor") ? null : (int) integer(c, "dataloader-prefetch-factor");
        b.trainSamplingStrategy = SamplingStrategy.parse("train-sampling-strategy", string(c, "train-sampling-strategy"));
        b.lengthColumnName = string(c, "length-column-name");
        b.labelNames = c.getIsNull("label-names") ? null : stringList(c, "label-names");
        b.removeUnusedColumns = bool(c, "remove-unused-columns");
        b.metricForBestModel = c.getIsNull("metric-for-best-model") ? null : string(c, "metric-for-best-model");
        b.greaterIsBetter = c.getIsNull("greater-is-better") ? null : bool(c, "greater-is-better");
        b.loadBestModelAtEnd = bool(c, "load-best-model-at-end");
        b.runName = c.getIsNull("run-name") ? null : string(c, "run-name");
        b.disableProgress = bool(c, "disable-progress");
        b.labelSmoothingFactor = number(c, "label-smoothing-factor");
        b.includeTrainMetrics = bool(c, "include-train-metrics");
        b.bf16 = bool(c, "bf16");
        b.fp16 = bool(c, "fp16");
        b.devices = (int) integer(c, "devices");
        b.intraOpThreads = (int) integer(c, "intra-op-threads");
        b.interOpThreads = (int) integer(c, "inter-op-threads");
        b.trainTowers = (int) integer(c, "train-towers");
        b.nonFinitePolicy = NonFinitePolicy.parse("non-finite-policy", string(c, "non-finite-policy"));
        return b.build();
    }

    private static String string(Config c, String key) {
        try {
            return c.getString(key);
        }
        catch (ConfigException.WrongType | ConfigException.Null e) {
            throw new ConfigurationException(key, c.getValue(key).unwrapped(), "a string");
        }
    }

    private static boolean bool(Config c, String key) {
        try {
            return c.getBoolean(key);
        }
        catch (ConfigException.WrongType | ConfigException.Null e) {
            throw new ConfigurationException(key, rendered(c, key), "true or false");
        }
    }

    private static double number(Config c, String key) {
        try {
            return c.getDouble(key);
        }
        catch (ConfigException.WrongType | ConfigException.Null e) {
            throw new ConfigurationException(key, rendered(c, key), "a number");
        }
    }

    private static long integer(Config c, String key) {
        try {
            if (c.getValue(key).valueType() == ConfigValueType.NUMBER) {
                double value = c.getDouble(key);
                if (value != Math.rint(value)) {
                    throw new ConfigurationException(key, value, "an integer");
                }
            }
            return c.getLong(key);
        }
        catch (ConfigException.WrongType | ConfigException.Null e) {
            throw new ConfigurationException(key, rendered(c, key), "an integer");
        }
    }

    private static List<String> stringList(Config c, String key) {
        try {
            return c.getStringList(key);
        }
        catch (ConfigException.WrongType e) {
            throw new ConfigurationException(key, rendered(c, key), "a list of strings");
        }
    }

    private static Map<String, Object> object(Config c, String key) {
        if (c.getIsNull(key)) {
            return Map.of();
        }
        if (c.getValue(key).valueType() != ConfigValueType.OBJECT) {
            throw new ConfigurationException(key, rendered(c, key), "an object such as { num-cycles = 1 }");
        }
        return c.getConfig(key).root().unwrapped();
    }

    private static Object rendered(Config c, String key) {
        return c.hasPathOrNull(key) && !c.getIsNull(key) ? c.getValue(key).unwrapped() : "null";
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.outputDir = outputDir;
        b.overwriteOutputDir = overwriteOutputDir;
        b.numTrainEpochs = numTrainEpochs;
        b.maxSteps = maxSteps;
        b.perDeviceTrainBatchSize = perDeviceTrainBatchSize;
        b.perDeviceEvalBatchSize = perDeviceEvalBatchSize;
        b.gradientAccumulationSteps = gradientAccumulationSteps;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.adamBeta1 = adamBeta1;
        b.adamBeta2 = adamBeta2;
        b.adamEpsilon = adamEpsilon;
        b.maxGradNorm = maxGradNorm;
        b.optim = optim;
        b.lrSchedulerType = lrSchedulerType;
        b.lrSchedulerKwargs = lrSchedulerKwargs;
        b.warmupSteps = warmupSteps;
        b.warmupRatio = warmupRatio;
        b.loggingStrategy = loggingStrategy;
        b.loggingSteps = loggingSteps;
        b.loggingFirstStep = loggingFirstStep;
        b.evalStrategy = evalStrategy;
        b.evalSteps = evalSteps;
        b.evalDelay = evalDelay;
        b.evalOnStart = evalOnStart;
        b.saveStrategy = saveStrategy;
        b.saveSteps = saveSteps;
        b.saveTotalLimit = saveTotalLimit;
        b.saveOnlyModel = saveOnlyModel;
        b.saveOnInterrupt = saveOnInterrupt;
        b.resumeFromCheckpoint = resumeFromCheckpoint;
        b.seed = seed;
        b.dataSeed = dataSeed;
        b.dataloaderDropLast = dataloaderDropLast;
        b.dataloaderNumWorkers = dataloaderNumWorkers;
        b.dataloaderPrefetchFactor = dataloaderPrefetchFactor;
        b.trainSamplingStrategy = trainSamplingStrategy;
        b.lengthColumnName = lengthColumnName;
        b.labelNames = labelNames;
        b.removeUnusedColumns = removeUnusedColumns;
        b.metricForBestModel = metricForBestModel;
        b.greaterIsBetter = greaterIsBetter;
        b.loadBestModelAtEnd = loadBestModelAtEnd;
        b.runName = runName;
        b.disableProgress = disableProgress;
        b.labelSmoothingFactor = labelSmoothingFactor;
        b.includeTrainMetrics = includeTrainMetrics;
        b.bf16 = bf16;
        b.fp16 = fp16;
        b.devices = devices;
        b.intraOpThreads = intraOpThreads;
        b.interOpThreads = interOpThreads;
        b.trainTowers = trainTowers;
        b.nonFinitePolicy = nonFinitePolicy;
        return b;
    }

    /** Every argument under its kebab-case key, in declaration order (nulls kept): the args snapshot. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output-dir", outputDir);
        m.put("overwrite-output-dir", overwriteOutputDir);
        m.put("num-train-epochs", numTrainEpochs);
        m.put("max-steps", maxSteps);
        m.put("per-device-train-batch-size", perDeviceTrainBatchSize);
        m.put("per-device-eval-batch-size", perDeviceEvalBatchSize);
        m.put("gradient-accumulation-steps", gradientAccumulationSteps);
        m.put("learning-rate", learningRate);
        m.put("weight-decay", weightDecay);
        m.put("adam-beta1", adamBeta1);
        m.put("adam-beta2", adamBeta2);
        m.put("adam-epsilon", adamEpsilon);
        m.put("max-grad-norm", maxGradNorm);
        m.put("optim", optim.configNames().get(0));
        m.put("lr-scheduler-type", lrSchedulerType.configName());
        m.put("lr-scheduler-kwargs", lrSchedulerKwargs);
        m.put("warmup-steps", warmupSteps);
        m.put("warmup-ratio", warmupRatio);
        m.put("logging-strategy", loggingStrategy.configName());
        m.put("logging-steps", loggingSteps);
        m.put("logging-first-step", loggingFirstStep);
        m.put("eval-strategy", evalStrategy.configName());
        m.put("eval-steps", evalSteps);
        m.put("eval-delay", evalDelay);
        m.put("eval-on-start", evalOnStart);
        m.put("save-strategy", saveStrategy.configName());
        m.put("save-steps", saveSteps);
        m.put("save-total-limit", saveTotalLimit);
        m.put("save-only-model", saveOnlyModel);
        m.put("save-on-interrupt", saveOnInterrupt);
        m.put("resume-from-checkpoint", resumeFromCheckpoint);
        m.put("seed", seed);
        m.put("data-seed", dataSeed);
        m.put("dataloader-drop-last", dataloaderDropLast);
        m.put("dataloader-num-workers", dataloaderNumWorkers);
        m.put("dataloader-prefetch-factor", dataloaderPrefetchFactor);
        m.put("train-sampling-strategy", trainSamplingStrategy.configName());
        m.put("length-column-name", lengthColumnName);
        m.put("label-names", labelNames);
        m.put("remove-unused-columns", removeUnusedColumns);
        m.put("metric-for-best-model", metricForBestModel);
        m.put("greater-is-better", greaterIsBetter);
        m.put("load-best-model-at-end", loadBestModelAtEnd);
        m.put("run-name", runName);
        m.put("disable-progress", disableProgress);
        m.put("label-smoothing-factor", labelSmoothingFactor);
        m.put("include-train-metrics", includeTrainMetrics);
        m.put("bf16", bf16);
        m.put("fp16", fp16);
        m.put("devices", devices);
        m.put("intra-op-threads", intraOpThreads);
        m.put("inter-op-threads", interOpThreads);
        m.put("train-towers", trainTowers);
        m.put("non-finite-policy", nonFinitePolicy.configName());
        return m;
    }

    // ---- accessors ----

    public String outputDir() { return outputDir; }
    public boolean overwriteOutputDir() { return overwriteOutputDir; }
    public double numTrainEpochs() { return numTrainEpochs; }
    public long maxSteps() { return maxSteps; }
    public int perDeviceTrainBatchSize() { return perDeviceTrainBatchSize; }
    public int perDeviceEvalBatchSize() { return perDeviceEvalBatchSize; }
    public int gradientAccumulationSteps() { return gradientAccumulationSteps; }
    public double learningRate() { return learningRate; }
    public double weightDecay() { return weightDecay; }
    public double adamBeta1() { return adamBeta1; }
    public double adamBeta2() { return adamBeta2; }
    public double adamEpsilon() { return adamEpsilon; }
    public double maxGradNorm() { return maxGradNorm; }
    public OptimizerType optim() { return optim; }
    public SchedulerType lrSchedulerType() { return lrSchedulerType; }
    public Map<String, Object> lrSchedulerKwargs() { return lrSchedulerKwargs; }
    public double warmupSteps() { return warmupSteps; }
    public OptionalDouble warmupRatio() { return warmupRatio == null ? OptionalDouble.empty() : OptionalDouble.of(warmupRatio); }
    public IntervalStrategy loggingStrategy() { return loggingStrategy; }
    public double loggingSteps() { return loggingSteps; }
    public boolean loggingFirstStep() { return loggingFirstStep; }
    public IntervalStrategy evalStrategy() { return evalStrategy; }
    /** {@code eval-steps}, falling back to {@code logging-steps} as HF does. */
    public double evalSteps() { return evalSteps != null ? evalSteps : loggingSteps; }
    public double evalDelay() { return evalDelay; }
    public boolean evalOnStart() { return evalOnStart; }
    public SaveStrategy saveStrategy() { return saveStrategy; }
    public double saveSteps() { return saveSteps; }
    public OptionalInt saveTotalLimit() { return saveTotalLimit == null ? OptionalInt.empty() : OptionalInt.of(saveTotalLimit); }
    public boolean saveOnlyModel() { return saveOnlyModel; }
    public boolean saveOnInterrupt() { return saveOnInterrupt; }
    public Optional<String> resumeFromCheckpoint() { return Optional.ofNullable(resumeFromCheckpoint); }
    public long seed() { return seed; }
    /** {@code data-seed}, falling back to {@code seed}. */
    public long dataSeed() { return dataSeed != null ? dataSeed : seed; }
    public boolean dataloaderDropLast() { return dataloaderDropLast; }
    public int dataloaderNumWorkers() { return dataloaderNumWorkers; }
    /** Batches prefetched per worker: the setting, or 2 when workers are used (HF/torch's default). */
    public int dataloaderPrefetchFactor() { return dataloaderPrefetchFactor != null ? dataloaderPrefetchFactor : 2; }
    public SamplingStrategy trainSamplingStrategy() { return trainSamplingStrategy; }
    public String lengthColumnName() { return lengthColumnName; }
    public Optional<List<String>> labelNames() { return Optional.ofNullable(labelNames); }
    public boolean removeUnusedColumns() { return removeUnusedColumns; }

    /** {@code metric-for-best-model}; when unset, {@code loss} if load-best-model-at-end or plateau needs one. */
    public Optional<String> metricForBestModel() {
        if (metricForBestModel != null) {
            return Optional.of(metricForBestModel);
        }
        if (loadBestModelAtEnd || lrSchedulerType == SchedulerType.REDUCE_LR_ON_PLATEAU) {
            return Optional.of("loss");
        }
        return Optional.empty();
    }

    /** {@code greater-is-better}; when unset, true unless the metric name ends with "loss" (HF). */
    public boolean greaterIsBetter() {
        if (greaterIsBetter != null) {
            return greaterIsBetter;
        }
        return metricForBestModel().map(name -> !name.endsWith("loss")).orElse(false);
    }

    public boolean loadBestModelAtEnd() { return loadBestModelAtEnd; }
    public Optional<String> runName() { return Optional.ofNullable(runName); }
    public boolean disableProgress() { return disableProgress; }
    public double labelSmoothingFactor() { return labelSmoothingFactor; }
    public boolean includeTrainMetrics() { return includeTrainMetrics; }
    public boolean bf16() { return bf16; }
    public boolean fp16() { return fp16; }
    public int devices() { return devices; }
    public int intraOpThreads() { return intraOpThreads; }
    public int interOpThreads() { return interOpThreads; }

    /**
     * Into how many row slices ("towers") the backend splits each training batch; every slice's forward and
     * backward pass is an independent branch, and the gradients are summed. 0: chosen by model size, 1: no split.
     */
    public int trainTowers() { return trainTowers; }
    public NonFinitePolicy nonFinitePolicy() { return nonFinitePolicy; }

    /** Examples per micro-batch over all devices (HF's {@code train_batch_size}): per-device size times devices. */
    public int trainBatchSize() {
        return perDeviceTrainBatchSize * devices;
    }

    /** Examples per evaluation batch over all devices. */
    public int evalBatchSize() {
        return perDeviceEvalBatchSize * devices;
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
        return other instanceof TrainingArguments arguments && toMap().equals(arguments.toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return "TrainingArguments" + toMap();
    }

    /** Builds {@link TrainingArguments}; starts from the reference defaults when made by {@link #builder()}. */
    public static final class Builder {
        private String outputDir;
        private boolean overwriteOutputDir;
        private double numTrainEpochs;
        private long maxSteps;
        private int perDeviceTrainBatchSize;
        private int perDeviceEvalBatchSize;
        private int gradientAccumulationSteps;
        private double learningRate;
        private double weightDecay;
        private double adamBeta1;
        private double adamBeta2;
        private double adamEpsilon;
        private double maxGradNorm;
        private OptimizerType optim;
        private SchedulerType lrSchedulerType;
        private Map<String, Object> lrSchedulerKwargs = Map.of();
        private double warmupSteps;
        private Double warmupRatio;
        private IntervalStrategy loggingStrategy;
        private double loggingSteps;
        private boolean loggingFirstStep;
        private IntervalStrategy evalStrategy;
        private Double evalSteps;
        private double evalDelay;
        private boolean evalOnStart;
        private SaveStrategy saveStrategy;
        private double saveSteps;
        private Integer saveTotalLimit;
        private boolean saveOnlyModel;
        private boolean saveOnInterrupt;
        private String resumeFromCheckpoint;
        private long seed;
        private Long dataSeed;
        private boolean dataloaderDropLast;
        private int dataloaderNumWorkers;
        private Integer dataloaderPrefetchFactor;
        private SamplingStrategy trainSamplingStrategy;
        private String lengthColumnName;
        private List<String> labelNames;
        private boolean removeUnusedColumns;
        private String metricForBestModel;
        private Boolean greaterIsBetter;
        private boolean loadBestModelAtEnd;
        private String runName;
        private boolean disableProgress;
        private double labelSmoothingFactor;
        private boolean includeTrainMetrics;
        private boolean bf16;
        private boolean fp16;
        private int devices;
        private int intraOpThreads;
        private int interOpThreads;
        private int trainTowers;
        private NonFinitePolicy nonFinitePolicy;

        private Builder() {
        }

        public Builder outputDir(String value) { this.outputDir = value; return this; }
        public Builder overwriteOutputDir(boolean value) { this.overwriteOutputDir = value; return this; }
        public Builder numTrainEpochs(double value) { this.numTrainEpochs = value; return this; }
        public Builder maxSteps(long value) { this.maxSteps = value; return this; }
        public Builder perDeviceTrainBatchSize(int value) { this.perDeviceTrainBatchSize = value; return this; }
        public Builder perDeviceEvalBatchSize(int value) { this.perDeviceEvalBatchSize = value; return this; }
        public Builder gradientAccumulationSteps(int value) { this.gradientAccumulationSteps = value; return this; }
        public Builder learningRate(double value) { this.learningRate = value; return this; }
        public Builder weightDecay(double value) { this.weightDecay = value; return this; }
        public Builder adamBeta1(double value) { this.adamBeta1 = value; return this; }
        public Builder adamBeta2(double value) { this.adamBeta2 = value; return this; }
        public Builder adamEpsilon(double value) { this.adamEpsilon = value; return this; }
        public Builder maxGradNorm(double value) { this.maxGradNorm = value; return this; }
        public Builder optim(OptimizerType value) { this.optim = value; return this; }
        public Builder optim(String value) { this.optim = OptimizerType.parse("optim", value); return this; }
        public Builder lrSchedulerType(SchedulerType value) { this.lrSchedulerType = value; return this; }
        public Builder lrSchedulerType(String value) { this.lrSchedulerType = SchedulerType.parse("lr-scheduler-type", value); return this; }
        public Builder lrSchedulerKwargs(Map<String, Object> value) { this.lrSchedulerKwargs = requireNonNull(value, "lr-scheduler-kwargs is null"); return this; }
        public Builder warmupSteps(double value) { this.warmupSteps = value; return this; }
        public Builder warmupRatio(Double value) { this.warmupRatio = value; return this; }
        public Builder loggingStrategy(IntervalStrategy value) { this.loggingStrategy = value; return this; }
        public Builder loggingSteps(double value) { this.loggingSteps = value; return this; }
        public Builder loggingFirstStep(boolean value) { this.loggingFirstStep = value; return this; }
        public Builder evalStrategy(IntervalStrategy value) { this.evalStrategy = value; return this; }
        public Builder evalSteps(Double value) { this.evalSteps = value; return this; }
        public Builder evalDelay(double value) { this.evalDelay = value; return this; }
        public Builder evalOnStart(boolean value) { this.evalOnStart = value; return this; }
        public Builder saveStrategy(SaveStrategy value) { this.saveStrategy = value; return this; }
        public Builder saveSteps(double value) { this.saveSteps = value; return this; }
        public Builder saveTotalLimit(Integer value) { this.saveTotalLimit = value; return this; }
        public Builder saveOnlyModel(boolean value) { this.saveOnlyModel = value; return this; }
        public Builder saveOnInterrupt(boolean value) { this.saveOnInterrupt = value; return this; }
        public Builder resumeFromCheckpoint(String value) { this.resumeFromCheckpoint = value; return this; }
        public Builder seed(long value) { this.seed = value; return this; }
        public Builder dataSeed(Long value) { this.dataSeed = value; return this; }
        public Builder dataloaderDropLast(boolean value) { this.dataloaderDropLast = value; return this; }
        public Builder dataloaderNumWorkers(int value) { this.dataloaderNumWorkers = value; return this; }
        public Builder dataloaderPrefetchFactor(Integer value) { this.dataloaderPrefetchFactor = value; return this; }
        public Builder trainSamplingStrategy(SamplingStrategy value) { this.trainSamplingStrategy = value; return this; }
        public Builder lengthColumnName(String value) { this.lengthColumnName = value; return this; }
        public Builder labelNames(List<String> value) { this.labelNames = value; return this; }
        public Builder removeUnusedColumns(boolean value) { this.removeUnusedColumns = value; return this; }
        public Builder metricForBestModel(String value) { this.metricForBestModel = value; return this; }
        public Builder greaterIsBetter(Boolean value) { this.greaterIsBetter = value; return this; }
        public Builder loadBestModelAtEnd(boolean value) { this.loadBestModelAtEnd = value; return this; }
        public Builder runName(String value) { this.runName = value; return this; }
        public Builder disableProgress(boolean value) { this.disableProgress = value; return this; }
        public Builder labelSmoothingFactor(double value) { this.labelSmoothingFactor = value; return this; }
        public Builder includeTrainMetrics(boolean value) { this.includeTrainMetrics = value; return this; }
        public Builder bf16(boolean value) { this.bf16 = value; return this; }
        public Builder fp16(boolean value) { this.fp16 = value; return this; }
        public Builder devices(int value) { this.devices = value; return this; }
        public Builder intraOpThreads(int value) { this.intraOpThreads = value; return this; }
        public Builder interOpThreads(int value) { this.interOpThreads = value; return this; }
        public Builder trainTowers(int value) { this.trainTowers = value; return this; }
        public Builder nonFinitePolicy(NonFinitePolicy value) { this.nonFinitePolicy = value; return this; }

        /** Validates and builds; the first invalid setting throws an {@link ConfigurationException} naming its key. */
        public TrainingArguments build() {
            return new TrainingArguments(this);
        }
    }
}
