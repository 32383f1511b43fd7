package dev.trainer4j.tf;

import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.tf.cluster.TfCluster;

import java.util.EnumSet;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The TensorFlow Java 1.1.0 graph-mode backend: compiles a {@link TfModel} into a {@link TfTrainingEngine} that owns
 * one graph and one session. Set {@code TF_OVERRIDE_GLOBAL_THREADPOOL=true} in the environment before TensorFlow
 * loads so that each session's thread settings take effect.
 */
public final class TfBackend implements Backend {
    public static final String NAME = "tensorflow";

    private final TfTrainerHooks hooks;
    private final TfDevices devices;

    public TfBackend() {
        this(TfTrainerHooks.DEFAULT);
    }

    /** A backend whose graph is shaped by {@code hooks} (a {@link TfTrainer} passes itself). */
    public TfBackend(TfTrainerHooks hooks) {
        this(hooks, TfDevices.DEFAULT);
    }

    /**
     * A backend whose graph is shaped by {@code hooks} and whose training replicas are built on {@code devices}
     * (one session still runs them all; {@link TfDevices#DEFAULT} lets TensorFlow place every op).
     */
    public TfBackend(TfTrainerHooks hooks, TfDevices devices) {
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.devices = requireNonNull(devices, "devices is null");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<BackendCapability> capabilities() {
        return EnumSet.of(BackendCapability.TRAINING, BackendCapability.MODEL_EXPORT, BackendCapability.MULTI_DEVICE,
                BackendCapability.MIXED_PRECISION_BF16, BackendCapability.MIXED_PRECISION_FP16,
                BackendCapability.HALF_PRECISION_EVAL,
                BackendCapability.MULTI_WORKER, BackendCapability.GENERATION);
    }

    @Override
    public TfTrainingEngine compile(Model model, TrainingArguments args, EngineOptions options) {
        requireNonNull(model, "model is null");
        requireNonNull(args, "args is null");
        requireNonNull(options, "options is null");
        if (!(model instanceof TfModel tfModel)) {
            throw new ConfigurationException("model", "model '" + model.name() + "' is a " + model.getClass().getName()
                    + ", not a TfModel; the " + NAME + " backend runs models that build a TensorFlow graph");
        }
        return TfTrainingEngine.compile(tfModel, args, options, hooks, devices);
    }

    /** A {@link TfTrainer}, so runs assembled from a config file get the TensorFlow hooks. */
    @Override
    public Trainer createTrainer(TrainerSpec spec) {
        return new TfTrainer(spec);
    }

    /** Starts this worker's TensorFlow server and serves until the chief has gone (see {@link TfCluster}). */
    @Override
    public void serveWorker(ClusterSpec cluster, TrainingArguments args) {
        TfCluster.serve(cluster, args);
    }
}
