package dev.trainer4j.testing;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Records every event name in firing order ({@code onStepEnd}, ...), and the metrics and logs it was given. */
public final class RecordingCallback implements Callback {
    private final List<String> events = new ArrayList<>();
    private final List<Long> steps = new ArrayList<>();
    private final List<Map<String, Double>> evaluations = new ArrayList<>();
    private final List<Map<String, Object>> logs = new ArrayList<>();

    public List<String> events() {
        return events;
    }

    /** The global step at each recorded event. */
    public List<Long> steps() {
        return steps;
    }

    public List<Map<String, Double>> evaluations() {
        return evaluations;
    }

    public List<Map<String, Object>> logs() {
        return logs;
    }

    public void clear() {
        events.clear();
        steps.clear();
        evaluations.clear();
        logs.clear();
    }

    private void record(String event, TrainerState state) {
        events.add(event);
        steps.add(state.globalStep());
    }

    @Override public void onInitEnd(TrainingArguments a, TrainerState s, TrainerControl c) { record("onInitEnd", s); }
    @Override public void onTrainBegin(TrainingArguments a, TrainerState s, TrainerControl c) { record("onTrainBegin", s); }
    @Override public void onTrainEnd(TrainingArguments a, TrainerState s, TrainerControl c) { record("onTrainEnd", s); }
    @Override public void onEpochBegin(TrainingArguments a, TrainerState s, TrainerControl c) { record("onEpochBegin", s); }
    @Override public void onEpochEnd(TrainingArguments a, TrainerState s, TrainerControl c) { record("onEpochEnd", s); }
    @Override public void onStepBegin(TrainingArguments a, TrainerState s, TrainerControl c) { record("onStepBegin", s); }
    @Override public void onPreOptimizerStep(TrainingArguments a, TrainerState s, TrainerControl c) { record("onPreOptimizerStep", s); }
    @Override public void onOptimizerStep(TrainingArguments a, TrainerState s, TrainerControl c) { record("onOptimizerStep", s); }
    @Override public void onSubstepEnd(TrainingArguments a, TrainerState s, TrainerControl c) { record("onSubstepEnd", s); }
    @Override public void onStepEnd(TrainingArguments a, TrainerState s, TrainerControl c) { record("onStepEnd", s); }
    @Override public void onSave(TrainingArguments a, TrainerState s, TrainerControl c) { record("onSave", s); }
    @Override public void onPredictionStep(TrainingArguments a, TrainerState s, TrainerControl c) { record("onPredictionStep", s); }

    @Override
    public void onEvaluate(TrainingArguments a, TrainerState s, TrainerControl c, Map<String, Double> metrics) {
        record("onEvaluate", s);
        evaluations.add(metrics);
    }

    @Override
    public void onPredict(TrainingArguments a, TrainerState s, TrainerControl c, Map<String, Double> metrics) {
        record("onPredict", s);
    }

    @Override
    public void onLog(TrainingArguments a, TrainerState s, TrainerControl c, Map<String, Object> entry) {
        record("onLog", s);
        logs.add(entry);
    }
}
