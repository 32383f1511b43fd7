package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;

import static java.util.Objects.requireNonNull;

/**
 * Settings of precision, recall and F1.
 *
 * @param average how classes are combined
 * @param positiveLabel the class scored by {@link Average#BINARY} ({@code pos-label})
 */
public record ClassificationSettings(Average average, int positiveLabel) {
    public ClassificationSettings {
        requireNonNull(average, "average is null");
        if (positiveLabel < 0) {
            throw new ConfigurationException("pos-label", positiveLabel, "a class id >= 0");
        }
    }

    /** Reads {@code average} and {@code pos-label} from a metric's block (defaults merged in). */
    public static ClassificationSettings from(Config settings) {
        requireNonNull(settings, "settings is null");
        return new ClassificationSettings(Average.parse("average", SettingsReader.string(settings, "average")),
                SettingsReader.integer(settings, "pos-label"));
    }
}
