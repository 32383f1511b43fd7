package dev.trainer4j.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.SearchParameter;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.config.ArgumentAliases;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training arguments of a trial made in code ({@code Trainer.hyperparameterSearch}): the searched
 * {@code args.*} values over the base arguments, and the trial's own output dir. The seed stays the base run's, so
 * every trial's model is initialised from the same seed (HF sets it again before {@code model_init}).
 */
final class TrialArguments {
    private TrialArguments() {
    }

    /**
     * Refuses a space a trainer made in code cannot search: a {@code model.*} key (its model is built already; search
     * it from a run file with {@code trainer4j hpo}, or with {@link HyperparameterSearch} and a
     * {@link TrialTrainerFactory}), or an {@code args.*} key that is not a training argument.
     */
    static void checkKeys(SearchSpace space) {
        for (SearchParameter parameter : space.parameters()) {
            String key = parameter.key();
            if (key.startsWith("model.")) {
                throw new ConfigurationException(key, key + ": a trainer's model is built already, so "
                        + "Trainer.hyperparameterSearch searches args.* keys only; search model settings from a run file"
                        + " (trainer4j hpo) or with HyperparameterSearch and a TrialTrainerFactory that builds the model");
            }
            argumentKey(key);
        }
    }

    /** The kebab-case argument of an {@code args.*} search key (HF's snake_case accepted), or an error naming it. */
    static String argumentKey(String key) {
        String name = key.substring("args.".length());
        Config normalized = ArgumentAliases.normalize(ConfigFactory.empty().withValue("\"" + name + "\"",
                ConfigValueFactory.fromAnyRef(0)), "args", TrainingArguments.defaults().root().keySet());
        return normalized.root().keySet().iterator().next();
    }

    static TrainingArguments apply(TrainingArguments base, Map<String, Object> parameters, Path outputDir) {
        Map<String, Object> values = new LinkedHashMap<>(base.toMap());
        for (Map.Entry<String, Object> entry : parameters.entrySet()) {
            values.put(argumentKey(entry.getKey()), entry.getValue());
        }
        values.put(TrainingArguments.OUTPUT_DIR.key(), outputDir.toString());
        values.put(TrainingArguments.RESUME_FROM_CHECKPOINT.key(), null);
        try {
            return TrainingArguments.fromConfig(ConfigValueFactory.fromMap(values).toConfig());
        }
        catch (ConfigurationException e) {
            throw new ConfigurationException("args." + e.key(), "args." + e.getMessage(), e);
        }
    }
}
