package dev.trainer4j.schedule.internal;

import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.LearningRateSchedule;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ReduceLrOnPlateauScheduleTest {

    private static LearningRateSchedule plateau(Map<String, Object> kwargs, String metric) {
        TrainingArguments.Builder builder = TrainingArguments.builder()
                .outputDir("out")
                .learningRate(1.0)
                .lrSchedulerType("reduce_lr_on_plateau")
                .lrSchedulerKwargs(kwargs)
                .warmupSteps(5)
                .evalStrategy(IntervalStrategy.STEPS);
        if (metric != null) {
            builder.metricForBestModel(metric);
        }
        return LearningRateSchedules.create(builder.build(), 100);
    }

    /** Feeds the metrics and returns the learning rate after each evaluation. */
    private static double[] feed(LearningRateSchedule schedule, double... metrics) {
        double[] rates = new double[metrics.length];
        for (int i = 0; i < metrics.length; i++) {
            schedule.onEvaluate(metrics[i]);
            rates[i] = schedule.learningRate(i * 10L);
        }
        return rates;
    }

    @Test
    void torchDefaultsWithoutWarmup() {
        ReduceLrOnPlateauSchedule schedule = (ReduceLrOnPlateauSchedule) plateau(Map.of(), null);
        assertThat(schedule.settings()).isEqualTo(new ReduceLrOnPlateauSchedule.Settings("min", 0.1, 10, 1e-4, "rel", 0, 0.0, 1e-8));
        // no warmup even though warmup-steps is 5
        assertThat(schedule.learningRate(0)).isEqualTo(1.0);
    }

    @Test
    void reducesAfterMoreThanPatienceBadEvaluations() {
        // patience 1, factor 0.5, min mode, rel threshold 1e-4: 0.99995 is not < 1*(1-1e-4) = 0.9999, so it is bad
        LearningRateSchedule schedule = plateau(Map.of("patience", 1, "factor", 0.5), null);
        double[] rates = feed(schedule, 1.0, 0.99995, 1.0, 0.5, 0.6, 0.7, 0.7);
        // e1 best=1; e2 bad=1; e3 bad=2>1 → 0.5; e4 better; e5 bad=1; e6 bad=2 → 0.25; e7 bad=1
        assertThat(rates).containsExactly(new double[] {1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25}, within(1e-15));
    }

    @Test
    void cooldownIgnoresBadEvaluations() {
        LearningRateSchedule schedule = plateau(Map.of("patience", 0, "factor", 0.5, "cooldown", 1), null);
        // e1 best; e2 bad → 0.5, cooldown 1; e3 bad but in cooldown → counter reset; e4 bad → 0.25
        assertThat(feed(schedule, 1.0, 2.0, 2.0, 2.0)).containsExactly(1.0, 0.5, 0.5, 0.25);
    }

    @Test
    void stopsAtMinLr() {
        LearningRateSchedule schedule = plateau(Map.of("patience", 0, "min-lr", 0.05), null);
        // factor 0.1: 1 → 0.1 → max(0.01, 0.05) = 0.05 → stays
        assertThat(feed(schedule, 1.0, 2.0, 2.0, 2.0)).containsExactly(new double[] {1.0, 0.1, 0.05, 0.05}, within(1e-15));
    }

    @Test
    void absoluteThresholdInMaxMode() {
        LearningRateSchedule schedule = plateau(Map.of("patience", 0, "factor", 0.5, "mode", "max",
                "threshold_mode", "abs", "threshold", 0.1), null);
        // e1 0.5 best; e2 0.55 not > 0.6 → bad → 0.5; e3 0.7 > 0.6 → better; e4 0.75 not > 0.8 → 0.25
        assertThat(feed(schedule, 0.5, 0.55, 0.7, 0.75)).containsExactly(1.0, 0.5, 0.5, 0.25);
    }

    @Test
    void modeFollowsGreaterIsBetterUnlessGiven() {
        assertThat(((ReduceLrOnPlateauSchedule) plateau(Map.of(), "accuracy")).settings().mode()).isEqualTo("max");
        assertThat(((ReduceLrOnPlateauSchedule) plateau(Map.of(), "loss")).settings().mode()).isEqualTo("min");
        assertThat(((ReduceLrOnPlateauSchedule) plateau(Map.of("mode", "min"), "accuracy")).settings().mode()).isEqualTo("min");
    }

    @Test
    void stateRoundTripContinuesTheSameSequence() {
        Map<String, Object> kwargs = Map.of("patience", 1, "factor", 0.5, "cooldown", 1);
        LearningRateSchedule original = plateau(kwargs, null);
        feed(original, 1.0, 1.0, 1.0);          // reduced to 0.5, cooldown 1
        Map<String, Object> saved = new HashMap<>(original.exportState());
        assertThat(saved).containsEntry("learning_rate", 0.5).containsEntry("best", 1.0)
                .containsEntry("cooldown_counter", 1L).containsEntry("num_bad_epochs", 0L).containsEntry("last_epoch", 3L);

        LearningRateSchedule resumed = plateau(kwargs, null);
        resumed.importState(saved);
        double[] continued = feed(original, 1.0, 1.0, 1.0, 0.1, 0.2, 0.3);
        double[] fromResume = feed(resumed, 1.0, 1.0, 1.0, 0.1, 0.2, 0.3);
        assertThat(fromResume).containsExactly(continued);
        // cooldown eats e4; e5 bad=1; e6 bad=2 → 0.25, cooldown 1; e7 better (cooldown ends); e8 bad=1; e9 bad=2 → 0.125
        assertThat(continued).containsExactly(0.5, 0.5, 0.25, 0.25, 0.25, 0.125);
    }

    @Test
    void stateBeforeAnyEvaluationHasNoBestAndImportsBack() {
        LearningRateSchedule schedule = plateau(Map.of("patience", 0), null);
        Map<String, Object> state = schedule.exportState();
        assertThat(state.get("best")).isNull();
        LearningRateSchedule resumed = plateau(Map.of("patience", 0), null);
        resumed.importState(state);
        // the first metric is still an improvement over "nothing seen yet"
        resumed.onEvaluate(5.0);
        assertThat(resumed.learningRate(0)).isEqualTo(1.0);
    }

    @Test
    void refusesUnknownAndInvalidKwargs() {
        assertThatThrownBy(() -> plateau(Map.of("verbose", true), null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("verbose is not a setting of lr-scheduler-type reduce_lr_on_plateau");
        assertThatThrownBy(() -> plateau(Map.of("factor", 1.5), null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("factor: 1.5");
        assertThatThrownBy(() -> plateau(Map.of("patience", 2.5), null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("patience: 2.5")
                .hasMessageContaining("an integer");
    }
}
