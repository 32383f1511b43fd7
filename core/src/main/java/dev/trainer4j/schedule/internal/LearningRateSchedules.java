package dev.trainer4j.schedule.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.LearningRateSchedule;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.TrainingArguments;

import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Makes the learning-rate schedule named by {@code lr-scheduler-type}, with HF's formulas
 * ({@code transformers.optimization.get_scheduler}): every schedule but reduce-on-plateau is a multiplier λ(t) on
 * {@code learning-rate}, where t counts the optimizer updates already taken (λ(0) applies to the first update, so
 * with warmup the first update uses a learning rate of 0, as in HF).
 *
 * <p>W is {@link TrainingArguments#warmupSteps(long)}, T is {@code totalSteps}. Settings come from
 * {@code lr-scheduler-kwargs} in snake_case ({@code num_cycles}) or kebab-case ({@code num-cycles}); a key the
 * schedule does not take is an error naming the key and the schedule. Past T the formulas are HF's unchanged (e.g.
 * cosine rises again past T, linear stays at 0); the loop never asks for a step past T.
 */
public final class LearningRateSchedules {
    private static final Set<String> SHAPES = Set.of("linear", "cosine", "1-sqrt");

    private LearningRateSchedules() {
    }

    /** The schedule for a run of {@code totalSteps} optimizer steps. */
    public static LearningRateSchedule create(TrainingArguments args, long totalSteps) {
        requireNonNull(args, "args is null");
        if (totalSteps < 0) {
            throw new IllegalArgumentException("totalSteps is " + totalSteps + "; expected >= 0");
        }
        SchedulerType type = args.lrSchedulerType();
        Map<String, Object> kwargs = args.lrSchedulerKwargs();
        double base = args.learningRate();
        long warmup = args.warmupSteps(totalSteps);
        return switch (type) {
            case CONSTANT -> {
                SchedulerKwargs.of(type, kwargs, Set.of());
                yield new MultiplierSchedule(type, base, step -> 1.0);
            }
            case CONSTANT_WITH_WARMUP -> {
                SchedulerKwargs.of(type, kwargs, Set.of());
                yield new MultiplierSchedule(type, base, step -> step < warmup ? warmup(step, warmup) : 1.0);
            }
            case LINEAR -> {
                SchedulerKwargs.of(type, kwargs, Set.of());
                yield new MultiplierSchedule(type, base, step -> linear(step, warmup, totalSteps));
            }
            case COSINE -> {
                double cycles = SchedulerKwargs.of(type, kwargs, Set.of("num_cycles")).number("num_cycles", 0.5);
                yield new MultiplierSchedule(type, base, step -> cosine(step, warmup, totalSteps, cycles, 0.0));
            }
            case COSINE_WITH_RESTARTS -> {
                double cycles = SchedulerKwargs.of(type, kwargs, Set.of("num_cycles")).number("num_cycles", 1.0);
                yield new MultiplierSchedule(type, base, step -> cosineWithRestarts(step, warmup, totalSteps, cycles));
            }
            case POLYNOMIAL -> polynomial(type, SchedulerKwargs.of(type, kwargs, Set.of("lr_end", "power")), base, warmup, totalSteps);
            case INVERSE_SQRT -> {
                SchedulerKwargs settings = SchedulerKwargs.of(type, kwargs, Set.of("timescale"));
                double timescale = settings.number("timescale", warmup > 0 ? warmup : 10_000);
                if (!(timescale > 0) || Double.isInfinite(timescale)) {
                    throw settings.invalid("timescale", timescale, "a number > 0");
                }
                yield new MultiplierSchedule(type, base, step -> inverseSqrt(step, warmup, timescale));
            }
            case COSINE_WITH_MIN_LR -> cosineWithMinLr(type,
                    SchedulerKwargs.of(type, kwargs, Set.of("num_cycles", "min_lr", "min_lr_rate")), base, warmup, totalSteps);
            case WARMUP_STABLE_DECAY -> warmupStableDecay(type, SchedulerKwargs.of(type, kwargs,
                    Set.of("num_decay_steps", "num_stable_steps", "warmup_type", "decay_type", "min_lr_ratio", "num_cycles")),
                    base, warmup, totalSteps);
            case REDUCE_LR_ON_PLATEAU -> ReduceLrOnPlateauSchedule.fromKwargs(args);
            case COSINE_WARMUP_WITH_MIN_LR -> cosineWarmupWithMinLr(type, SchedulerKwargs.of(type, kwargs,
                    Set.of("num_cycles", "min_lr", "min_lr_rate", "warmup_lr_rate")), base, warmup, totalSteps);
        };
    }

