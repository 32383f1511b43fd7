package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import dev.trainer4j.api.Model;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.tf.nn.Activation;

import static java.util.Objects.requireNonNull;

/**
 * Makes an {@link MlpClassifier} from the block {@code trainer4j.plugins.models.mlp-classifier}: {@code input-size}
 * (required), {@code hidden-sizes}, {@code num-labels}, {@code dropout}, {@code activation}.
 */
public final class MlpClassifierFactory implements ModelFactory {

    @Override
    public String name() {
        return MlpClassifier.NAME;
    }

    @Override
    public String description() {
        return "multi-layer perceptron over a 'features' vector with a classification (or regression) head";
    }

    @Override
    public Model create(Config settings, PluginContext context) {
        requireNonNull(settings, "settings is null");
        SettingsReader reader = new SettingsReader(settings);
        return new MlpClassifier(new MlpClassifierSettings(
                reader.integer("input-size", "an integer > 0 (the number of features)"),
                reader.integers("hidden-sizes", "a list of integers > 0"),
                reader.integer("num-labels", "an integer > 0"),
                reader.number("dropout", "a number in [0, 1)"),
                Activation.fromName("activation", reader.string("activation", "an activation name"))));
    }
}
