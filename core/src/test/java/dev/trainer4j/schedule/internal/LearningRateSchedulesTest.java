package dev.trainer4j.schedule.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.LearningRateSchedule;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Every expected value below is worked out by hand from HF's formulas (hf-trainer.md §6.1); the comment next to
 * each shows the arithmetic. T is the total steps, W the warmup steps, t the number of updates taken.
 */
class LearningRateSchedulesTest {
    private static final double TOLERANCE = 1e-12;
    private static final double COS_QUARTER_PI = Math.sqrt(2) / 2; // cos(π/4) = 0.7071067811865476

    private static LearningRateSchedule schedule(String type, double learningRate, double warmupSteps, long totalSteps,
            Map<String, Object> kwargs) {
        TrainingArguments args = TrainingArguments.builder()
                .outputDir("out")
                .learningRate(learningRate)
                .lrSchedulerType(type)
                .lrSchedulerKwargs(kwargs)
                .warmupSteps(warmupSteps)
                .build();
        return LearningRateSchedules.create(args, totalSteps);
    }

    private static void assertRates(LearningRateSchedule schedule, long[] steps, double[] expected) {
        for (int i = 0; i < steps.length; i++) {
            assertThat(schedule.learningRate(steps[i])).as("learning rate at t=%d", steps[i])
                    .isCloseTo(expected[i], within(TOLERANCE));
        }
    }

    @Test
    void linearWarmsUpFromZeroThenDecaysToZero() {
        // T=10, W=2, lr=0.1: warmup t/2; then (10-t)/8
        LearningRateSchedule schedule = schedule("linear", 0.1, 2, 10, Map.of());
        assertRates(schedule, new long[] {0, 1, 2, 6, 9, 10, 12},
                new double[] {0.0, 0.05, 0.1, 0.05, 0.1 / 8, 0.0, 0.0});
    }

    @Test
    void warmupRatioIsResolvedAgainstTheTotalSteps() {
        // warmup-steps 0.25 of T=10 → W = ceil(2.5) = 3: t=1 → 1/3; t=3 → (10-3)/7 = 1
        LearningRateSchedule schedule = schedule("linear", 1.0, 0.25, 10, Map.of());
        assertRates(schedule, new long[] {1, 3, 10}, new double[] {1.0 / 3, 1.0, 0.0});
    }

    @Test
    void cosineFollowsAHalfWave() {
        // T=10, W=2, c=0.5: p=(t-2)/8; 0.5(1+cos(π p)); past T HF's wave rises again (p=1.5 → 0.5)
        LearningRateSchedule schedule = schedule("cosine", 0.1, 2, 10, Map.of());
        assertRates(schedule, new long[] {0, 1, 2, 4, 6, 10, 14},
                new double[] {0.0, 0.05, 0.1, 0.1 * 0.5 * (1 + COS_QUARTER_PI), 0.05, 0.0, 0.05});
    }

    @Test
    void cosineTakesNumCyclesInKebabCase() {
        // c=1: t=4 → p=0.25 → 0.5(1+cos(π/2)) = 0.5; t=10 → p=1 → 0.5(1+cos(2π)) = 1
        LearningRateSchedule schedule = schedule("cosine", 1.0, 2, 10, Map.of("num-cycles", 1));
        assertRates(schedule, new long[] {4, 6, 10}, new double[] {0.5, 0.0, 1.0});
    }

    @Test
    void cosineWithRestartsRestartsEachCycle() {
        // c=2: t=4 p=0.25 → (0.5 mod 1) → 0.5(1+cos(π/2)) = 0.5; t=6 p=0.5 → (1 mod 1)=0 → 1 (restart);
        // t=5 p=0.375 → (0.75 mod 1) → 0.5(1+cos(3π/4)) = 0.5(1-cos(π/4)); t=8 → 0.5; t=10 p=1 → 0
        LearningRateSchedule schedule = schedule("cosine_with_restarts", 1.0, 2, 10, Map.of("num_cycles", 2));
        assertRates(schedule, new long[] {1, 2, 4, 5, 6, 8, 10, 11},
                new double[] {0.5, 1.0, 0.5, 0.5 * (1 - COS_QUARTER_PI), 1.0, 0.5, 0.0, 0.0});
    }

