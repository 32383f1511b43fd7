package dev.trainer4j.config;

import dev.trainer4j.api.Argument;
import dev.trainer4j.api.ConfigurationException;
import com.typesafe.config.Config;
import dev.trainer4j.api.TrainingArguments;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Hugging Face's argument names as aliases of trainer4j's kebab-case {@code args} keys. Any snake_case key becomes
 * kebab-case ({@code learning_rate} is {@code learning-rate}); on top of that:
 * <ul>
 *   <li>the HF names an argument declares as {@link Argument#aliases()} are that argument, e.g.
 *       {@code evaluation_strategy} (v4) is {@code eval-strategy} and {@code disable_tqdm} is {@code disable-progress};</li>
 *   <li>every other HF name gets the answer of {@link HuggingFaceArguments}: rewritten (e.g. {@code group_by_length}),
 *       ignored with a debug line (e.g. {@code torch_empty_cache_steps}), or refused with the reason and what to use
 *       instead (e.g. {@code deepspeed}).</li>
 * </ul>
 * A setting given under two spellings ({@code learning_rate} and {@code learning-rate}) is an error naming both.
 */
public final class ArgumentAliases {
    private static final Logger LOG = LoggerFactory.getLogger(ArgumentAliases.class);
    /** Lists that HF also takes as a single name. */
    private static final Set<String> ONE_OR_MORE = Set.of(TrainingArguments.REPORT_TO.key(), TrainingArguments.DEBUG.key());

    /** Each declared HF alias, in kebab-case, to its argument's key. */
    private static final Map<String, String> RENAMES = renames();

    private ArgumentAliases() {
    }

    private static Map<String, String> renames() {
        Map<String, String> renames = new LinkedHashMap<>();
        for (Argument<?> argument : TrainingArguments.arguments()) {
            for (String alias : argument.aliases()) {
                renames.put(kebab(alias), argument.key());
            }
        }
        return Map.copyOf(renames);
    }

    private static String kebab(String written) {
        return written.replace('_', '-').toLowerCase(Locale.ROOT);
    }

    /**
     * Rewrites the keys of an {@code args} block to their kebab-case names.
     *
     * @param args the block as written
     * @param path the block's path for messages, e.g. {@code args}
     * @param knownKeys the valid kebab-case keys; any other key is an error naming the nearest valid ones
     */
    public static Config normalize(Config args, String path, Set<String> knownKeys) {
        Map<String, String> spelling = new LinkedHashMap<>();
        Map<String, ConfigValue> values = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> entry : args.root().entrySet()) {
            String written = entry.getKey();
            ConfigValue value = entry.getValue();
            String kebab = kebab(written);
            String canonical = RENAMES.getOrDefault(kebab, kebab);
            if (!knownKeys.contains(canonical)) {
                Optional<HuggingFaceArguments.Rewritten> answered =
                        HuggingFaceArguments.apply(path + "." + written, canonical, value);
                if (answered.isPresent()) {
                    if (answered.get().dropped()) {
                        continue;
                    }
                    canonical = answered.get().key();
                    value = answered.get().value();
                }
            }
            if (!knownKeys.contains(canonical)) {
                throw new ConfigurationException(path + "." + written, path + "." + written + ": unknown setting (given "
                        + RunConfigParser.describe(value) + ")" + Suggestions.didYouMean(canonical, knownKeys)
                        + "; the valid keys are those of " + TrainingArguments.CONFIG_PATH
                        + " in reference.conf, in kebab-case or Hugging Face's snake_case");
            }
            String previous = spelling.putIfAbsent(canonical, written);
            if (previous != null) {
                throw new ConfigurationException(path + "." + canonical, path + ": '" + previous + "' and '" + written
                        + "' both set " + path + "." + canonical + "; keep one of the two spellings");
            }
            if (ONE_OR_MORE.contains(canonical) && value.valueType() == ConfigValueType.STRING) {
                // HF's report_to and debug take one name as well as a list
                value = ConfigValueFactory.fromIterable(List.of(value.unwrapped()), value.origin().description());
            }
            values.put(canonical, value);
        }
        Config normalized = ConfigFactory.empty();
        for (Map.Entry<String, ConfigValue> entry : values.entrySet()) {
            normalized = normalized.withValue(quote(entry.getKey()), entry.getValue());
        }
        return normalized;
    }

    static void warn(String message) {
        LOG.warn(message);
    }

    static void debug(String message) {
        LOG.debug(message);
    }

    private static String quote(String key) {
        return "\"" + key.replace("\"", "\\\"") + "\"";
    }
}
