package dev.trainer4j.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.SearchDirection;
import dev.trainer4j.api.SearchOptions;
import dev.trainer4j.api.SearchParameter;
import dev.trainer4j.api.SearchSpace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * A run file's {@code search} block, read and checked: the space, the trial count, the direction, the objective's
 * metric key and the {@link SearchOptions}. Every default is in {@code trainer4j.search} (api's reference.conf).
 *
 * <pre>
 * search {
 *   trials = 20, sampler = tpe, pruner = asha, seed = 0, parallel-trials = 1, objective = eval_loss
 *   space {
 *     "args.learning-rate" { type = float, low = 1e-4, high = 1e-1, log = true }
 *     "args.weight-decay"  { type = float, low = 0, high = 0.1 }
 *     "model.hidden-sizes" { type = categorical, choices = [[32], [64], [128]] }
 *   }
 * }
 * </pre>
 * Each error is a {@link ConfigurationException} naming {@code search.<key>} (a parameter as
 * {@code search.space."args.learning-rate"}).
 */
public record SearchSettings(SearchSpace space, int trials, SearchDirection direction, String objective,
        SearchOptions options) {
    private static final Set<String> PARAMETER_TYPES = Set.of("float", "int", "categorical");
    private static final List<String> PARAMETER_KEYS = List.of("type", "low", "high", "log", "choices", "grid-points");

    public SearchSettings {
        requireNonNull(space, "space is null");
        requireNonNull(direction, "direction is null");
        requireNonNull(objective, "objective is null");
        requireNonNull(options, "options is null");
        if (trials < 1) {
            throw new ConfigurationException("search.trials", trials, "an integer >= 1");
        }
    }

    /** Reads a {@code search} block (as written in a run file) over the reference defaults. */
    public static SearchSettings parse(ConfigValue block) {
        requireNonNull(block, "block is null");
        if (block.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigurationException("search", "search: " + block.render() + " is not allowed; expected a block"
                    + " search { trials = 20, space { \"args.learning-rate\" { type = float, low = 1e-4, high = 1e-1, log = true } } }");
        }
        Config given = ((ConfigObject) block).toConfig();
        Config defaults = ConfigFactory.defaultReference().getConfig(SearchOptions.CONFIG_PATH);
        Set<String> known = new TreeSet<>(defaults.root().keySet());
        for (String key : ((ConfigObject) block).keySet()) {
            if (!known.contains(key)) {
                throw new ConfigurationException("search." + key, "search." + key + ": unknown setting"
                        + didYouMean(key, known) + "; search has " + known + " (see " + SearchOptions.CONFIG_PATH
                        + " in reference.conf)");
            }
        }
        Config config = given.withFallback(defaults);
        SearchOptions options = SearchOptions.fromConfig(config);
        int trials;
        String direction;
        String objective;
        try {
            trials = config.getInt("trials");
            direction = config.getString("direction");
            objective = config.getString("objective");
        }
        catch (com.typesafe.config.ConfigException e) {
            throw new ConfigurationException("search", "search: " + e.getMessage(), e);
        }
        if (objective.isBlank()) {
            throw new ConfigurationException("search.objective", "''", "an eval metric key such as eval_loss");
        }
        ConfigValue spaceValue = config.root().get("space");
        if (spaceValue.valueType() != ConfigValueType.OBJECT || ((ConfigObject) spaceValue).isEmpty()) {
            throw new ConfigurationException("search.space", "search.space: " + (spaceValue.valueType() == ConfigValueType.OBJECT
                    ? "empty" : spaceValue.render() + " is not allowed") + "; expected a block of parameters such as space {"
                    + " \"args.learning-rate\" { type = float, low = 1e-4, high = 1e-1, log = true } }");
        }
        return new SearchSettings(space((ConfigObject) spaceValue), trials,
                SearchDirection.parse("search.direction", direction), objective, options);
    }

    private static SearchSpace space(ConfigObject space) {
        List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(space.entrySet());
        entries.sort(Comparator.<Map.Entry<String, ConfigValue>>comparingInt(e -> e.getValue().origin().lineNumber())
                .thenComparing(Map.Entry::getKey));
        List<SearchParameter> parameters = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : entries) {
            parameters.add(parameter(entry.getKey(), entry.getValue()));
        }
        return new SearchSpace(parameters);
    }

    private static SearchParameter parameter(String key, ConfigValue value) {
        String path = "search.space.\"" + key + "\"";
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigurationException(path, path + ": " + value.render() + " is not allowed; expected a block such as"
                    + " { type = float, low = 1e-4, high = 1e-1, log = true }");
        }
        ConfigObject block = (ConfigObject) value;
        for (String setting : block.keySet()) {
            if (!PARAMETER_KEYS.contains(setting)) {
                throw new ConfigurationException(path + "." + setting, path + "." + setting + ": unknown setting"
                        + didYouMean(setting, new TreeSet<>(PARAMETER_KEYS)) + "; a parameter has " + PARAMETER_KEYS);
            }
        }
        Config config = block.toConfig();
        String type = config.hasPath("type") ? config.getString("type") : "";
        if (!PARAMETER_TYPES.contains(type)) {
            throw new ConfigurationException(path + ".type", path + ".type: '" + type + "' is not allowed; expected one of "
                    + new TreeSet<>(PARAMETER_TYPES));
        }
        try {
            return switch (type) {
                case "categorical" -> {
                    if (!config.hasPath("choices") || config.getValue("choices").valueType() != ConfigValueType.LIST) {
                        throw new ConfigurationException(path + ".choices", path + ".choices: missing; a categorical"
                                + " parameter needs a list of choices, e.g. choices = [32, 64, 128]");
                    }
                    ConfigList choices = config.getList("choices");
                    if (choices.isEmpty()) {
                        throw new ConfigurationException(path + ".choices", path + ".choices: an empty list is not"
                                + " allowed; expected at least one choice");
                    }
                    yield new SearchParameter.Categorical(key, new ArrayList<>(choices.unwrapped()));
                }
                case "int" -> new SearchParameter.IntRange(key, bound(config, path, "low"), bound(config, path, "high"),
                        config.hasPath("log") && config.getBoolean("log"));
                default -> new SearchParameter.FloatRange(key, config.getDouble(required(config, path, "low")),
                        config.getDouble(required(config, path, "high")), config.hasPath("log") && config.getBoolean("log"),
                        config.hasPath("grid-points") ? config.getInt("grid-points") : 3);
            };
        }
        catch (ConfigurationException e) {
            if (e.key().startsWith("search.")) {
                throw e;
            }
            throw new ConfigurationException(path, "search.space." + e.getMessage().replaceFirst(
                    java.util.regex.Pattern.quote(key), "\"" + java.util.regex.Matcher.quoteReplacement(key) + "\""), e);
        }
        catch (com.typesafe.config.ConfigException e) {
            throw new ConfigurationException(path, path + ": " + e.getMessage(), e);
        }
    }

    private static String required(Config config, String path, String setting) {
        if (!config.hasPath(setting)) {
            throw new ConfigurationException(path + "." + setting, path + "." + setting + ": missing; a range needs low and high");
        }
        return setting;
    }

    private static long bound(Config config, String path, String setting) {
        double value = config.getDouble(required(config, path, setting));
        if (value != Math.rint(value)) {
            throw new ConfigurationException(path + "." + setting, path + "." + setting + ": " + value
                    + " is not allowed; expected an integer (type = int)");
        }
        return (long) value;
    }

    private static String didYouMean(String key, Set<String> known) {
        return dev.trainer4j.config.Suggestions.didYouMean(key, known);
    }
}
