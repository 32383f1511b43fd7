package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Settings of precision, recall, F1 and F-beta (scikit-learn's {@code precision_recall_fscore_support} arguments).
 *
 * @param average how classes are combined ({@code average})
 * @param positiveLabel the class scored by {@link Average#BINARY} ({@code pos-label})
 * @param beta the weight of recall in the F-score ({@code beta}; 1 for F1, ignored by precision and recall)
 * @param labels the classes (or multilabel columns) to score, in this order; empty: every class present in the
 *         labels or predictions (every column for multilabel) ({@code labels})
 * @param zeroDivision the score of a zero denominator ({@code zero-division})
 * @param classNames names of the classes by id for per-class keys ({@code class-names}); empty: {@code class_<id>}
 * @param inputs sample weights and threshold
 */
public record ClassificationSettings(Average average, int positiveLabel, double beta, List<Integer> labels,
        ZeroDivision zeroDivision, List<String> classNames, InputSettings inputs) {
    public ClassificationSettings {
        requireNonNull(average, "average is null");
        if (positiveLabel < 0) {
            throw new ConfigurationException("pos-label", positiveLabel, "a class id >= 0");
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new ConfigurationException("beta", beta, "a finite number >= 0");
        }
        labels = List.copyOf(requireNonNull(labels, "labels is null"));
        requireNonNull(zeroDivision, "zeroDivision is null");
        classNames = ClassNames.validate("class-names", requireNonNull(classNames, "classNames is null"));
        requireNonNull(inputs, "inputs is null");
    }

    /** {@code average} and {@code pos-label} with the other settings at their defaults. */
    public ClassificationSettings(Average average, int positiveLabel) {
        this(average, positiveLabel, 1.0, List.of(), ZeroDivision.WARN, List.of(), InputSettings.DEFAULT);
    }

    /** Reads a metric's block (defaults merged in); {@code beta} is read when the block has it (fbeta), else 1. */
    public static ClassificationSettings from(Config settings) {
        requireNonNull(settings, "settings is null");
        return new ClassificationSettings(Average.parse("average", SettingsReader.string(settings, "average")),
                SettingsReader.integer(settings, "pos-label"),
                settings.hasPath("beta") ? SettingsReader.number(settings, "beta") : 1.0,
                SettingsReader.classIds(settings, "labels"),
                ZeroDivision.parse("zero-division", SettingsReader.string(settings, "zero-division")),
                SettingsReader.strings(settings, "class-names"),
                InputSettings.from(settings));
    }
}
