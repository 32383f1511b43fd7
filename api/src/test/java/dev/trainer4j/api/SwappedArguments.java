package dev.trainer4j.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.util.Optional;

/**
 * A deliberately broken settings class built with the same mechanism as {@link TrainingArguments}: the declarations
 * behind {@link #loggingFirstStep()} and {@link #evalOnStart()} carry each other's key, and
 * {@link #dataloaderPrefetchFactor()} hard-codes a default that reference.conf does not have. Every value still
 * parses and validates, which is why only a mapping check can see these mistakes.
 */
final class SwappedArguments {
    /** The reference block of this fixture: the keys of the real one that it declares, with the same defaults. */
    static final Config REFERENCE = ConfigFactory.parseString("""
            learning-rate = 5e-5
            logging-first-step = false
            eval-on-start = false
            dataloader-prefetch-factor = null
            """);

    private static final ArgumentTable.Registry DECLARED = new ArgumentTable.Registry();

    static final Argument<Double> LEARNING_RATE = DECLARED.add(Argument.number("learning-rate"));
    static final Argument<Boolean> LOGGING_FIRST_STEP = DECLARED.add(Argument.bool("eval-on-start"));
    static final Argument<Boolean> EVAL_ON_START = DECLARED.add(Argument.bool("logging-first-step"));
    static final Argument<Integer> DATALOADER_PREFETCH_FACTOR = DECLARED.add(Argument.integer("dataloader-prefetch-factor").orNull());

    private static final ArgumentTable TABLE = DECLARED.build();

    private final ArgumentTable.Values values;

    private SwappedArguments(ArgumentTable.Values values) {
        this.values = values;
    }

    static SwappedArguments fromConfig(Config overrides) {
        return new SwappedArguments(TABLE.read(overrides.withFallback(REFERENCE)));
    }

    static Optional<Argument<?>> argument(String key) {
        return TABLE.argument(key);
    }

    public double learningRate() {
        return values.get(LEARNING_RATE);
    }

    public boolean loggingFirstStep() {
        return values.get(LOGGING_FIRST_STEP);
    }

    public boolean evalOnStart() {
        return values.get(EVAL_ON_START);
    }

    public int dataloaderPrefetchFactor() {
        Integer factor = values.get(DATALOADER_PREFETCH_FACTOR);
        return factor != null ? factor : 2;
    }
}
