package dev.trainer4j.schedule.internal;

import dev.trainer4j.api.LearningRateSchedule;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.TrainingArguments;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * torch's {@code ReduceLROnPlateau}: the learning rate stays put between evaluations; after each evaluation
 * ({@link #onEvaluate(double)} with {@code eval_<metric-for-best-model>}) it is multiplied by {@code factor} once
 * the metric has not improved for more than {@code patience} evaluations. No warmup, as in HF.
 *
 * <p>Not thread-safe: the training loop calls it from one thread.
 */
public final class ReduceLrOnPlateauSchedule implements LearningRateSchedule {
    static final Set<String> KWARGS = Set.of("mode", "factor", "patience", "threshold", "threshold_mode", "cooldown",
            "min_lr", "eps");

    private final Settings settings;
    private double learningRate;
    private double best;
    private long badEvaluations;
    private long cooldownCounter;
    private long evaluations;

    /** torch's settings; {@code mode} is {@code min} or {@code max}, {@code thresholdMode} is {@code rel} or {@code abs}. */
    public record Settings(String mode, double factor, long patience, double threshold, String thresholdMode,
            long cooldown, double minLr, double eps) {
        public Settings {
            requireNonNull(mode, "mode is null");
            requireNonNull(thresholdMode, "thresholdMode is null");
            if (!mode.equals("min") && !mode.equals("max")) {
                throw new IllegalArgumentException("mode is '" + mode + "'; expected 'min' or 'max'");
            }
            if (!thresholdMode.equals("rel") && !thresholdMode.equals("abs")) {
                throw new IllegalArgumentException("threshold_mode is '" + thresholdMode + "'; expected 'rel' or 'abs'");
            }
            if (!(factor < 1.0 && factor >= 0)) {
                throw new IllegalArgumentException("factor is " + factor + "; expected a number in [0, 1)");
            }
            if (patience < 0 || cooldown < 0) {
                throw new IllegalArgumentException("patience (" + patience + ") and cooldown (" + cooldown + ") must be >= 0");
            }
            if (!(minLr >= 0) || !(eps >= 0) || !(threshold >= 0)) {
                throw new IllegalArgumentException("min_lr (" + minLr + "), eps (" + eps + ") and threshold (" + threshold
                        + ") must be >= 0");
            }
        }
    }

    public ReduceLrOnPlateauSchedule(double learningRate, Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.learningRate = learningRate;
        this.best = worst();
    }

    /**
     * Reads torch's keyword arguments from {@code lr-scheduler-kwargs}. torch's defaults, except that when
     * {@code mode} is not given it follows {@code greater-is-better} ({@code max} when true): HF always passes
     * torch's {@code min}, which silently treats a rising accuracy as a plateau. With the default metric
     * ({@code loss}) both agree.
     */
    static ReduceLrOnPlateauSchedule fromKwargs(TrainingArguments args) {
        SchedulerKwargs kwargs = SchedulerKwargs.of(SchedulerType.REDUCE_LR_ON_PLATEAU, args.lrSchedulerKwargs(), KWARGS);
        String mode = kwargs.string("mode", args.greaterIsBetter() ? "max" : "min", Set.of("min", "max"));
        String thresholdMode = kwargs.string("threshold_mode", "rel", Set.of("rel", "abs"));
        double factor = kwargs.number("factor", 0.1);
        if (!(factor >= 0 && factor < 1.0)) {
            throw kwargs.invalid("factor", factor, "a number in [0, 1)");
        }
        long patience = kwargs.optionalInteger("patience").orElse(10L);
        if (patience < 0) {
            throw kwargs.invalid("patience", patience, "an integer >= 0");
        }
        long cooldown = kwargs.optionalInteger("cooldown").orElse(0L);
        if (cooldown < 0) {
            throw kwargs.invalid("cooldown", cooldown, "an integer >= 0");
        }
        double threshold = nonNegative(kwargs, "threshold", 1e-4);
        double minLr = nonNegative(kwargs, "min_lr", 0.0);
        double eps = nonNegative(kwargs, "eps", 1e-8);
        return new ReduceLrOnPlateauSchedule(args.learningRate(),
                new Settings(mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps));
    }

    private static double nonNegative(SchedulerKwargs kwargs, String key, double defaultValue) {
        double value = kwargs.number(key, defaultValue);
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw kwargs.invalid(key, value, "a number >= 0");
        }
        return value;
    }

    public Settings settings() {
        return settings;
    }

    /** The current learning rate; the step does not matter. */
    @Override
    public double learningRate(long step) {
        return learningRate;
    }

    /** torch's {@code step(metrics)}. */
    @Override
    public void onEvaluate(double metric) {
        evaluations++;
        if (isBetter(metric)) {
            best = metric;
            badEvaluations = 0;
        }
        else {
            badEvaluations++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            badEvaluations = 0;
        }
        if (badEvaluations > settings.patience()) {
            double reduced = Math.max(learningRate * settings.factor(), settings.minLr());
            if (learningRate - reduced > settings.eps()) {
                learningRate = reduced;
            }
            cooldownCounter = settings.cooldown();
            badEvaluations = 0;
        }
    }

    private boolean isBetter(double metric) {
        boolean min = settings.mode().equals("min");
        boolean relative = settings.thresholdMode().equals("rel");
        double threshold = settings.threshold();
        if (min) {
            return relative ? metric < best * (1.0 - threshold) : metric < best - threshold;
        }
        return relative ? metric > best * (threshold + 1.0) : metric > best + threshold;
    }

    private double worst() {
        return settings.mode().equals("min") ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /** The learning rate, best value (null while none was seen), counters: JSON-safe. */
    @Override
    public Map<String, Object> exportState() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("learning_rate", learningRate);
        state.put("best", Double.isInfinite(best) ? null : best);
        state.put("num_bad_epochs", badEvaluations);
        state.put("cooldown_counter", cooldownCounter);
        state.put("last_epoch", evaluations);
        return state;
    }

    @Override
    public void importState(Map<String, Object> state) {
        requireNonNull(state, "state is null");
        learningRate = number(state, "learning_rate").doubleValue();
        Object bestValue = state.get("best");
        best = bestValue == null ? worst() : number(state, "best").doubleValue();
        badEvaluations = number(state, "num_bad_epochs").longValue();
        cooldownCounter = number(state, "cooldown_counter").longValue();
        evaluations = number(state, "last_epoch").longValue();
    }

    private static Number number(Map<String, Object> state, String key) {
        Object value = state.get(key);
        if (value instanceof Number number) {
            return number;
        }
        throw new IllegalArgumentException("reduce_lr_on_plateau state: " + key + " is " + value + "; expected a number");
    }

    @Override
    public String toString() {
        return "ReduceLrOnPlateauSchedule[" + settings + ", learning-rate=" + learningRate + "]";
    }
}
