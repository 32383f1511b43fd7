package dev.trainer4j.spi;

import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;

import java.util.Set;

/**
 * A compute backend: compiles a {@link Model} with the run's arguments into a {@link TrainingEngine}.
 * The loop never touches the backend's tensors or graphs; it drives the engine with host batches.
 */
public interface Backend {

    /** A short name for logs and errors, e.g. {@code tensorflow}. */
    String name();

    /** What this backend can do; the trainer refuses settings that need anything else. */
    Set<BackendCapability> capabilities();

    /**
     * Builds the engine for one run: variables initialised from {@code args.seed()}, optimizer and update ready.
     * Throws a clear {@link IllegalArgumentException} when the model is not one this backend can run.
     */
    TrainingEngine compile(Model model, TrainingArguments args, EngineOptions options);

    /**
     * Makes the {@link Trainer} of a run on this backend (e.g. {@code TfTrainer}); the runtime calls this when it
     * assembles a run from a run file. The SPI does not know the training loop: the backend brings it.
     */
    Trainer createTrainer(TrainerSpec spec);

    /**
     * Serves this process's devices to the chief of a multi-worker run ({@code cluster}'s task, not worker 0) and
     * returns when the chief has gone; only for backends with {@link BackendCapability#MULTI_WORKER}.
     *
     * @param args the run's arguments (the worker's devices follow its {@code devices})
     */
    default void serveWorker(ClusterSpec cluster, TrainingArguments args) {
        throw new UnsupportedOperationException("backend '" + name() + "' cannot serve a multi-worker run");
    }
}
