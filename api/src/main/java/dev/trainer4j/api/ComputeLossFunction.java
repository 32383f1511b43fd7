package dev.trainer4j.api;

/**
 * HF's {@code compute_loss_func} for {@link TrainerSpec.Builder#computeLossFunc}: replaces the model's loss. What a
 * loss function is belongs to the backend, because the loss is part of the compiled graph: on TensorFlow a
 * {@code dev.trainer4j.tf.TfComputeLoss}, called once while the graph is built (not per step) with the model's
 * outputs and the labels, returning the sum of per-item losses and the item count. A backend refuses one of another
 * kind.
 */
public interface ComputeLossFunction {
}
