package dev.trainer4j.tf.internal;

import dev.trainer4j.api.InputSpec;
import dev.trainer4j.tf.TfThreadChoice;
import dev.trainer4j.tf.TfVariable;
import dev.trainer4j.tf.generate.TfGenerationGraph;
import dev.trainer4j.tf.generate.TfGenerativeModel;
import dev.trainer4j.tf.io.TfCheckpoint;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What {@link TfGraphBuilder} produced: the ops an engine feeds, runs and fetches, immutable once built. The
 * graph it points into is owned by the engine.
 *
 * @param inputs every declared input, in declaration order; {@code placeholders} holds one per input, same order
 * @param labels the inputs that are labels
 * @param features the inputs that are not labels
 * @param learningRate the fed learning rate of a training run
 * @param randomKey the fed [3] int64 (seed, global step, micro-step) keying dropout
 * @param variables the model variables (registry order)
 * @param states every engine state variable (optimizer, metrics, accumulation), creation order
 * @param optimizerResets the ops that reset the optimizer and accumulation state
 * @param passes the evaluation and prediction passes, built when first asked for ({@link #evaluation()},
 *        {@link #predictions()})
 * @param trainingLoss the running training loss read and reset in one run
 * @param optimizerStep reads the number of optimizer updates applied
 * @param training what training the graph supports
 * @param modelCheckpoint the model variables' checkpoint
 * @param fullCheckpoint the model, optimizer and metrics checkpoint
 * @param threads the thread choice the session is opened with
 * @param generation the generation graph of a model that generates ({@link TfGenerativeModel}), else null
 * @param randomBits the training pass's host-made random bits ({@link TfHostRandomBits}), empty when nothing in it
 *        draws them
 * @param fixedTrainingShapes whether the training step is built for the run's batch shapes (the loop promised that
 *        every training batch has them); its session then runs the remapper before constant folding
 *        ({@link TfGrappler})
 */
public record TfCompiledGraph(Graph graph, String modelName, long seed, List<InputSpec> inputs, List<InputSpec> labels,
                              List<InputSpec> features, List<Placeholder<?>> placeholders,
                              Placeholder<TFloat32> learningRate, Operand<TInt64> randomKey, List<TfVariable> variables,
                              List<TfStateVariable<?>> states, List<Op> optimizerResets, InferencePasses passes,
                              TrainingLossRead trainingLoss,
                              Operand<TInt64> optimizerStep, Training training, TfCheckpoint modelCheckpoint,
                              TfCheckpoint fullCheckpoint, TfThreadChoice threads,
                              TfGenerationGraph generation, Optional<TfHostRandomBits.Layout> randomBits,
                              boolean fixedTrainingShapes) {

    public TfCompiledGraph {
        requireNonNull(graph, "graph is null");
        requireNonNull(modelName, "modelName is null");
        inputs = List.copyOf(inputs);
        labels = List.copyOf(labels);
        features = List.copyOf(features);
        placeholders = List.copyOf(placeholders);
        if (placeholders.size() != inputs.size()) {
            throw new IllegalArgumentException("one placeholder per input expected");
        }
        requireNonNull(learningRate, "learningRate is null");
        requireNonNull(randomKey, "randomKey is null");
        variables = List.copyOf(variables);
        states = List.copyOf(states);
        optimizerResets = List.copyOf(optimizerResets);
        requireNonNull(passes, "passes is null");
        requireNonNull(trainingLoss, "trainingLoss is null");
        requireNonNull(optimizerStep, "optimizerStep is null");
        requireNonNull(training, "training is null");
        requireNonNull(modelCheckpoint, "modelCheckpoint is null");
        requireNonNull(fullCheckpoint, "fullCheckpoint is null");
        requireNonNull(threads, "threads is null");
        requireNonNull(randomBits, "randomBits is null");
    }

    /** The evaluation pass (labels fed), built into the graph on first call. */
    public Evaluation evaluation() {
        return passes.evaluation();
    }

    /** The prediction pass's host outputs (no labels fed), built into the graph on first call. */
    public Map<String, Operand<?>> predictions() {
        return passes.predictions();
    }

    /** The evaluation and prediction passes of a graph, each built on first call (or when the graph was built). */
    public interface InferencePasses {
        Evaluation evaluation();

        Map<String, Operand<?>> predictions();
    }

    /** The evaluation pass: its host outputs and, when the model returns one with labels, its loss. */
    public record Evaluation(EvaluationLoss loss, Map<String, Operand<?>> predictions) {
        public Evaluation {
            requireNonNull(loss, "loss is null");
            predictions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(predictions));
        }
    }

    /** Whether the evaluation pass has a loss. */
    public sealed interface EvaluationLoss permits SummedLoss, NoLoss {
    }

    /** The evaluation loss as a float32 sum over items and the item count. */
    public record SummedLoss(Operand<TFloat32> lossSum, Operand<TFloat32> itemCount) implements EvaluationLoss {
        public SummedLoss {
            requireNonNull(lossSum, "lossSum is null");
            requireNonNull(itemCount, "itemCount is null");
        }
    }

    /** The model returned no evaluation loss. */
    public record NoLoss() implements EvaluationLoss {
    }

    /** The running loss: copies of (loss sum, loss steps, last grad norm) and the reset ordered after them. */
    public record TrainingLossRead(List<Operand<?>> values, Op reset) {
        public TrainingLossRead {
            values = List.copyOf(values);
            requireNonNull(reset, "reset is null");
        }
    }

    /** What training a graph supports: a {@link TfTrainingGraph}, or none ({@link InferenceOnly}). */
    public sealed interface Training permits TfTrainingGraph, InferenceOnly {
    }

    /** The graph cannot train; {@code reason} says why (e.g. the model returned no training loss). */
    public record InferenceOnly(String reason) implements Training {
        public InferenceOnly {
            requireNonNull(reason, "reason is null");
        }
    }

    /**
     * One update: run {@code target}; {@code finite} says whether the step was finite (and so applied);
     * {@code gradients} are what the optimizer is given before clipping (the window's gradient sums divided by its
     * item count), one per trainable variable in the same order, fetched only on steps that capture gradients.
     */
    public record TfUpdateStep(Op target, Operand<TBool> finite, List<Operand<TFloat32>> gradients) {
        public TfUpdateStep {
            requireNonNull(target, "target is null");
            requireNonNull(finite, "finite is null");
            gradients = List.copyOf(gradients);
        }
    }
}
