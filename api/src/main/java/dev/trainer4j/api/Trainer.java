package dev.trainer4j.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs training, evaluation and prediction for a {@link TrainerSpec}, like HF's {@code Trainer}. A backend makes
 * the trainer of a run ({@code new TfTrainer(spec)} on TensorFlow, or {@code Trainer4j.fromFile(path)} from a run
 * file); the methods here are what every trainer offers.
 *
 * <p>A trainer owns native resources (its compiled model): close it. It is driven from one thread, except
 * {@link #stop()}, which any thread may call.
 */
public interface Trainer extends AutoCloseable {

    /** The run's arguments. */
    TrainingArguments args();

    /** What the trainer was built from. */
    TrainerSpec spec();

    /** The model of the current run (a fresh one per {@code train()} with a model factory). */
    Model model();

    /** The batch keys treated as labels: {@code label-names}, or the model's label inputs. */
    List<String> labelNames();

    /** Trains from scratch (or from {@code args.resume-from-checkpoint} when set). */
    TrainOutput train();

    /**
     * Trains, resuming from a checkpoint folder or {@code "latest"} (the newest valid checkpoint in output-dir).
     * {@code null} trains from scratch.
     */
    TrainOutput train(String resumeFromCheckpoint);

    /**
     * Asks a running {@link #train()} to stop: it finishes the current optimizer step (never a part of a
     * gradient-accumulation window), saves that step's checkpoint when {@code save-strategy} is not {@code no}, logs
     * the train metrics, fires {@code onTrainEnd} and returns a normal {@link TrainOutput}; {@code train("latest")}
     * then continues exactly. Safe to call from any thread, also from a callback.
     *
     * <p>A stop requested while no {@code train()} runs applies to the next one, which then ends before its first
     * step (without training or saving). The request is cleared when a run ends, so the {@code train()} after a
     * stopped run trains normally.
     *
     * <p>Interrupting the training thread has the same effect (also when the interrupt is pending as
     * {@code train()} starts). The loop clears the thread's interrupt status while it saves and ends the run, and
     * sets it again just before {@code train()} returns, so the caller still sees that its thread was interrupted;
     * clear it with {@link Thread#interrupted()} if the thread should go on.
     */
    void stop();

    /**
     * HF's {@code hyperparameter_search} with the default {@link SearchOptions} (TPE, seed 0, one trial at a time, no
     * pruning): see {@link #hyperparameterSearch(SearchSpace, SearchObjective, int, SearchDirection, SearchOptions)}.
     */
    default SearchResult hyperparameterSearch(SearchSpace space, SearchObjective objective, int trials,
            SearchDirection direction) {
        return hyperparameterSearch(space, objective, trials, direction, SearchOptions.defaults());
    }

    /**
     * Searches the {@code args.*} keys of {@code space}, HF's {@code hyperparameter_search}: each trial is a separate
     * trainer (its own model, graph and session) made from this trainer's spec with the trial's arguments, trained in
     * {@code output-dir/trial-<n>/} and closed when it ends; this trainer itself is not trained. With a model factory
     * (HF's {@code model_init}) each trial's factory call comes after its arguments, seed included, are set. The
     * objective ({@link SearchObjective#EVAL_LOSS} by default) is computed from each evaluation during training (for
     * pruning) and from the final evaluation. A trial that fails (e.g. a non-finite loss) is recorded as failed and
     * the search goes on. {@code output-dir/hpo_results.json} and {@code hpo_report.html} are rewritten after every
     * trial; {@link SearchOptions#resume()} goes on with an interrupted search without redoing finished trials. The
     * spec's datasets, metrics and callbacks are shared by the trials' trainers: with {@code parallel-trials > 1} they
     * must be safe to use from several threads (a run file's search, {@code trainer4j hpo}, makes them per trial).
     *
     * @throws ConfigurationException for a {@code model.*} key (search those from a run file: {@code trainer4j hpo})
     *         or an unknown argument, naming the key
     */
    SearchResult hyperparameterSearch(SearchSpace space, SearchObjective objective, int trials, SearchDirection direction,
            SearchOptions options);

    /** Evaluates every eval dataset of the spec; metrics are prefixed {@code eval_} or {@code eval_<name>_}. */
    Map<String, Double> evaluate();

    /** Evaluates one dataset with the given key prefix (HF's {@code metric_key_prefix}, e.g. {@code eval}). */
    Map<String, Double> evaluate(Dataset dataset, String metricKeyPrefix);

    /** Predicts a dataset: every output concatenated in order, labels when present, {@code test_} metrics. */
    PredictionOutput predict(Dataset dataset);

    /**
     * Saves the model into {@code directory}, HF's {@code save_pretrained}: a saved model folder that
     * {@link #loadModel}, a run file's {@code init-from} and {@code trainer4j predict --model} read back:
     * <pre>
     * weights/            the model variables (a TF tensor bundle on TensorFlow)
     * saved_model/        the serving SavedModel (tag serve, signature serving_default), when the backend exports
     * model_config.json   the model type ({@link Model#name()}) and its inputs
     * tokenizer.json      the spec's {@link TrainerSpec#tokenizer() tokenizer}, when it has one
     * manifest.json       every other file's size and SHA-256 (as a checkpoint's), written last
     * </pre>
     * The folder is created when missing; an earlier save in it is replaced, and other files in it are refused.
     * (Pretrained-model support will add {@code model.safetensors} and {@code config.json} to this folder.)
     */
    void saveModel(Path directory);

    /**
     * Exports only the serving model into {@code directory} (a SavedModel at its top on TensorFlow, what
     * {@code trainer4j export} writes); {@link #saveModel} writes the same under {@code saved_model/}.
     */
    void exportModel(Path directory);

    /**
     * Loads the model weights of a saved model folder ({@link #saveModel}) or a checkpoint folder into this
     * trainer's model, HF's {@code from_pretrained}, for evaluation, prediction or export; the optimizer state and
     * {@link #state()} are left as they are. The folder is verified against its manifest first.
     *
     * @throws CheckpointException when the folder is missing or damaged (the message names it and the bad file), or
     *         holds another model's weights (the message names the variables and both shapes)
     */
    void loadModel(Path modelOrCheckpointDirectory);

    /**
     * Initialises the model's weights from another run, a checkpoint, a saved model folder or a tensor bundle before
     * training (fine-tuning): names are mapped by {@code mapping}, and the report lists what was loaded, missing, unexpected
     * and mismatched. It loads what fits and leaves the rest as initialised; a run file's {@code init-from} block also
     * checks the report against its {@code min-loaded} fraction and fails the run below it.
     */
    WeightMapping.Report initializeFrom(Path source, WeightMapping mapping);

    /**
     * HF's {@code get_train_dataloader}: the training batches as this trainer draws them (its sampler, collator,
     * batch size and prefetch settings). Subclasses override it to change sampling or collation.
     */
    DataLoader getTrainDataLoader();

    /** HF's {@code get_eval_dataloader}: the batches of an eval dataset, in order. */
    DataLoader getEvalDataLoader(Dataset dataset);

    /** HF's {@code get_test_dataloader}: the batches of a prediction dataset, in order. */
    DataLoader getTestDataLoader(Dataset dataset);

    /** The state of the current or last run. */
    TrainerState state();

    /**
     * The model's variables by name, copied to the host (for inspection, e.g. TensorBoard histograms); compiles the
     * model first when needed. Backends that cannot read them throw {@link UnsupportedOperationException}.
     */
    default Map<String, float[]> modelWeights() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot read the model's weights");
    }

    /**
     * The gradients of the latest optimizer step when that step copied them to the host (it does when a callback
     * {@link Callback#needsGradients() needs gradients} and the logging strategy logs the step); empty otherwise, also
     * before the first step and for backends that cannot read gradients. A callback's {@code onLog} compares
     * {@link GradientSnapshot#globalStep()} with the state's global step.
     */
    default Optional<GradientSnapshot> lastGradients() {
        return Optional.empty();
    }

    // ---- issue 17: seq2seq ----

    /**
     * Generates for every example of {@code inputs} (their {@code input_ids} and {@code attention_mask}, collated as
     * for {@link #predict}) with a model that generates (e.g. {@code transformer-lm}, {@code transformer-seq2seq}),
     * HF's {@code generate}. The settings are layered in HF's precedence: {@code overrides} (this call) over
     * {@code args.generation-max-length} / {@code generation-num-beams} over {@code args.generation-config} over the
     * model's generation config over the library defaults. Sampling is seeded from {@code args.seed}: the same seed
     * gives the same tokens.
     *
     * @throws ConfigurationException naming the key when a setting does not fit (e.g. max-length below a prompt)
     * @throws UnsupportedOperationException when the model does not generate
     */
    default GenerationOutput generate(Dataset inputs, GenerationConfig overrides) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot generate");
    }

    /** {@link #generate(Dataset, GenerationConfig)} with the run's settings alone. */
    default GenerationOutput generate(Dataset inputs) {
        return generate(inputs, GenerationConfig.empty());
    }

    /** Adds a callback after the others; it sees every later event. */
    void addCallback(Callback callback);

    /** Removes a callback added before (by identity). */
    void removeCallback(Callback callback);

    /** The callbacks in firing order, the built-in flow callback first. */
    List<Callback> callbacks();

    /** HF's {@code log}: adds {@code epoch} and {@code step}, appends to {@code log_history}, fires {@code onLog}. */
    void log(Map<String, Double> logs);

    // ---- issue 20: HF parity ----

    /**
     * HF's {@code evaluate(eval_dataset, ignore_keys, metric_key_prefix)}: the model outputs named in {@code ignoreKeys}
     * are left out of the predictions the metrics see; every metric key is prefixed {@code <metricKeyPrefix>_}.
     */
    default Map<String, Double> evaluate(Dataset dataset, List<String> ignoreKeys, String metricKeyPrefix) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no evaluate with ignoreKeys");
    }

    /**
     * HF's {@code predict(test_dataset, ignore_keys, metric_key_prefix)}: the outputs named in {@code ignoreKeys} are
     * left out of the predictions; metric keys are prefixed {@code <metricKeyPrefix>_} (HF's default {@code test}).
     */
    default PredictionOutput predict(Dataset dataset, List<String> ignoreKeys, String metricKeyPrefix) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no predict with ignoreKeys");
    }

    /** HF's {@code log_metrics}: logs {@code ***** <split> metrics *****} and one aligned line per metric at info level. */
    default void logMetrics(String split, Map<String, Double> metrics) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no logMetrics");
    }

    /**
     * HF's {@code save_metrics}: writes {@code <split>_results.json} into the output dir and, when {@code combined},
     * merges the metrics into {@code all_results.json} (indent 4, sorted keys, as HF).
     */
    default void saveMetrics(String split, Map<String, Double> metrics, boolean combined) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no saveMetrics");
    }

    /** {@link #saveMetrics(String, Map, boolean)} with {@code combined = true}, as HF's default. */
    default void saveMetrics(String split, Map<String, Double> metrics) {
        saveMetrics(split, metrics, true);
    }

    /** HF's {@code save_state}: writes {@link #state()} as {@code trainer_state.json} into the output dir. */
    default void saveState() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no saveState");
    }

    /** HF's {@code pop_callback(cls)}: removes and returns the first callback of that type, if any. */
    default Optional<Callback> popCallback(Class<? extends Callback> type) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no popCallback");
    }

    /** HF's {@code pop_callback(cb)}: removes that callback (by identity); false when it was not there. */
    default boolean popCallback(Callback callback) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no popCallback");
    }

    /**
     * HF's {@code create_model_card}: writes {@code README.md} into the output dir in HF's layout (YAML metadata, the
     * evaluation results, the training hyperparameters and the training-results table from the log history).
     *
     * @return the file written
     */
    default Path createModelCard(ModelCardOptions options) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no createModelCard");
    }

    /** Frees the compiled model's native resources. */
    @Override
    void close();
}