    @Test
    void cosineWithRestartsDefaultsToOneCycle() {
        // c=1: t=4 p=0.25 → 0.5(1+cos(π/4)); t=6 p=0.5 → 0.5
        LearningRateSchedule schedule = schedule("cosine-with-restarts", 1.0, 2, 10, Map.of());
        assertRates(schedule, new long[] {4, 6}, new double[] {0.5 * (1 + COS_QUARTER_PI), 0.5});
    }

    @Test
    void polynomialDecaysToLrEnd() {
        // lr0=0.1, lr_end=0.01, power=2, T=10, W=2: ((0.09)(1-(t-2)/8)^2 + 0.01); t=6 → 0.09*0.25+0.01 = 0.0325
        LearningRateSchedule schedule = schedule("polynomial", 0.1, 2, 10, Map.of("lr_end", 0.01, "power", 2));
        assertRates(schedule, new long[] {0, 1, 2, 6, 10, 11, 100},
                new double[] {0.0, 0.05, 0.1, 0.0325, 0.01, 0.01, 0.01});
    }

    @Test
    void polynomialDefaultsAreLinearToOneTenthOfAMicro() {
        // lr_end=1e-7, power=1: t=6 → (0.1-1e-7)*0.5 + 1e-7 = 0.05000005
        LearningRateSchedule schedule = schedule("polynomial", 0.1, 2, 10, Map.of());
        assertRates(schedule, new long[] {6, 10}, new double[] {0.05000005, 1e-7});
    }

