package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigurationException;

/** Checks shared by the models' settings records; a failure names the key, the value and what was expected. */
final class SettingsChecks {
    private SettingsChecks() {
    }

    static void positive(String key, int value) {
        if (value <= 0) {
            throw new ConfigurationException(key, value, "an integer > 0");
        }
    }

    /** A drop rate in [0, 1). */
    static void rate(String key, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new ConfigurationException(key, value, "a number in [0, 1)");
        }
    }

    /** {@code num-heads} positive and dividing {@code hidden-size}. */
    static void headsDivideHidden(int numHeads, int hiddenSize) {
        positive("num-heads", numHeads);
        if (hiddenSize % numHeads != 0) {
            throw new ConfigurationException("num-heads", "num-heads: " + numHeads
                    + " does not divide hidden-size " + hiddenSize + "; expected a divisor of hidden-size");
        }
    }
}
