package dev.trainer4j.plugins.tensorboard;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.protobuf.Value;
import com.typesafe.config.Config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.List;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * HF's {@code TensorBoardCallback}, written with TensorFlow's own summary ops: event files in
 * {@code <output-dir>/runs/<date>_<host>} (or {@code <log-dir>/<date>_<host>}), HF's default {@code logging_dir}
 * such as {@code runs/Dec07_10-20-03_host}: a new folder per callback (so per process), so runs and resumes do not mix.
 * <ul>
 *   <li>train begin: the run's arguments as HF's {@code args.to_json_string()} (snake_case keys), text summary
 *       {@code args}; and the HParams plugin's {@code session_start_info} with the arguments as hyperparameters;</li>
 *   <li>{@code onLog}: every numeric value under HF's {@code rewrite_logs} name ({@code loss → train/loss},
 *       {@code epoch → train/epoch}, {@code eval_loss → eval/loss}, {@code test_x → test/x}); the {@code step}
 *       entry is not a scalar of its own, and text or boolean values are skipped; {@code train/epoch} is written
 *       with every log (from the state when the log lacks it), as HF's {@code Trainer.log} adds the epoch;</li>
 *   <li>train begin also: the model's configuration as JSON, text summary {@code model_config} (HF writes
 *       {@code model.config.to_json_string()}): the run file's model block as resolved, every key with its value
 *       after the plugin's defaults, {@code type} as {@code model_type}, keys sorted as HF sorts them; for a model
 *       built in code (no run-file block) its type and inputs;</li>
 *   <li>with {@code histograms = true}, every training log (one with {@code loss}) also writes a histogram of each
 *       model weight, {@code weights/<variable>}, and of each trainable variable's gradient at that step,
 *       {@code gradients/<variable>}: the gradient the optimizer is given before clipping (the step's gradient sum
 *       over micro-batches and replicas divided by its item count; its global norm is the logged {@code grad_norm}).
 *       Frozen variables have no gradient histogram. Only the steps that the logging strategy logs copy their
 *       gradients ({@link #needsGradients()}); a log at another step (one a callback forces) gets weight histograms
 *       only. A variable whose values are not all finite gets no histogram at that step (TensorFlow's histogram
 *       refuses NaN and infinity), with a warning;</li>
 *   <li>train end: the HParams {@code experiment} (every argument against the last evaluation's metrics
 *       {@code eval/<name>}) and {@code session_end_info} (success), so TensorBoard's HParams tab lists the run;</li>
 *   <li>{@code onEvaluate}: {@code eval_x → eval/x} (a named set {@code eval_val_loss → eval/val_loss});
 *       {@code onPredict}: {@code test_x → test/x};</li>
 *   <li>everything at {@code state.globalStep()}. The loop may report an evaluation both through {@code onLog}
 *       (HF's {@code log(metrics)}) and {@code onEvaluate}: a value already written under the same tag at the same
 *       step is written once.</li>
 * </ul>
 * The writer (its own Graph and Session) is opened at the first event, after the trainer's session exists, and
 * closed at train end; a later {@code predict} opens a new event file. A failed write closes the writer and
 * throws. Only the world process zero writes.
 */
public final class TensorBoardCallback implements Callback, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TensorBoardCallback.class);
    /** The text summary of the run's arguments (HF: {@code tb_writer.add_text("args", ...)}). */
    static final String ARGS_TAG = "args";
    /** The text summary of the model's configuration (HF: {@code add_text("model_config", ...)}). */
    static final String MODEL_CONFIG_TAG = "model_config";
    /** The tag prefix of weight histograms. */
    static final String WEIGHTS_PREFIX = "weights/";
    /** The tag prefix of gradient histograms (Keras and HF integrations name them {@code gradients/...} too). */
    static final String GRADIENTS_PREFIX = "gradients/";

    private final TensorBoardSettings settings;
    private final Map<String, LastWrite> lastWrites = new HashMap<>();
    private final Clock clock;
    private final String host;
    private final Map<String, Double> lastEvalMetrics = new LinkedHashMap<>();
    private TfSummaryWriter writer;
    private Path logDirectory;
    private boolean sessionStarted;
    private Trainer trainer;

    public TensorBoardCallback(TensorBoardSettings settings) {
        this(settings, Clock.systemDefaultZone(), RunFolderName.host());
    }

    TensorBoardCallback(TensorBoardSettings settings, Clock clock, String host) {
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.host = requireNonNull(host, "host is null");
    }

    public TensorBoardSettings settings() {
        return settings;
    }

    @Override
    public void onTrainerAttached(Trainer attached) {
        this.trainer = requireNonNull(attached, "trainer is null");
    }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (!state.isWorldProcessZero()) {
            return;
        }
        TfSummaryWriter open = open(args);
        guarded(() -> {
            open.writeText(ARGS_TAG, state.globalStep(), ArgumentsJson.json(args.toMap()));
            if (trainer != null) {
                open.writeText(MODEL_CONFIG_TAG, state.globalStep(), modelConfig(trainer.model(), trainer.spec().modelSettings()));
            }
            open.writeString(HParamsPluginData.SESSION_START_TAG, state.globalStep(), "",
                    HParamsPluginData.sessionStart(hparams(args), clock.millis() / 1000.0));
            open.flush();
        });
        sessionStarted = true;
    }

    /** The arguments as TensorBoard hyperparameters, snake_case names. */
    private static Map<String, Value> hparams(TrainingArguments args) {
        Map<String, Value> hparams = new LinkedHashMap<>();
        ArgumentsJson.snakeCase(args.toMap()).forEach((name, value) -> hparams.put(name, HParamsPluginData.value(value)));
        return hparams;
    }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {
        if (!state.isWorldProcessZero()) {
            return;
        }
        Map<String, Float> scalars = new LinkedHashMap<>();
        if (!logs.containsKey("epoch")) {
            scalars.put(TensorBoardTags.ofLogKey("epoch"), (float) state.epoch());
        }
        for (Map.Entry<String, Object> entry : logs.entrySet()) {
            if (entry.getKey().equals("step")) {
                continue;
            }
            if (entry.getValue() instanceof Number number) {
                scalars.put(TensorBoardTags.ofLogKey(entry.getKey()), number.floatValue());
            }
            else {
                LOG.debug("TensorBoard skips the log value {}={} at step {}: not a number", entry.getKey(), entry.getValue(),
                        state.globalStep());
            }
        }
        write(args, state, scalars, false);
        if (settings.histograms() && trainer != null && logs.containsKey("loss")) {
            long step = state.globalStep();
            writeHistograms(args, WEIGHTS_PREFIX, step, trainer.modelWeights());
            trainer.lastGradients()
                    .filter(snapshot -> snapshot.globalStep() == step)
                    .ifPresent(snapshot -> writeHistograms(args, GRADIENTS_PREFIX, step, snapshot.gradients()));
        }
    }

    /** With {@code histograms = true} the logged steps copy their gradients for {@code gradients/} histograms. */
    @Override
    public boolean needsGradients() {
        return settings.histograms();
    }

    /** One histogram per entry, tag {@code prefix + name}; an entry with a NaN or infinite value is skipped. */
    private void writeHistograms(TrainingArguments args, String prefix, long step, Map<String, float[]> arrays) {
        TfSummaryWriter open = open(args);
        guarded(() -> arrays.forEach((name, values) -> {
            if (allFinite(values)) {
                open.writeHistogram(prefix + name, step, values);
            }
            else {
                LOG.warn("TensorBoard writes no histogram {}{} at step {}: it holds NaN or infinite values", prefix, name, step);
            }
        }));
    }

    private static boolean allFinite(float[] values) {
        for (float value : values) {
            if (!Float.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The model's configuration as JSON: the resolved model block ({@code type} written as {@code model_type}, every
     * key sorted, also in nested blocks, like HF's {@code to_json_string(sort_keys=True)}); without a block, the
     * model's type and inputs.
     */
    static String modelConfig(Model model, Optional<Config> settings) {
        if (settings.isPresent()) {
            Map<String, Object> config = new TreeMap<>();
            settings.get().root().unwrapped().forEach((key, value) -> config.put(key.equals("type") ? "model_type" : key,
                    sortedKeys(value)));
            return ArgumentsJson.jsonOf(config);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model_type", model.name());
        List<Object> inputs = new java.util.ArrayList<>();
        for (InputSpec input : model.inputs()) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("name", input.name());
            spec.put("dtype", input.dataType().toString());
            List<Object> shape = new java.util.ArrayList<>();
            for (long dimension : input.shape()) {
                shape.add(dimension);
            }
            spec.put("shape", shape);
            spec.put("label", input.label());
            inputs.add(spec);
        }
        config.put("inputs", inputs);
        return ArgumentsJson.jsonOf(config);
    }

    private static Object sortedKeys(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, nested) -> sorted.put(String.valueOf(key), sortedKeys(nested)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(TensorBoardCallback::sortedKeys).toList();
        }
        return value;
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        if (state.isWorldProcessZero()) {
            lastEvalMetrics.clear();
            metrics.forEach((key, value) -> {
                if (value != null) {
                    String name = key.startsWith(TensorBoardTags.EVAL_PREFIX) ? key.substring(TensorBoardTags.EVAL_PREFIX.length()) : key;
                    lastEvalMetrics.put("eval/" + name, value);
                }
            });
        }
        writeMetrics(args, state, metrics, TensorBoardTags.EVAL_PREFIX, "eval/");
    }

    @Override
    public void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        writeMetrics(args, state, metrics, TensorBoardTags.TEST_PREFIX, "test/");
    }

    @Override
    public void onSave(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (writer != null) {
            guarded(writer::flush);
        }
    }

    @Override
    public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (state.isWorldProcessZero() && sessionStarted) {
            TfSummaryWriter open = open(args);
            guarded(() -> {
                open.writeString(HParamsPluginData.EXPERIMENT_TAG, state.globalStep(), "",
                        HParamsPluginData.experiment(hparams(args), List.copyOf(lastEvalMetrics.keySet())));
                open.writeString(HParamsPluginData.SESSION_END_TAG, state.globalStep(), "",
                        HParamsPluginData.sessionEnd(HParamsPluginData.STATUS_SUCCESS, clock.millis() / 1000.0));
            });
            sessionStarted = false;
        }
        close();
    }

    /** Flushes and closes the event file, the session and the graph; the next event opens a new file. */
    @Override
    public void close() {
        TfSummaryWriter open = writer;
        writer = null;
        lastWrites.clear();
        if (open != null) {
            open.close();
        }
    }

    /** The folder of the current or last event file, or {@code null} before the first event. */
    Path logDirectory() {
        return logDirectory;
    }

    private void writeMetrics(TrainingArguments args, TrainerState state, Map<String, Double> metrics, String prefix,
                              String section) {
        if (!state.isWorldProcessZero()) {
            return;
        }
        Map<String, Float> scalars = new LinkedHashMap<>();
        for (Map.Entry<String, Double> entry : metrics.entrySet()) {
            if (entry.getValue() == null) {
                continue;
            }
            String key = entry.getKey();
            String name = key.startsWith(prefix) ? key.substring(prefix.length()) : key;
            scalars.put(section + name, entry.getValue().floatValue());
        }
        write(args, state, scalars, true);
    }

    private void write(TrainingArguments args, TrainerState state, Map<String, Float> scalars, boolean flush) {
        if (scalars.isEmpty()) {
            return;
        }
        TfSummaryWriter open = open(args);
        long step = state.globalStep();
        guarded(() -> {
            for (Map.Entry<String, Float> scalar : scalars.entrySet()) {
                LastWrite write = new LastWrite(step, Float.floatToIntBits(scalar.getValue()));
                if (!write.equals(lastWrites.put(scalar.getKey(), write))) {
                    open.writeScalar(scalar.getKey(), step, scalar.getValue());
                }
            }
            if (flush) {
                open.flush();
            }
        });
    }

    private TfSummaryWriter open(TrainingArguments args) {
        if (writer == null) {
            if (logDirectory == null) {
                logDirectory = settings.resolve(args.outputDir()).resolve(RunFolderName.of(LocalDateTime.now(clock), host));
            }
            try {
                writer = new TfSummaryWriter(logDirectory, settings.maxQueue(), settings.flushMillis());
            }
            catch (RuntimeException e) {
                throw new IllegalStateException("cannot open a TensorBoard event file in " + logDirectory + ": " + e.getMessage(), e);
            }
        }
        return writer;
    }

    private void guarded(Runnable action) {
        try {
            action.run();
        }
        catch (RuntimeException e) {
            Path directory = logDirectory;
            try {
                close();
            }
            catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("cannot write TensorBoard events to " + directory + ": " + e.getMessage(), e);
        }
    }

    private record LastWrite(long step, int valueBits) {
    }
}
