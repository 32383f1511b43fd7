package dev.trainer4j.spi;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.GradientSnapshot;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.WeightMapping;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model compiled for one run by a {@link Backend}: the steps the loop drives. Not thread-safe; the loop calls it
 * from one thread. Closing it frees every native resource.
 *
 * <p>Loss accounting is exact by construction: the engine accumulates the gradient of the <b>sum</b> of per-item
 * losses and the <b>item count</b> over every micro-batch of a window, and the update divides by the window's
 * total count. A window of micro-batches with unequal item counts gives the same update as one big batch.
 */
public interface TrainingEngine extends AutoCloseable {

    /** Forward and backward for a micro-batch that is not the last of its window; accumulates, does not update. */
    void accumulate(Batch microBatch, StepContext context);

    /**
     * Forward and backward for the last micro-batch of a window, then the update: divide the accumulated gradient
     * by the window's item count, clip by global norm ({@code max-grad-norm}), apply the optimizer with
     * {@code context.learningRate()}. When the loss or a gradient is not finite nothing is written and
     * {@link StepOutcome#finite()} is false. Backends may fuse all of this into one call into the native runtime.
     */
    StepOutcome step(Batch lastMicroBatch, StepContext context);

    /** The loss accumulated since the previous call; resets the accumulators. Cheap enough for every logging step. */
    TrainingLossReport readTrainingLoss();

    /** Forward only: the loss sum and item count when the batch has labels, and the predictions when asked. */
    EvalBatchOutput evaluate(Batch batch, boolean returnPredictions);

    /** Resets the optimizer slots and step counters (a second {@code train()} on the same weights). */
    void resetOptimizer();

    /** Writes the engine state of {@code scope} into {@code directory}, which exists and is empty. */
    void save(Path directory, CheckpointScope scope);

    /** Restores what {@link #save} wrote; a clear error names the file when it is missing or damaged. */
    void restore(Path directory, CheckpointScope scope);

    /** Exports the inference model for serving into {@code directory}; needs {@link BackendCapability#MODEL_EXPORT}. */
    default void exportModel(Path directory) {
        throw new UnsupportedOperationException("this backend cannot export models");
    }

    /**
     * Initialises the model variables from another run's weights (fine-tuning): {@code source} is a checkpoint
     * folder ({@code checkpoint-N} or its {@code engine} folder), a saved model folder ({@code Trainer.saveModel}: its
     * {@code weights} folder), an exported model folder or a bundle prefix, or what the backend reads besides (the
     * TensorFlow backend: safetensors, ONNX, {@code classpath:} resources). The
     * optimizer state is not touched. Returns what was loaded, missing, unexpected, mismatched and skipped.
     */
    default WeightMapping.Report initializeFrom(Path source, WeightMapping mapping) {
        throw new UnsupportedOperationException("this backend cannot initialise models from other weights");
    }

    /**
     * Writes the model in Hugging Face's formats into {@code directory} (on TensorFlow: {@code model.safetensors} and
     * {@code config.json} for a model with Hugging Face parameter names), for {@code Trainer.saveModel}.
     *
     * @return the names of the files written; empty when the model or backend has no such format
     */
    default List<String> savePretrained(Path directory) {
        return List.of();
    }

    /** The model's variables by name (not the optimizer's or the engine's state), copied to the host. */
    default Map<String, float[]> readModelWeights() {
        throw new UnsupportedOperationException("this backend cannot read the model's weights");
    }

    /**
     * The gradients of the latest {@link #step} when its context asked for them
     * ({@link StepContext#captureGradients()}); empty after a step that did not, and before the first step. See
     * {@link GradientSnapshot} for which gradient it is.
     */
    default Optional<GradientSnapshot> lastGradients() {
        return Optional.empty();
    }

    /**
     * The model's placement over devices as the engine resolved it (HF's {@code device_map}): each model variable's
     * name to its device, in name order; empty unless the model is split over devices
     * ({@code strategy = model-parallel}).
     */
    default Map<String, String> deviceMap() {
        return Map.of();
    }

    // ---- issue 17: seq2seq ----

    /** Whether the model generates token by token (a causal language model or an encoder-decoder). */
    default boolean generates() {
        return false;
    }

    /**
     * The generation settings in effect: the library defaults, overridden by the model's generation config, then by
     * {@code overrides} (the run's arguments and a call's arguments, already layered).
     *
     * @throws ConfigurationException when a value is not allowed (e.g. a token id outside the vocabulary)
     * @throws UnsupportedOperationException when the model does not generate
     */
    default GenerationConfig.Resolved generationConfig(GenerationConfig overrides) {
        throw new UnsupportedOperationException("this model does not generate");
    }

    /**
     * Generates for every row of the batch's {@code input_ids} / {@code attention_mask} (other inputs, labels
     * included, are ignored) with {@link #generationConfig(GenerationConfig)}; {@code seed} seeds sampling.
     *
     * @return per row the generated token ids, without the prompt or the decoder start token, ending with the eos id
     *         when one was generated (not padded)
     * @throws ConfigurationException when the settings do not fit the inputs (e.g. max-length below the prompt)
     */
    default List<int[]> generate(Batch batch, GenerationConfig overrides, long seed) {
        throw new UnsupportedOperationException("this model does not generate");
    }

    @Override
    void close();
}
