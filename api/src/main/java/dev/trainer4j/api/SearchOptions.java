package dev.trainer4j.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * How a hyperparameter search runs, besides its space, objective, trial count and direction: the sampler, its seed,
 * how many trials run at once, and the pruner. Defaults in {@code trainer4j.search} of the api's
 * {@code reference.conf}; a run file's {@code search} block has the same keys.
 *
 * <p>Determinism: with {@code parallel-trials = 1} the same seed gives the same trial parameters. With more trials
 * at once, a model-based sampler (TPE) sees the trials that finished by the time it samples, and that order depends
 * on timing, so the parameters may differ between runs.
 *
 * @param sampler {@code tpe} (default), {@code random} or {@code grid}
 * @param seed the search seed: each trial's draws come from (seed, trial number)
 * @param parallelTrials trials that train at once in this JVM, each with its own trainer
 * @param pruner {@code none} or {@code asha}
 * @param reductionFactor ASHA's reduction factor (eta): a trial goes on past a rung when it is in the top ceil(n / eta)
 *        of the n values recorded there
 * @param minResource ASHA's first rung, in evaluations; rung k is at {@code min-resource * eta^k} evaluations
 * @param startupTrials TPE's random trials before it models (Optuna's {@code n_startup_trials})
 * @param eiCandidates TPE's candidates drawn per parameter, of which the best expected improvement is taken
 * @param resume go on with the search in output-dir, keeping its finished trials ({@code hpo_results.json})
 */
public record SearchOptions(Sampler sampler, long seed, int parallelTrials, Pruner pruner, int reductionFactor,
        int minResource, int startupTrials, int eiCandidates, boolean resume) {
    /** The defaults' path in {@code reference.conf}. */
    public static final String CONFIG_PATH = "trainer4j.search";

    /** How trial parameters are chosen. */
    public enum Sampler {
        /** Tree-structured Parzen estimator (Bergstra et al. 2011, Optuna's defaults). */
        TPE,
        /** Independent uniform draws on each parameter's scale. */
        RANDOM,
        /** Every combination of categorical choices, integers and {@code grid-points} floats, in order. */
        GRID;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How trials are stopped early. */
    public enum Pruner {
        NONE,
        /** Asynchronous successive halving (Li et al. 2020), on intermediate evaluations. */
        ASHA;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SearchOptions {
        requireNonNull(sampler, "sampler is null");
        requireNonNull(pruner, "pruner is null");
        if (seed < 0) {
            throw new ConfigurationException("search.seed", seed, "an integer >= 0");
        }
        if (parallelTrials < 1) {
            throw new ConfigurationException("search.parallel-trials", parallelTrials, "an integer >= 1");
        }
        if (reductionFactor < 2) {
            throw new ConfigurationException("search.reduction-factor", reductionFactor, "an integer >= 2");
        }
        if (minResource < 1) {
            throw new ConfigurationException("search.min-resource", minResource, "an integer >= 1 (evaluations)");
        }
        if (startupTrials < 0) {
            throw new ConfigurationException("search.startup-trials", startupTrials, "an integer >= 0");
        }
        if (eiCandidates < 1) {
            throw new ConfigurationException("search.ei-candidates", eiCandidates, "an integer >= 1");
        }
    }

    /** The reference defaults. */
    public static SearchOptions defaults() {
        return fromConfig(ConfigFactory.defaultReference().getConfig(CONFIG_PATH));
    }

    /**
     * Reads the options from a {@code search} block (its other keys, such as {@code space}, are ignored here),
     * falling back to the reference defaults; a wrong value is a {@link ConfigurationException} naming
     * {@code search.<key>}.
     */
    public static SearchOptions fromConfig(Config search) {
        Config config = search.withFallback(ConfigFactory.defaultReference().getConfig(CONFIG_PATH));
        return new SearchOptions(
                choice(config, "sampler", Sampler.class),
                number(config, "seed").longValue(),
                integer(config, "parallel-trials"),
                choice(config, "pruner", Pruner.class),
                integer(config, "reduction-factor"),
                integer(config, "min-resource"),
                integer(config, "startup-trials"),
                integer(config, "ei-candidates"),
                bool(config, "resume"));
    }

    public SearchOptions withSampler(Sampler value) {
        return new SearchOptions(value, seed, parallelTrials, pruner, reductionFactor, minResource, startupTrials, eiCandidates, resume);
    }

    public SearchOptions withSeed(long value) {
        return new SearchOptions(sampler, value, parallelTrials, pruner, reductionFactor, minResource, startupTrials, eiCandidates, resume);
    }

    public SearchOptions withParallelTrials(int value) {
        return new SearchOptions(sampler, seed, value, pruner, reductionFactor, minResource, startupTrials, eiCandidates, resume);
    }

    public SearchOptions withPruner(Pruner value) {
        return new SearchOptions(sampler, seed, parallelTrials, value, reductionFactor, minResource, startupTrials, eiCandidates, resume);
    }

    public SearchOptions withAsha(int eta, int firstRung) {
        return new SearchOptions(sampler, seed, parallelTrials, Pruner.ASHA, eta, firstRung, startupTrials, eiCandidates, resume);
    }

    public SearchOptions withStartupTrials(int value) {
        return new SearchOptions(sampler, seed, parallelTrials, pruner, reductionFactor, minResource, value, eiCandidates, resume);
    }

    public SearchOptions withResume(boolean value) {
        return new SearchOptions(sampler, seed, parallelTrials, pruner, reductionFactor, minResource, startupTrials, eiCandidates, value);
    }

    private static <E extends Enum<E>> E choice(Config config, String key, Class<E> type) {
        String value = string(config, key);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(value.trim())) {
                return constant;
            }
        }
        StringBuilder names = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            names.append(names.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT));
        }
        throw new ConfigurationException("search." + key, value, "one of " + names);
    }

    private static String string(Config config, String key) {
        try {
            return config.getString(key);
        }
        catch (ConfigException e) {
            throw new ConfigurationException("search." + key, "search." + key + ": " + e.getMessage(), e);
        }
    }

    private static Number number(Config config, String key) {
        try {
            return config.getNumber(key);
        }
        catch (ConfigException e) {
            throw new ConfigurationException("search." + key, "search." + key + ": expected a number (" + e.getMessage() + ")", e);
        }
    }

    private static int integer(Config config, String key) {
        Number value = number(config, key);
        if (value.doubleValue() != Math.rint(value.doubleValue()) || Math.abs(value.doubleValue()) > Integer.MAX_VALUE) {
            throw new ConfigurationException("search." + key, value, "an integer");
        }
        return value.intValue();
    }

    private static boolean bool(Config config, String key) {
        try {
            return config.getBoolean(key);
        }
        catch (ConfigException e) {
            throw new ConfigurationException("search." + key, "search." + key + ": expected true or false (" + e.getMessage() + ")", e);
        }
    }
}
