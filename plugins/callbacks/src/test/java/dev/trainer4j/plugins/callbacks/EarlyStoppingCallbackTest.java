package dev.trainer4j.plugins.callbacks;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.loop.Checkpoints;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EarlyStoppingCallbackTest {

    private static TrainingArguments args(String metric) {
        return TestArguments.builder("out").metricForBestModel(metric).evalStrategy(IntervalStrategy.STEPS).build();
    }

    /**
     * Plays evaluations as the loop does: the callback sees the previous best, then the loop updates the best
     * (HF's {@code _determine_best_metric}: strictly better, no threshold). Returns the 1-based evaluation at which
     * training was asked to stop, or -1.
     */
    private static int stopsAt(EarlyStoppingCallback callback, TrainingArguments args, TrainerState state, double... values) {
        String metric = args.metricForBestModel().orElseThrow();
        TrainerControl control = new TrainerControl();
        callback.onTrainBegin(args, state, control);
        for (int i = 0; i < values.length; i++) {
            String key = metric.startsWith("eval_") ? metric : "eval_" + metric;
            callback.onEvaluate(args, state, control, Map.of(key, values[i]));
            Double best = state.bestMetric();
            if (best == null || (args.greaterIsBetter() ? values[i] > best : values[i] < best)) {
                state.setBestMetric(values[i]);
            }
            if (control.shouldTrainingStop()) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void greaterIsBetterStopsAfterPatienceEvaluationsWithoutImprovement() {
        EarlyStoppingCallback callback = new EarlyStoppingCallback(new EarlyStoppingSettings(2, 0.0));
        // 0.5 first; 0.6 better; 0.6 equal → 1; 0.55 worse → 2 = patience
        assertThat(stopsAt(callback, args("accuracy"), new TrainerState(), 0.5, 0.6, 0.6, 0.55, 0.7)).isEqualTo(4);
    }

    @Test
    void anImprovementResetsTheCounter() {
        EarlyStoppingCallback callback = new EarlyStoppingCallback(new EarlyStoppingSettings(2, 0.0));
        // 0.5; 0.4 → 1; 0.6 → 0; 0.5 → 1; 0.5 → 2
        assertThat(stopsAt(callback, args("accuracy"), new TrainerState(), 0.5, 0.4, 0.6, 0.5, 0.5, 0.9)).isEqualTo(5);
    }

    @Test
    void lowerIsBetterWithThreshold() {
        EarlyStoppingCallback callback = new EarlyStoppingCallback(new EarlyStoppingSettings(1, 0.05));
        // loss: 1.0; 0.9 (better by 0.1 > 0.05) → 0; 0.88 better by only 0.02 → 1 = patience
        assertThat(stopsAt(callback, args("loss"), new TrainerState(), 1.0, 0.9, 0.88, 0.5)).isEqualTo(3);
    }

    @Test
    void thresholdIsStrict() {
        EarlyStoppingCallback callback = new EarlyStoppingCallback(new EarlyStoppingSettings(1, 0.25));
        // |0.75 - 1.0| = 0.25 is not > 0.25 (binary-exact values), so no improvement → stop at the second evaluation
        assertThat(stopsAt(callback, args("eval_loss"), new TrainerState(), 1.0, 0.75)).isEqualTo(2);
    }

    @Test
    void neverStopsWhileImproving() {
        EarlyStoppingCallback callback = new EarlyStoppingCallback(new EarlyStoppingSettings(1, 0.0));
        assertThat(stopsAt(callback, args("loss"), new TrainerState(), 1.0, 0.9, 0.8, 0.7)).isEqualTo(-1);
        assertThat(callback.patienceCounter()).isZero();
    }

    @Test
    void missingMetricDoesNothing() {
        EarlyStoppingCallback callback = new EarlyStoppingCallback(new EarlyStoppingSettings(1, 0.0));
        TrainerState state = new TrainerState();
        state.setBestMetric(0.9);
        TrainerControl control = new TrainerControl();
        callback.onEvaluate(args("accuracy"), state, control, Map.of("eval_loss", 0.1));
        assertThat(control.shouldTrainingStop()).isFalse();
        assertThat(callback.patienceCounter()).isZero();
    }

    @Test
    void trainBeginNeedsAMetricAndAnEvalStrategy() {
        EarlyStoppingCallback callback = new EarlyStoppingCallback(new EarlyStoppingSettings(1, 0.0));
        TrainingArguments noMetric = TestArguments.builder("out").evalStrategy(IntervalStrategy.STEPS).build();
        assertThatThrownBy(() -> callback.onTrainBegin(noMetric, new TrainerState(), new TrainerControl()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("metric-for-best-model");
        TrainingArguments noEval = TestArguments.builder("out").metricForBestModel("accuracy").build();
        assertThatThrownBy(() -> callback.onTrainBegin(noEval, new TrainerState(), new TrainerControl()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("eval-strategy");
    }

    @Test
    void counterSurvivesACheckpointRoundTrip(@TempDir Path dir) throws IOException {
        TrainingArguments args = args("accuracy");
        EarlyStoppingCallback before = new EarlyStoppingCallback(new EarlyStoppingSettings(2, 0.0));
        TrainerState state = new TrainerState();
        assertThat(stopsAt(before, args, state, 0.8, 0.7)).isEqualTo(-1);
        assertThat(before.patienceCounter()).isEqualTo(1);

        state.statefulCallbacks().put(before.stateKey(), before.exportState());
        Path file = dir.resolve(Checkpoints.TRAINER_STATE);
        Checkpoints.writeTrainerState(file, state);
        assertThat(Files.readString(file)).contains("\"early_stopping_patience_counter\" : 1");
        TrainerState restored = Checkpoints.readTrainerState(file);

        EarlyStoppingCallback after = new EarlyStoppingCallback(new EarlyStoppingSettings(2, 0.0));
        @SuppressWarnings("unchecked")
        Map<String, Object> saved = (Map<String, Object>) restored.statefulCallbacks().get("EarlyStoppingCallback");
        after.importState(saved);
        assertThat(after.patienceCounter()).isEqualTo(1);
        // one more evaluation without improvement reaches the patience of 2
        assertThat(stopsAt(after, args, restored, 0.75)).isEqualTo(1);
    }

    @Test
    void exportsTheAttributesOfHfLayout() {
        EarlyStoppingCallback callback = new EarlyStoppingCallback(new EarlyStoppingSettings(3, 0.01));
        assertThat(callback.stateKey()).isEqualTo("EarlyStoppingCallback");
        assertThat(callback.exportState()).isEqualTo(Map.of("early_stopping_patience_counter", 0));
    }

    @Test
    void settingsAcceptShortAliasesAndRefuseBadValues() {
        assertThat(EarlyStoppingSettings.fromConfig(ConfigFactory.parseString("patience = 3, early-stopping-threshold = 0.1")))
                .isEqualTo(new EarlyStoppingSettings(3, 0.1));
        assertThatThrownBy(() -> EarlyStoppingSettings.fromConfig(ConfigFactory.parseString(
                "early-stopping-patience = 0, early-stopping-threshold = 0")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("early-stopping.early-stopping-patience: 0");
        assertThatThrownBy(() -> EarlyStoppingSettings.fromConfig(ConfigFactory.parseString(
                "early-stopping-patience = 1, early-stopping-threshold = 0, patient = 2")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no setting 'patient'");
    }
}
