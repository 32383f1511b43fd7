package dev.trainer4j.loop;

import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.TrainingInterruptedException;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.Argument;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.TrainingEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The checkpoints of one training run: which checkpoint to resume from, refusing or clearing a previous run,
 * saving (atomically, with rotation), restoring, best-model tracking, loading the best model at the end and
 * {@code save-on-interrupt}. It reads and writes the run's {@link RunProgress} and the context's state.
 */
final class RunCheckpoints {
    /** The trainer's logger, so that log output (and its configuration by logger name) stays as it was. */
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final String LATEST = "latest";
    /** The arguments that may change together with the device count while the global batch stays the same. */
    private static final java.util.Set<String> BATCH_SHAPE = java.util.Set.of(
            TrainingArguments.PER_DEVICE_TRAIN_BATCH_SIZE.key(), TrainingArguments.GRADIENT_ACCUMULATION_STEPS.key(),
            TrainingArguments.DEVICES.key());

    private final LoopContext context;
    private final TrainerHooks hooks;
    private final TrainingArguments args;
    private TrainingEngine engine;
    private RunProgress progress;
    private InterruptSaver interruptSaver;
    private long lastSavedStep = -1;
    private Path lastSavedCheckpoint;

    RunCheckpoints(LoopContext context, TrainerHooks hooks) {
        this.context = requireNonNull(context, "context is null");
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.args = context.args();
    }

    /** Binds the run's engine and progress, once both exist (after the engine is readied and the schedule created). */
    void bind(TrainingEngine runEngine, RunProgress runProgress) {
        this.engine = runEngine;
        this.progress = runProgress;
    }

    Optional<Path> resolveCheckpoint(String resume, Path outputDir) {
        if (resume == null || resume.isBlank()) {
            return Optional.empty();
        }
        if (resume.equals(LATEST)) {
            Checkpoints.Latest latest = Checkpoints.findLatest(outputDir);
            latest.skipped().forEach((skipped, problem) ->
                    LOG.warn("resume-from-checkpoint = latest: skipping {}: {}", skipped, problem));
            Path found = latest.checkpoint().orElseThrow(() -> new ConfigurationException("resume-from-checkpoint",
                    "resume-from-checkpoint = latest, but output-dir '" + outputDir + "' holds no intact checkpoint-<step> folder"
                    + (latest.skipped().isEmpty() ? "" : "; skipped: " + describeSkipped(latest.skipped()))));
            LOG.info("resume-from-checkpoint = latest: {}", found);
            return Optional.of(found);
        }
        Path path = Path.of(resume);
        if (!Files.isDirectory(path)) {
            throw new ConfigurationException("resume-from-checkpoint", resume, "an existing checkpoint folder, or 'latest'");
        }
        Optional<String> problem = Checkpoints.verify(path);
        if (problem.isPresent()) {
            throw new ConfigurationException("resume-from-checkpoint", "resume-from-checkpoint: checkpoint " + path
                    + " is damaged and is not resumed: " + problem.get()
                    + "; resume from an earlier checkpoint, or use 'latest' to take the newest intact one");
        }
        return Optional.of(path);
    }

    private static String describeSkipped(Map<Path, String> skipped) {
        List<String> parts = new ArrayList<>();
        skipped.forEach((path, problem) -> parts.add(path.getFileName() + " (" + problem + ")"));
        return String.join(", ", parts);
    }

