package dev.trainer4j.config;

import dev.trainer4j.api.Argument;
import dev.trainer4j.api.ConfigurationException;
import com.typesafe.config.Config;
import dev.trainer4j.api.TrainingArguments;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Hugging Face's argument names as aliases of trainer4j's kebab-case {@code args} keys. Any snake_case key becomes
 * kebab-case ({@code learning_rate} is {@code learning-rate}); on top of that:
 * <ul>
 *   <li>the HF names an argument declares as {@link Argument#aliases()} are that argument, e.g.
 *       {@code evaluation_strategy} (v4) is {@code eval-strategy} and {@code disable_tqdm} is {@code disable-progress};</li>
 *   <li>{@code group_by_length = true} (v4) is {@code train-sampling-strategy = group_by_length};
 *       {@code group_by_length = false} changes nothing;</li>
 *   <li>{@code no_cuda} (v4) is refused with a message pointing at {@code use_cpu} and {@code devices}.</li>
 * </ul>
 * A setting given under two spellings ({@code learning_rate} and {@code learning-rate}) is an error naming both.
 */
public final class ArgumentAliases {
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
            if (canonical.equals("no-cuda")) {
                throw new ConfigurationException(path + "." + written, path + "." + written + ": '" + written
                        + "' is not supported; trainer4j runs on the devices of its backend build (set "
                        + path + ".devices, or " + path + ".use_cpu = true for CPU devices only)");
            }
            if (canonical.equals("group-by-length")) {
                if (value.valueType() != ConfigValueType.BOOLEAN) {
                    throw new ConfigurationException(path + "." + written, path + "." + written + ": "
                            + value.render() + " is not allowed; expected true or false");
                }
                canonical = "train-sampling-strategy";
                value = Boolean.TRUE.equals(value.unwrapped())
                        ? ConfigValueFactory.fromAnyRef("group_by_length", value.origin().description())
                        : null;
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
            if (value != null) {
                values.put(canonical, value);
            }
        }
        Config normalized = ConfigFactory.empty();
        for (Map.Entry<String, ConfigValue> entry : values.entrySet()) {
            normalized = normalized.withValue(quote(entry.getKey()), entry.getValue());
        }
        return normalized;
    }

    private static String quote(String key) {
        return "\"" + key.replace("\"", "\\\"") + "\"";
    }
}