    @Test
    void polynomialRefusesALearningRateNotAboveLrEnd() {
        assertThatThrownBy(() -> schedule("polynomial", 1e-8, 0, 10, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("learning-rate (1.0E-8)")
                .hasMessageContaining("lr_end (1.0E-7)");
    }

    @Test
    void constantIgnoresWarmup() {
        LearningRateSchedule schedule = schedule("constant", 0.3, 4, 10, Map.of());
        assertRates(schedule, new long[] {0, 3, 10, 50}, new double[] {0.3, 0.3, 0.3, 0.3});
    }

    @Test
    void constantWithWarmup() {
        // W=4: t/4 then 1
        LearningRateSchedule schedule = schedule("constant_with_warmup", 2.0, 4, 10, Map.of());
        assertRates(schedule, new long[] {0, 1, 3, 4, 10, 100}, new double[] {0.0, 0.5, 1.5, 2.0, 2.0, 2.0});
    }

    @Test
    void inverseSqrtUsesTheWarmupAsTimescale() {
        // W=4, τ=4, shift 0: t=16 → 1/sqrt(16/4) = 0.5; t=36 → 1/3
        LearningRateSchedule schedule = schedule("inverse_sqrt", 1.0, 4, 10, Map.of());
        assertRates(schedule, new long[] {2, 4, 16, 36}, new double[] {0.5, 1.0, 0.5, 1.0 / 3});
    }

    @Test
    void inverseSqrtWithoutWarmupUsesTenThousand() {
        // W=0, τ=10000: t=30000 → 1/sqrt(40000/10000) = 0.5
        LearningRateSchedule schedule = schedule("inverse_sqrt", 1.0, 0, 10, Map.of());
        assertRates(schedule, new long[] {0, 30_000}, new double[] {1.0, 0.5});
        // τ=1: t=3 → 1/sqrt((3+1)/1) = 0.5
        LearningRateSchedule custom = schedule("inverse_sqrt", 1.0, 0, 10, Map.of("timescale", 1));
        assertRates(custom, new long[] {0, 3, 8}, new double[] {1.0, 0.5, 1.0 / 3});
    }

    @Test
    void cosineWithMinLrRate() {
        // m=0.1, T=10, W=2, lr=0.1: t=6 → 0.1 + 0.9*0.5 = 0.55 → 0.055; t=10 → 0.1 → 0.01
        LearningRateSchedule schedule = schedule("cosine_with_min_lr", 0.1, 2, 10, Map.of("min_lr_rate", 0.1));
        assertRates(schedule, new long[] {1, 2, 6, 10}, new double[] {0.05, 0.1, 0.055, 0.01});
    }

    @Test
    void cosineWithMinLrAbsolute() {
        // min_lr=0.02 on lr=0.1 → m=0.2: t=6 → 0.2 + 0.8*0.5 = 0.6 → 0.06; t=10 → 0.02
        LearningRateSchedule schedule = schedule("cosine_with_min_lr", 0.1, 2, 10, Map.of("min-lr", 0.02));
        assertRates(schedule, new long[] {6, 10}, new double[] {0.06, 0.02});
    }

    @Test
    void cosineWarmupWithMinLrStartsWarmupAtOneStepAndShiftsTheCosineByOne() {
        // HF's lambda, by hand: W=2, T=10, m=0.1, c=0.5, lr=0.1
        // t=0 → (0+1)/2 = 0.5 → 0.05; t=1 → 2/2 = 1 → 0.1
        // t=2 → p=(2-2+1)/8=0.125, cos(π·0.125)=0.92387953 → 0.5·1.92387953=0.96193977 → 0.1+0.9·0.96193977=0.96574579
        //       → 0.096574579
        // t=5 → p=0.5 → factor 0.5 → 0.55 → 0.055; t=9 → p=1 → 0.1 → 0.01
        LearningRateSchedule schedule = schedule("cosine_warmup_with_min_lr", 0.1, 2, 10, Map.of("min_lr_rate", 0.1));
        assertRates(schedule, new long[] {0, 1, 2, 5, 9}, new double[] {0.05, 0.1, 0.1 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.125))), 0.055, 0.01});
    }

    @Test
    void cosineWarmupWithMinLrFromAWarmupRate() {
        // warmup_lr_rate r=0.2, W=3: t=0 → 0.2; t=1 → 0.2+0.8·1/2 = 0.6; t=2 → 0.2+0.8·2/2 = 1.0; min_lr=0.05 on lr=1
        LearningRateSchedule schedule = schedule("cosine_warmup_with_min_lr", 1.0, 3, 10,
                Map.of("warmup_lr_rate", 0.2, "min_lr", 0.05));
        assertRates(schedule, new long[] {0, 1, 2}, new double[] {0.2, 0.6, 1.0});
        assertThatThrownBy(() -> schedule("cosine_warmup_with_min_lr", 0.1, 2, 10, Map.of("warmup_lr_rate", 0.2)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("min_lr");
    }

    @Test
    void cosineWithMinLrNeedsExactlyOneMinimum() {
        assertThatThrownBy(() -> schedule("cosine_with_min_lr", 0.1, 2, 10, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("min_lr")
                .hasMessageContaining("cosine_with_min_lr");
        assertThatThrownBy(() -> schedule("cosine_with_min_lr", 0.1, 2, 10, Map.of("min_lr", 0.01, "min_lr_rate", 0.1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("both set");
    }

    @Test
    void warmupStableDecayDefaults() {
        // T=20, W=4, D=8 → S = 20-4-8 = 8: warmup t/4, stable [4,12), cosine decay [12,20), then 0
        LearningRateSchedule schedule = schedule("warmup_stable_decay", 1.0, 4, 20, Map.of("num_decay_steps", 8));
        assertRates(schedule, new long[] {0, 2, 4, 11, 12, 14, 16, 19, 20, 25},
                new double[] {0.0, 0.5, 1.0, 1.0, 1.0, 0.5 * (1 + COS_QUARTER_PI), 0.5,
                        0.5 * (1 + Math.cos(Math.PI * 7 / 8)), 0.0, 0.0});
    }

    @Test
    void warmupStableDecayWithShapesAndFloor() {
        // r=0.1; cosine warmup: t=0 → 0*0.9+0.1 = 0.1; t=2 (progress 0.5) → 0.5*0.9+0.1 = 0.55
        // 1-sqrt decay: t=14 (p=0.25) → (1-0.5)*0.9+0.1 = 0.55; t=18 (p=0.75) → (1-sqrt(0.75))*0.9+0.1
        Map<String, Object> kwargs = Map.of("num_decay_steps", 8, "warmup_type", "cosine", "decay-type", "1-sqrt",
                "min_lr_ratio", 0.1);
        LearningRateSchedule schedule = schedule("warmup_stable_decay", 1.0, 4, 20, kwargs);
        assertRates(schedule, new long[] {0, 2, 8, 14, 18, 20, 30},
                new double[] {0.1, 0.55, 1.0, 0.55, (1 - Math.sqrt(0.75)) * 0.9 + 0.1, 0.1, 0.1});
    }

    @Test
    void warmupStableDecayOneMinusSqrtWarmupAndLinearDecay() {
        // 1-sqrt warmup t=2: 1-sqrt(0.5); linear decay t=14: 1-0.25 = 0.75
        Map<String, Object> kwargs = Map.of("num_decay_steps", 8, "warmup_type", "1-sqrt", "decay_type", "linear");
        LearningRateSchedule schedule = schedule("warmup_stable_decay", 1.0, 4, 20, kwargs);
        assertRates(schedule, new long[] {2, 14, 19}, new double[] {1 - Math.sqrt(0.5), 0.75, 0.125});
    }

    @Test
    void warmupStableDecayWithExplicitStableSteps() {
        // W=4, S=2, D=8: decay over [6,14), p=(t-6)/8; then min ratio 0
        Map<String, Object> kwargs = Map.of("num_decay_steps", 8, "num_stable_steps", 2);
        LearningRateSchedule schedule = schedule("warmup_stable_decay", 1.0, 4, 20, kwargs);
        assertRates(schedule, new long[] {5, 6, 10, 14, 15}, new double[] {1.0, 1.0, 0.5, 0.0, 0.0});
    }

    @Test
    void warmupStableDecayNeedsDecaySteps() {
        assertThatThrownBy(() -> schedule("warmup_stable_decay", 1.0, 4, 20, Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("num_decay_steps is required");
        assertThatThrownBy(() -> schedule("warmup_stable_decay", 1.0, 4, 10, Map.of("num_decay_steps", 8)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("exceed the total steps (10)");
        assertThatThrownBy(() -> schedule("warmup_stable_decay", 1.0, 4, 20, Map.of("num_decay_steps", 8, "decay_type", "exp")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("decay_type: 'exp'");
    }

    @Test
    void unknownKwargNamesTheKeyAndTheSchedule() {
        assertThatThrownBy(() -> schedule("linear", 0.1, 0, 10, Map.of("num_cycles", 1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("lr-scheduler-kwargs.num_cycles")
                .hasMessageContaining("lr-scheduler-type linear")
                .hasMessageContaining("none");
        assertThatThrownBy(() -> schedule("cosine", 0.1, 0, 10, Map.of("num_cycle", 1)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("num_cycle is not a setting of lr-scheduler-type cosine")
                .hasMessageContaining("[num_cycles]");
    }

    @Test
    void kwargGivenTwiceOrOfTheWrongTypeIsRefused() {
        Map<String, Object> twice = new LinkedHashMap<>();
        twice.put("num_cycles", 1);
        twice.put("num-cycles", 2);
        assertThatThrownBy(() -> schedule("cosine", 0.1, 0, 10, twice))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> schedule("cosine", 0.1, 0, 10, Map.of("num_cycles", "many")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("num_cycles: 'many'")
                .hasMessageContaining("expected a number");
    }

    @Test
    void everySchedulerTypeIsBuilt() {
        for (SchedulerType type : SchedulerType.values()) {
            Map<String, Object> kwargs = switch (type) {
                case COSINE_WITH_MIN_LR, COSINE_WARMUP_WITH_MIN_LR -> Map.of("min_lr_rate", 0.1);
                case WARMUP_STABLE_DECAY -> Map.of("num_decay_steps", 2);
                default -> Map.of();
            };
            TrainingArguments args = TrainingArguments.builder().outputDir("out").learningRate(0.1).lrSchedulerType(type)
                    .lrSchedulerKwargs(kwargs).evalStrategy(dev.trainer4j.api.IntervalStrategy.STEPS).build();
            assertThat(LearningRateSchedules.create(args, 10).learningRate(0)).as(type.configName()).isBetween(0.0, 0.1);
        }
    }
}
