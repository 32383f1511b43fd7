package dev.trainer4j.api;

import java.util.List;

/**
 * A model as the loop sees it: a name and the inputs it declares. Backends define what a model computes
 * (the TensorFlow backend's {@code TfModel} builds a graph). Declared inputs drive {@code remove-unused-columns}:
 * batch columns the model does not declare are dropped, and a declared input missing from a batch is an error.
 */
public interface Model {

    /** A short name for logs, e.g. {@code mlp-classifier}. */
    String name();

    /** Every input the model reads, features and labels. */
    List<InputSpec> inputs();

    /** The names of the label inputs (HF's {@code label_names} default). */
    default List<String> labelNames() {
        return inputs().stream().filter(InputSpec::label).map(InputSpec::name).toList();
    }
}