    private static double warmup(long step, long warmup) {
        return (double) step / Math.max(1, warmup);
    }

    private static double linear(long step, long warmup, long total) {
        if (step < warmup) {
            return warmup(step, warmup);
        }
        return Math.max(0.0, (double) (total - step) / Math.max(1, total - warmup));
    }

    private static double progress(long step, long warmup, long total) {
        return (double) (step - warmup) / Math.max(1, total - warmup);
    }

    /** HF's cosine with {@code min_lr_rate} (0 for the plain cosine): m + (1 − m)·½(1 + cos(π·2c·p)), at least 0. */
    private static double cosine(long step, long warmup, long total, double cycles, double minRate) {
        if (step < warmup) {
            return warmup(step, warmup);
        }
        double factor = 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progress(step, warmup, total)));
        return Math.max(0.0, factor * (1 - minRate) + minRate);
    }

    private static double cosineWithRestarts(long step, long warmup, long total, double cycles) {
        if (step < warmup) {
            return warmup(step, warmup);
        }
        double progress = progress(step, warmup, total);
        if (progress >= 1.0) {
            return 0.0;
        }
        return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * pythonModulo(cycles * progress, 1.0))));
    }

    private static double pythonModulo(double value, double divisor) {
        double remainder = value % divisor;
        return remainder < 0 ? remainder + divisor : remainder;
    }

    private static double inverseSqrt(long step, long warmup, double timescale) {
        if (step < warmup) {
            return warmup(step, warmup);
        }
        double shift = timescale - warmup;
        return 1.0 / Math.sqrt((step + shift) / timescale);
    }

    private static LearningRateSchedule polynomial(SchedulerType type, SchedulerKwargs settings, double base, long warmup,
            long total) {
        double end = settings.number("lr_end", 1e-7);
        double power = settings.number("power", 1.0);
        if (!(base > end)) {
            throw new ConfigurationException("learning-rate", "lr-scheduler-type polynomial needs learning-rate (" + base
                    + ") to be greater than " + SchedulerKwargs.KEY + ".lr_end (" + end + ")");
        }
        long decaySteps = total - warmup;
        return new MultiplierSchedule(type, base, step -> {
            if (step < warmup) {
                return warmup(step, warmup);
            }
            if (step > total || decaySteps == 0) {
                return end / base;
            }
            double remaining = 1.0 - (double) (step - warmup) / decaySteps;
            return ((base - end) * Math.pow(remaining, power) + end) / base;
        });
    }

    private static LearningRateSchedule cosineWithMinLr(SchedulerType type, SchedulerKwargs settings, double base, long warmup,
            long total) {
        double cycles = settings.number("num_cycles", 0.5);
        double minRate = minRate(settings, base);
        return new MultiplierSchedule(type, base, step -> cosine(step, warmup, total, cycles, minRate));
    }

    /**
     * HF's {@code cosine_warmup_with_min_lr} ({@code get_cosine_with_min_lr_schedule_with_warmup_lr_rate}): during warmup
     * {@code (t+1)/max(1, W)}, or with {@code warmup_lr_rate} r {@code r + (1-r)·t/max(1, W-1)}; after it the cosine of
     * {@code cosine_with_min_lr} with the progress {@code p = (t-W+1)/max(1, T-W)}, so the last warmup step is not repeated.
     */
    private static LearningRateSchedule cosineWarmupWithMinLr(SchedulerType type, SchedulerKwargs settings, double base,
            long warmup, long total) {
        double cycles = settings.number("num_cycles", 0.5);
        double minRate = minRate(settings, base);
        boolean hasWarmupRate = settings.has("warmup_lr_rate");
        double warmupRate = settings.number("warmup_lr_rate", 0);
        if (hasWarmupRate && !(warmupRate >= 0 && warmupRate <= 1)) {
            throw settings.invalid("warmup_lr_rate", warmupRate, "a number in [0, 1]");
        }
        return new MultiplierSchedule(type, base, step -> {
            if (step < warmup) {
                return hasWarmupRate
                        ? warmupRate + (1.0 - warmupRate) * step / Math.max(1, warmup - 1)
                        : (step + 1.0) / Math.max(1, warmup);
            }
            double progress = (step - warmup + 1.0) / Math.max(1, total - warmup);
            double factor = 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progress));
            return Math.max(0.0, factor * (1 - minRate) + minRate);
        });
    }

    /** {@code min_lr} (absolute) or {@code min_lr_rate} (of learning-rate), exactly one of them, as a rate. */
    private static double minRate(SchedulerKwargs settings, double base) {
        boolean hasMinLr = settings.has("min_lr");
        boolean hasMinRate = settings.has("min_lr_rate");
        if (hasMinLr && hasMinRate) {
            throw settings.invalid("min_lr and min_lr_rate are both set; set only one");
        }
        if (!hasMinLr && !hasMinRate) {
            throw settings.invalid("set min_lr (an absolute learning rate) or min_lr_rate (a ratio of learning-rate)");
        }
        double minRate;
        if (hasMinLr) {
            double minLr = settings.number("min_lr", 0);
            if (!(base > 0)) {
                throw settings.invalid("min_lr needs learning-rate > 0 (it is " + base + "); use min_lr_rate");
            }
            minRate = minLr / base;
        }
        else {
            minRate = settings.number("min_lr_rate", 0);
        }
        if (!(minRate >= 0) || Double.isInfinite(minRate)) {
            throw settings.invalid(hasMinLr ? "min_lr" : "min_lr_rate", hasMinLr ? settings.number("min_lr", 0) : minRate,
                    "a number >= 0");
        }
        return minRate;
    }

    private static LearningRateSchedule warmupStableDecay(SchedulerType type, SchedulerKwargs settings, double base,
            long warmup, long total) {
        long decay = settings.optionalInteger("num_decay_steps")
                .orElseThrow(() -> settings.invalid("num_decay_steps is required (the number of decay steps)"));
        if (decay < 0) {
            throw settings.invalid("num_decay_steps", decay, "an integer >= 0");
        }
        long stable;
        if (settings.has("num_stable_steps")) {
            stable = settings.optionalInteger("num_stable_steps").orElseThrow();
            if (stable < 0) {
                throw settings.invalid("num_stable_steps", stable, "an integer >= 0");
            }
        }
        else {
            stable = total - warmup - decay;
            if (stable < 0) {
                throw settings.invalid("warmup steps (" + warmup + ") + num_decay_steps (" + decay
                        + ") exceed the total steps (" + total + "); lower them or set num_stable_steps");
            }
        }
        String warmupType = settings.string("warmup_type", "linear", SHAPES);
        String decayType = settings.string("decay_type", "cosine", SHAPES);
        double minRatio = settings.number("min_lr_ratio", 0.0);
        if (!(minRatio >= 0 && minRatio <= 1)) {
            throw settings.invalid("min_lr_ratio", minRatio, "a number in [0, 1]");
        }
        double cycles = settings.number("num_cycles", 0.5);
        return new MultiplierSchedule(type, base, step -> {
            if (step < warmup) {
                double progress = (double) step / Math.max(1, warmup);
                double factor = switch (warmupType) {
                    case "linear" -> progress;
                    case "cosine" -> 0.5 * (1.0 - Math.cos(Math.PI * progress));
                    default -> 1.0 - Math.sqrt(1.0 - progress);
                };
                return Math.max(0.0, factor * (1.0 - minRatio) + minRatio);
            }
            if (step < warmup + stable) {
                return 1.0;
            }
            if (step < warmup + stable + decay) {
                double progress = (double) (step - warmup - stable) / Math.max(1, decay);
                double factor = switch (decayType) {
                    case "linear" -> 1.0 - progress;
                    case "cosine" -> 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progress));
                    default -> 1.0 - Math.sqrt(progress);
                };
                return Math.max(0.0, factor * (1.0 - minRatio) + minRatio);
            }
            return minRatio;
        });
    }

    /** λ(t): the multiplier on the base learning rate after {@code step} updates. */
    @FunctionalInterface
    interface Multiplier {
        double at(long step);
    }

    /** A schedule that is {@code base · λ(t)}; stateless, so nothing to save on checkpoint. */
    record MultiplierSchedule(SchedulerType type, double base, Multiplier multiplier) implements LearningRateSchedule {
        @Override
        public double learningRate(long step) {
            if (step < 0) {
                throw new IllegalArgumentException("step is " + step + "; expected >= 0");
            }
            return base * multiplier.at(step);
        }

        @Override
        public String toString() {
            return "LearningRateSchedule[" + type.configName() + ", learning-rate=" + base + "]";
        }
    }
}
