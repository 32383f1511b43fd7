package dev.trainer4j.api;

import dev.trainer4j.spi.Backend;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Runs training, evaluation and prediction for a {@link TrainerSpec} on a {@link Backend}, like HF's
 * {@code Trainer}. The loop itself is backend-agnostic; backends provide compiled steps.
 *
 * <p>Lifecycle and defined behaviour:
 * <ul>
 *   <li>The engine (the compiled model) is built lazily on first use and closed by {@link #close()}.</li>
 *   <li>{@link #evaluate()} before {@link #train()} evaluates the freshly initialised model (seeded by
 *       {@code seed}); a later {@code train()} starts from those same weights.</li>
 *   <li>A second {@code train()} starts a new run: a fresh {@link TrainerState} and fresh optimizer state. With a
 *       model factory (HF's {@code model_init}) it also builds a fresh model; with a ready model it continues from
 *       the current weights, as HF does.</li>
 *   <li>Modes the backend lacks ({@code bf16}, {@code fp16}, {@code devices > 1}) are refused at construction
 *       with one clear message.</li>
 * </ul>
 *
 * <p>Subclasses may override the {@code protected} hooks, as HF's tutorial does.
 */
public class Trainer implements AutoCloseable {
    private final TrainerSpec spec;
    private final Backend backend;

    public Trainer(TrainerSpec spec, Backend backend) {
        this.spec = requireNonNull(spec, "spec is null");
        this.backend = requireNonNull(backend, "backend is null");
        throw new UnsupportedOperationException("the loop is not built yet");
    }

    public TrainingArguments args() {
        return spec.args();
    }

    public TrainerSpec spec() {
        return spec;
    }

    public Backend backend() {
        return backend;
    }

    /** Trains from scratch (or from {@code args.resume-from-checkpoint} when set). */
    public TrainOutput train() {
        throw new UnsupportedOperationException();
    }

    /** Trains, resuming from a checkpoint folder or {@code "latest"} (the newest valid checkpoint in output-dir). */
    public TrainOutput train(String resumeFromCheckpoint) {
        throw new UnsupportedOperationException();
    }

    /** Evaluates every eval dataset of the spec; metrics are prefixed {@code eval_} or {@code eval_<name>_}. */
    public Map<String, Double> evaluate() {
        throw new UnsupportedOperationException();
    }

    /** Evaluates one dataset with the given key prefix (HF's {@code metric_key_prefix}, e.g. {@code eval}). */
    public Map<String, Double> evaluate(Dataset dataset, String metricKeyPrefix) {
        throw new UnsupportedOperationException();
    }

    /** Predicts a dataset: every output concatenated in order, labels when present, {@code test_} metrics. */
    public PredictionOutput predict(Dataset dataset) {
        throw new UnsupportedOperationException();
    }

    /** Exports the model for serving into {@code directory} (SavedModel for the TensorFlow backend). */
    public void saveModel(Path directory) {
        throw new UnsupportedOperationException();
    }

    /** The state of the current or last run. */
    public TrainerState state() {
        throw new UnsupportedOperationException();
    }

    public void addCallback(Callback callback) {
        throw new UnsupportedOperationException();
    }

    public void removeCallback(Callback callback) {
        throw new UnsupportedOperationException();
    }

    /** The callbacks in firing order, the built-in flow callback first. */
    public List<Callback> callbacks() {
        throw new UnsupportedOperationException();
    }

    /** HF's {@code log}: adds {@code epoch} and {@code step}, appends to {@code log_history}, fires {@code onLog}. */
    public void log(Map<String, Double> logs) {
        throw new UnsupportedOperationException();
    }

    /** The training batches (override to change sampling or collation). */
    protected DataLoader getTrainDataLoader() {
        throw new UnsupportedOperationException();
    }

    /** The batches of an eval dataset (sequential). */
    protected DataLoader getEvalDataLoader(Dataset dataset) {
        throw new UnsupportedOperationException();
    }

    /** The batches of a prediction dataset (sequential). */
    protected DataLoader getTestDataLoader(Dataset dataset) {
        throw new UnsupportedOperationException();
    }

    /** The learning-rate schedule for a run of {@code numTrainingSteps} optimizer steps. */
    protected LearningRateSchedule createScheduler(long numTrainingSteps) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
