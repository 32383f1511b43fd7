package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.tf.nn.Activation;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Settings of {@link MlpClassifier}.
 *
 * @param inputSize {@code input-size}: the number of features per example
 * @param hiddenSizes {@code hidden-sizes}: the width of each hidden layer (may be empty: logistic regression)
 * @param numLabels {@code num-labels}: the number of classes; 1 means regression with a mean-squared-error loss
 *        (as HF does for one label)
 * @param dropout {@code dropout}: the drop rate after each hidden layer, in [0, 1)
 * @param activation {@code activation}: the hidden layers' activation
 */
public record MlpClassifierSettings(int inputSize, List<Integer> hiddenSizes, int numLabels, double dropout,
        Activation activation) {
    public MlpClassifierSettings {
        if (inputSize <= 0) {
            throw new ConfigurationException("input-size", inputSize, "an integer > 0");
        }
        requireNonNull(hiddenSizes, "hiddenSizes is null");
        hiddenSizes = List.copyOf(hiddenSizes);
        for (Integer size : hiddenSizes) {
            if (size == null || size <= 0) {
                throw new ConfigurationException("hidden-sizes", hiddenSizes, "a list of integers > 0");
            }
        }
        if (numLabels <= 0) {
            throw new ConfigurationException("num-labels", numLabels, "an integer > 0");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new ConfigurationException("dropout", dropout, "a number in [0, 1)");
        }
        requireNonNull(activation, "activation is null");
    }
}