    /**
     * Refuses an output-dir that holds another run (checkpoints or a {@code trainer_state.json}) unless
     * {@code overwrite-output-dir}, which removes the old checkpoints so that {@code latest} cannot pick them later.
     */
    /** An output dir that exists must be a folder: a file there would fail the first save with an I/O error. */
    static void checkOutputDir(Path outputDir) {
        if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
            throw new ConfigurationException("output-dir", outputDir.toString(), "a folder, or a path where one can be"
                    + " created; it is a file");
        }
    }

    void refuseOrClearPreviousRun(Path outputDir) {
        List<String> previous = new ArrayList<>();
        Checkpoints.list(outputDir).forEach(path -> previous.add(path.getFileName().toString()));
        if (Files.isRegularFile(outputDir.resolve(Checkpoints.TRAINER_STATE))) {
            previous.add(Checkpoints.TRAINER_STATE);
        }
        if (previous.isEmpty()) {
            return;
        }
        if (!args.overwriteOutputDir()) {
            throw new ConfigurationException("output-dir", "output-dir '" + outputDir + "' already holds another run "
                    + previous + "; set overwrite-output-dir = true to train anew into it (its checkpoint-* folders are "
                    + "removed), or resume that run with resume-from-checkpoint = latest (train(\"latest\"))");
        }
        LOG.info("overwrite-output-dir = true: removing the previous run's checkpoints {} from {}", previous, outputDir);
        hooks.checkpointWriter().removeAll(outputDir);
    }

    /** {@code save-on-interrupt}: starts listening for termination requests. */
    void installInterruptSaver() {
        interruptSaver = InterruptSaver.install(InterruptSaver.DEFAULT_WAIT_LIMIT);
        LOG.info("save-on-interrupt: SIGTERM/SIGINT save a checkpoint at the next step boundary");
    }

    /** Stops listening for termination requests (at the end of the run, however it ends). */
    void closeInterruptSaver() {
        if (interruptSaver != null) {
            interruptSaver.close();
            interruptSaver = null;
        }
    }

    /** {@code save-on-interrupt}: at a step boundary after a termination request, saves (once) and stops. */
    void saveAndStopIfInterrupted() {
        if (interruptSaver == null || !interruptSaver.requested()) {
            return;
        }
        TrainerState state = context.state();
        Path saved;
        try {
            if (lastSavedStep == state.globalStep()) {
                saved = lastSavedCheckpoint;
            }
            else {
                // no engine read here: an extra read would regroup the loss sums and break bit-exact resumption
                saved = saveCheckpoint(false);
                context.callbacks().onSave(context.state(), context.control());
            }
            // logged before the handler is released: the signal's next handler may end the JVM at once
            LOG.warn("{}: saved {} at global step {}; training stops", interruptSaver.reason(), saved, state.globalStep());
        }
        finally {
            interruptSaver.finished();
        }
        throw new TrainingInterruptedException("training stopped by " + interruptSaver.reason() + " at global step "
                + state.globalStep() + " after saving " + saved + "; resume with train(\"latest\")", saved,
                interruptSaver.reason());
    }

    /** Whether this run saved the checkpoint of {@code step}. */
    boolean savedAt(long step) {
        return lastSavedStep == step;
    }

    /** A stop on request: the checkpoint of the current step (saved now unless this run saved it already). */
    Path saveForStop() {
        if (lastSavedStep == context.state().globalStep()) {
            return lastSavedCheckpoint;
        }
        // no engine read here: an extra read would regroup the loss sums and break bit-exact resumption
        Path saved = saveCheckpoint(false);
        context.callbacks().onSave(context.state(), context.control());
        return saved;
    }

    void loadBestModel() {
        TrainerState state = context.state();
        Path best = Path.of(state.bestModelCheckpoint());
        if (!Files.isDirectory(best)) {
            LOG.warn("load-best-model-at-end: the best checkpoint {} does not exist; the model keeps the last step's weights", best);
            return;
        }
        Optional<String> problem = Checkpoints.verify(best);
        if (problem.isPresent()) {
            throw new CheckpointException(best, "load-best-model-at-end: the best checkpoint " + best + " is damaged: "
                    + problem.get() + "; the model keeps the last step's weights");
        }
        engine.restore(best.resolve(Checkpoints.ENGINE_DIR), CheckpointScope.MODEL);
        LOG.info("load-best-model-at-end: loaded the model weights of {} ({} = {} at global step {})", best,
                bestMetricKey(), state.bestMetric(), state.bestGlobalStep());
    }

    /** Applies {@code save-total-limit = 1} at the end of training. */
    void keepOnlyBestAtEnd(Path outputDir) {
        TrainerState state = context.state();
        if (args.saveTotalLimit().orElse(0) == 1 && state.bestModelCheckpoint() != null) {
            // HF: at the end, save-total-limit = 1 keeps only the best checkpoint
            hooks.checkpointWriter().deleteAllExcept(outputDir, Path.of(state.bestModelCheckpoint()).getFileName().toString(),
                    "save-total-limit = 1 keeps only the best checkpoint at the end of training");
        }
    }

    private String bestMetricKey() {
        String name = args.metricForBestModel().orElseThrow();
        return name.startsWith("eval_") ? name : "eval_" + name;
    }

    /** HF's {@code _determine_best_metric}; also steps the schedule (reduce-on-plateau) with the metric. */
    boolean determineBestMetric(Map<String, Double> metrics) {
        if (args.metricForBestModel().isEmpty()) {
            return false;
        }
        String key = bestMetricKey();
        Double value = metrics.get(key);
        if (value == null) {
            throw new ConfigurationException("metric-for-best-model", "metric-for-best-model = "
                    + args.metricForBestModel().get() + " looks for '" + key + "', which the evaluation did not produce; present: "
                    + metrics.keySet());
        }
        progress.schedule.onEvaluate(value);
        TrainerState state = context.state();
        boolean greater = args.greaterIsBetter();
        Double best = state.bestMetric();
        boolean better = best == null || (greater ? value > best : value < best);
        if (better) {
            state.setBestMetric(value);
            state.setBestGlobalStep(state.globalStep());
        }
        return better;
    }

    Path saveCheckpoint(boolean readTrainingLoss) {
        // an interrupt of the training thread would close the writer's file channels: take it as a stop request
        context.stopRequest().takeInterrupt();
        if (readTrainingLoss) {
            progress.losses.absorb(engine.readTrainingLoss());
        }
        TrainerState state = context.state();
        Path outputDir = Path.of(args.outputDir());
        long step = state.globalStep();
        if (state.bestGlobalStep() != null) {
            Path best = outputDir.resolve(Checkpoints.name(state.bestGlobalStep()));
            if (state.bestGlobalStep() == step || Files.isDirectory(best)) {
                state.setBestModelCheckpoint(best.toString());
            }
        }
        state.statefulCallbacks().clear();
        state.statefulCallbacks().putAll(StatefulCallbacks.export(context.callbacks().callbacks()));
        CheckpointScope scope = args.saveOnlyModel() ? CheckpointScope.MODEL : CheckpointScope.FULL;
        Path saved = hooks.checkpointWriter().write(outputDir, step, folder -> {
            Path engineDir = Files.createDirectory(folder.resolve(Checkpoints.ENGINE_DIR));
            engine.save(engineDir, scope);
            Checkpoints.writeTrainerState(folder.resolve(Checkpoints.TRAINER_STATE), state);
            Checkpoints.writeJson(folder.resolve(Checkpoints.LOOP_STATE), loopState(scope));
        });
        lastSavedStep = step;
        lastSavedCheckpoint = saved;
        if (args.saveTotalLimit().isPresent()) {
            Optional<String> best = Optional.ofNullable(state.bestModelCheckpoint()).map(path -> Path.of(path).getFileName().toString());
            hooks.checkpointWriter().rotate(outputDir, args.saveTotalLimit().getAsInt(), best);
        }
        return saved;
    }

    private Map<String, Object> loopState(CheckpointScope scope) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("epoch", progress.dataEpoch);
        data.put("batch_in_epoch", progress.dataBatch);
        // the position in samples and the batch shape: a run resumed on another number of devices keeps its place
        data.put("samples_in_epoch", progress.dataBatch * args.trainBatchSize());
        data.put("replicas", args.deviceSelection().replicas() * args.worldSize());
        data.put("global_batch", (long) args.trainBatchSize() * args.gradientAccumulationSteps());
        data.put("data_seed", args.dataSeed());
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("format_version", 1);
        content.put("global_step", context.state().globalStep());
        content.put("world_size", args.worldSize());
        content.put("checkpoint_scope", scope.name());
        content.put("data_position", data);
        Map<String, Object> rng = new LinkedHashMap<>();
        rng.put("seed", args.seed());
        rng.put("data_seed", args.dataSeed());
        rng.put("sampler", "data order of epoch e is a permutation seeded by (data_seed, e); engine RNG state is under engine/");
        content.put("rng", rng);
        content.put("loss_accumulators", progress.losses.exportState());
        content.put("last_learning_rate", Double.isNaN(progress.lastLearningRate) ? null : progress.lastLearningRate);
        content.put("scheduler", progress.schedule.exportState());
        content.put("args", args.toMap());
        return content;
    }

    /**
     * Restores the loop, engine and callback state of {@code checkpoint}. The loop state is read and checked before
     * anything is restored, so a damaged or hand-edited {@code trainer4j_state.json} fails naming its file and field.
     */
    void restoreCheckpoint(Path checkpoint) {
        LoopStateFile loop = LoopStateFile.read(checkpoint.resolve(Checkpoints.LOOP_STATE));
        if (!CheckpointScope.FULL.name().equals(loop.value("checkpoint_scope"))) {
            throw new ConfigurationException("resume-from-checkpoint", "checkpoint " + checkpoint
                    + " was saved with save-only-model = true: it holds only the model weights and cannot be resumed");
        }
        // another world size (number of workers) resumes as another number of devices does: by the replicas and the
        // global batch of data_position (resumeOnOtherDevices)
        Object worldSize = loop.value("world_size");
        if (!(worldSize instanceof Number number) || number.intValue() < 1) {
            throw new CheckpointException(checkpoint, "checkpoint " + checkpoint + " has world_size " + worldSize
                    + "; expected a number of workers of at least 1");
        }
        LossTracker losses;
        try {
            losses = LossTracker.fromState(loop.object("loss_accumulators"));
        }
        catch (IllegalArgumentException e) {
            throw loop.invalid("loss_accumulators", e.getMessage(), e);
        }
        Optional<Map<String, Object>> scheduler = loop.optionalObject("scheduler");
        double lastLearningRate = loop.optionalNumber("last_learning_rate").map(Number::doubleValue).orElse(Double.NaN);
        int dataEpoch = loop.number("data_position.epoch").intValue();
        long dataBatch = loop.number("data_position.batch_in_epoch").longValue();
        long savedSeed = loop.number("data_position.data_seed").longValue();

        engine.restore(checkpoint.resolve(Checkpoints.ENGINE_DIR), CheckpointScope.FULL);
        context.restoreState(Checkpoints.readTrainerState(checkpoint.resolve(Checkpoints.TRAINER_STATE)));
        TrainerState state = context.state();
        if (context.args().restoreCallbackStatesFromCheckpoint()) {
            StatefulCallbacks.restore(context.callbacks().callbacks(), state.statefulCallbacks());
        }
        progress.losses = losses;
        if (scheduler.isPresent()) {
            try {
                progress.schedule.importState(scheduler.get());
            }
            catch (IllegalArgumentException e) {
                throw loop.invalid("scheduler", e.getMessage(), e);
            }
        }
        progress.lastLearningRate = lastLearningRate;
        progress.dataEpoch = dataEpoch;
        progress.dataBatch = dataBatch;
        boolean batchReshaped = resumeOnOtherDevices(checkpoint, loop);
        warnOnChangedArguments(checkpoint, loop.value("args"), batchReshaped);
        if (savedSeed != args.dataSeed()) {
            LOG.warn("checkpoint {} was written with data-seed {} but this run uses {}: the resumed data order differs "
                    + "from the original run", checkpoint, savedSeed, args.dataSeed());
        }
        LOG.info("resuming from {} at global step {}, epoch {}, batch {} of the epoch", checkpoint, state.globalStep(),
                progress.dataEpoch, progress.dataBatch);
    }

    /**
     * Warns when arguments that decide the data position or the update (those declared
     * {@link Argument#checkedOnResume()}) differ from the checkpoint's; the current ones win, as in HF.
     */
    /**
     * A run saved with another number of replicas (devices) resumes at the same sample when it keeps the global batch
     * per optimizer step (per-device batch x replicas x gradient accumulation): the data position is taken in samples,
     * and one line says how the batch is kept. Returns whether the replicas changed with the global batch kept.
     */
    private boolean resumeOnOtherDevices(Path checkpoint, LoopStateFile loop) {
        Optional<Number> savedReplicas = loop.optionalNumber("data_position.replicas");
        Optional<Number> savedGlobalBatch = loop.optionalNumber("data_position.global_batch");
        Optional<Number> samples = loop.optionalNumber("data_position.samples_in_epoch");
        int replicas = args.deviceSelection().replicas() * args.worldSize();
        long globalBatch = (long) args.trainBatchSize() * args.gradientAccumulationSteps();
        if (savedReplicas.isEmpty() || savedGlobalBatch.isEmpty() || samples.isEmpty()
                || savedReplicas.get().intValue() == replicas) {
            return false;
        }
        if (savedGlobalBatch.get().longValue() != globalBatch) {
            LOG.warn("checkpoint {} was written with {} replicas and a global batch of {} samples per step; this run has"
                    + " {} replicas and {}: set per-device-train-batch-size or gradient-accumulation-steps so that"
                    + " per-device batch x devices x accumulation is {} to continue the same run", checkpoint,
                    savedReplicas.get(), savedGlobalBatch.get(), replicas, globalBatch, savedGlobalBatch.get());
            return false;
        }
        long position = samples.get().longValue();
        if (position % args.trainBatchSize() != 0) {
            LOG.warn("checkpoint {} stopped {} samples into its epoch, which is not a whole number of this run's"
                    + " micro-batches of {}; resuming at batch {}", checkpoint, position, args.trainBatchSize(),
                    progress.dataBatch);
            return true;
        }
        progress.dataBatch = position / args.trainBatchSize();
        Object savedArgs = loop.value("args");
        Object savedPerDevice = savedArgs instanceof Map<?, ?> map ? map.get(TrainingArguments.PER_DEVICE_TRAIN_BATCH_SIZE.key()) : "?";
        Object savedAccumulation = savedArgs instanceof Map<?, ?> map ? map.get(TrainingArguments.GRADIENT_ACCUMULATION_STEPS.key()) : "?";
        LOG.info("resuming {} (written with {} replicas) on {}: the global batch of {} samples per step is kept by"
                        + " per-device batch {} -> {} and gradient accumulation {} -> {}; the data position is sample {}"
                        + " of epoch {} (micro-batch {})", checkpoint, savedReplicas.get(), replicas, globalBatch,
                savedPerDevice, args.perDeviceTrainBatchSize(), savedAccumulation, args.gradientAccumulationSteps(),
                position, progress.dataEpoch, progress.dataBatch);
        return true;
    }

    private void warnOnChangedArguments(Path checkpoint, Object saved, boolean batchReshaped) {
        if (!(saved instanceof Map<?, ?> savedArgs)) {
            return;
        }
        Map<String, Object> current = args.toMap();
        List<String> changed = new ArrayList<>();
        for (Argument<?> argument : TrainingArguments.arguments()) {
            if (!argument.isCheckedOnResume() || batchReshaped && BATCH_SHAPE.contains(argument.key())) {
                continue;
            }
            String key = argument.key();
            Object before = savedArgs.get(key);
            Object now = current.get(key);
            boolean same = before instanceof Number a && now instanceof Number b ? a.doubleValue() == b.doubleValue()
                    : Objects.equals(before == null ? null : before.toString(), now == null ? null : now.toString());
            if (!same) {
                changed.add(key + ": " + before + " -> " + now);
            }
        }
        if (!changed.isEmpty()) {
            LOG.warn("resuming {} with changed arguments {}: the run will not continue exactly as the original", checkpoint, changed);
        }
    }
}
