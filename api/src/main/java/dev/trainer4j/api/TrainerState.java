package dev.trainer4j.api;


import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The progress of a run, serialised as HF's {@code trainer_state.json} (snake_case fields, sorted keys).
 * The loop owns and updates it; callbacks read it.
 */
public final class TrainerState {
    private double epoch;
    private long globalStep;
    private long maxSteps;
    private long loggingSteps = 500;
    private long evalSteps = 500;
    private long saveSteps = 500;
    private Integer trainBatchSize;
    private long numTrainEpochs;
    private long numInputTokensSeen;
    private double totalFlos;
    private List<Map<String, Object>> logHistory = new ArrayList<>();
    private Double bestMetric;
    private Long bestGlobalStep;
    private String bestModelCheckpoint;
    private boolean isLocalProcessZero = true;
    private boolean isWorldProcessZero = true;
    private boolean isHyperParamSearch;
    private String trialName;
    private Map<String, Object> trialParams;
    private Map<String, Object> statefulCallbacks = new LinkedHashMap<>();
    /** trainer4j: optimizer steps skipped because their loss or gradient was not finite. */
    private long numNonFiniteSteps;
    /** HF's {@code device_map} as the backend resolved it: model variable to device; empty unless model parallel. */
    private Map<String, String> deviceMap = new LinkedHashMap<>();

    public double epoch() { return epoch; }
    public long globalStep() { return globalStep; }
    public long maxSteps() { return maxSteps; }
    public long loggingSteps() { return loggingSteps; }
    public long evalSteps() { return evalSteps; }
    public long saveSteps() { return saveSteps; }
    public Integer trainBatchSize() { return trainBatchSize; }
    public long numTrainEpochs() { return numTrainEpochs; }
    public long numInputTokensSeen() { return numInputTokensSeen; }
    public double totalFlos() { return totalFlos; }
    /** Every log dict of the run, each with its {@code step}; mutable by the loop only. */
    public List<Map<String, Object>> logHistory() { return logHistory; }
    public Double bestMetric() { return bestMetric; }
    public Long bestGlobalStep() { return bestGlobalStep; }
    public String bestModelCheckpoint() { return bestModelCheckpoint; }
    public boolean isWorldProcessZero() { return isWorldProcessZero; }
    public boolean isLocalProcessZero() { return isLocalProcessZero; }
    public Map<String, Object> statefulCallbacks() { return statefulCallbacks; }
    public long numNonFiniteSteps() { return numNonFiniteSteps; }
    /** Each model variable's device when the model is split over devices ({@code device_map}); empty otherwise. */
    public Map<String, String> deviceMap() { return java.util.Collections.unmodifiableMap(deviceMap); }

    public void setEpoch(double epoch) { this.epoch = epoch; }
    public void setGlobalStep(long globalStep) { this.globalStep = globalStep; }
    public void setMaxSteps(long maxSteps) { this.maxSteps = maxSteps; }
    public void setLoggingSteps(long loggingSteps) { this.loggingSteps = loggingSteps; }
    public void setEvalSteps(long evalSteps) { this.evalSteps = evalSteps; }
    public void setSaveSteps(long saveSteps) { this.saveSteps = saveSteps; }
    public void setTrainBatchSize(Integer trainBatchSize) { this.trainBatchSize = trainBatchSize; }
    public void setNumTrainEpochs(long numTrainEpochs) { this.numTrainEpochs = numTrainEpochs; }
    public void setNumInputTokensSeen(long numInputTokensSeen) { this.numInputTokensSeen = numInputTokensSeen; }
    public void setTotalFlos(double totalFlos) { this.totalFlos = totalFlos; }
    public void setBestMetric(Double bestMetric) { this.bestMetric = bestMetric; }
    public void setBestGlobalStep(Long bestGlobalStep) { this.bestGlobalStep = bestGlobalStep; }
    public void setBestModelCheckpoint(String bestModelCheckpoint) { this.bestModelCheckpoint = bestModelCheckpoint; }
    public void setNumNonFiniteSteps(long numNonFiniteSteps) { this.numNonFiniteSteps = numNonFiniteSteps; }
    public void setDeviceMap(Map<String, String> deviceMap) {
        this.deviceMap = new LinkedHashMap<>(java.util.Objects.requireNonNull(deviceMap, "deviceMap is null"));
    }

    /**
     * The state as HF's {@code trainer_state.json} object: every field under its snake_case name (maps and lists
     * are copies). The runtime writes it with sorted keys and an indent of 2, as HF's {@code save_to_json} does.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("best_global_step", bestGlobalStep);
        map.put("best_metric", bestMetric);
        map.put("best_model_checkpoint", bestModelCheckpoint);
        map.put("device_map", new LinkedHashMap<>(deviceMap));
        map.put("epoch", epoch);
        map.put("eval_steps", evalSteps);
        map.put("global_step", globalStep);
        map.put("is_hyper_param_search", isHyperParamSearch);
        map.put("is_local_process_zero", isLocalProcessZero);
        map.put("is_world_process_zero", isWorldProcessZero);
        map.put("log_history", copyOfLogHistory(logHistory));
        map.put("logging_steps", loggingSteps);
        map.put("max_steps", maxSteps);
        map.put("num_input_tokens_seen", numInputTokensSeen);
        map.put("num_non_finite_steps", numNonFiniteSteps);
        map.put("num_train_epochs", numTrainEpochs);
        map.put("save_steps", saveSteps);
        map.put("stateful_callbacks", new LinkedHashMap<>(statefulCallbacks));
        map.put("total_flos", totalFlos);
        map.put("train_batch_size", trainBatchSize);
        map.put("trial_name", trialName);
        map.put("trial_params", trialParams == null ? null : new LinkedHashMap<>(trialParams));
        return map;
    }

    /**
     * The state read back from a {@code trainer_state.json} object as {@link #toMap()} writes it; unknown keys are
     * ignored and missing ones keep their defaults, as HF's {@code load_from_json} does.
     *
     * @throws IllegalArgumentException when a known key holds a value of the wrong type; the message names the key
     */
    public static TrainerState fromMap(Map<String, ?> map) {
        TrainerState state = new TrainerState();
        Field field = new Field(map);
        state.bestGlobalStep = field.optionalLong("best_global_step", state.bestGlobalStep);
        state.bestMetric = field.optionalDouble("best_metric", state.bestMetric);
        state.bestModelCheckpoint = field.optionalString("best_model_checkpoint", state.bestModelCheckpoint);
        state.deviceMap = new LinkedHashMap<>();
        field.map("device_map").forEach((variable, device) -> {
            if (!(device instanceof String name)) {
                throw Field.wrongType("device_map." + variable, device, "a device name");
            }
            state.deviceMap.put(variable, name);
        });
        state.epoch = field.optionalDouble("epoch", state.epoch);
        state.evalSteps = field.optionalLong("eval_steps", state.evalSteps);
        state.globalStep = field.optionalLong("global_step", state.globalStep);
        state.isHyperParamSearch = field.optionalBoolean("is_hyper_param_search", state.isHyperParamSearch);
        state.isLocalProcessZero = field.optionalBoolean("is_local_process_zero", state.isLocalProcessZero);
        state.isWorldProcessZero = field.optionalBoolean("is_world_process_zero", state.isWorldProcessZero);
        state.logHistory = copyOfLogHistory(field.list("log_history"));
        state.loggingSteps = field.optionalLong("logging_steps", state.loggingSteps);
        state.maxSteps = field.optionalLong("max_steps", state.maxSteps);
        state.numInputTokensSeen = field.optionalLong("num_input_tokens_seen", state.numInputTokensSeen);
        state.numNonFiniteSteps = field.optionalLong("num_non_finite_steps", state.numNonFiniteSteps);
        state.numTrainEpochs = field.optionalLong("num_train_epochs", state.numTrainEpochs);
        state.saveSteps = field.optionalLong("save_steps", state.saveSteps);
        state.statefulCallbacks = new LinkedHashMap<>(field.map("stateful_callbacks"));
        state.totalFlos = field.optionalDouble("total_flos", state.totalFlos);
        Long batchSize = field.optionalLong("train_batch_size", null);
        state.trainBatchSize = batchSize == null ? null : Math.toIntExact(batchSize);
        state.trialName = field.optionalString("trial_name", state.trialName);
        state.trialParams = map.get("trial_params") == null ? null : new LinkedHashMap<>(field.map("trial_params"));
        return state;
    }

    private static List<Map<String, Object>> copyOfLogHistory(List<?> entries) {
        List<Map<String, Object>> copy = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("log_history: every entry must be an object, found " + entry);
            }
            Map<String, Object> copied = new LinkedHashMap<>();
            map.forEach((key, value) -> copied.put(String.valueOf(key), value));
            copy.add(copied);
        }
        return copy;
    }

    /** Typed reads of one {@code trainer_state.json} object, each error naming the key. */
    private record Field(Map<String, ?> map) {
        Long optionalLong(String key, Long otherwise) {
            Object value = map.get(key);
            if (value == null) {
                return otherwise;
            }
            if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
                return number.longValue();
            }
            throw wrongType(key, value, "an integer");
        }

        Double optionalDouble(String key, Double otherwise) {
            Object value = map.get(key);
            if (value == null) {
                return otherwise;
            }
            if (value instanceof Number number) {
                return number.doubleValue();
            }
            throw wrongType(key, value, "a number");
        }

        boolean optionalBoolean(String key, boolean otherwise) {
            Object value = map.get(key);
            if (value == null) {
                return otherwise;
            }
            if (value instanceof Boolean bool) {
                return bool;
            }
            throw wrongType(key, value, "true or false");
        }

        String optionalString(String key, String otherwise) {
            Object value = map.get(key);
            if (value == null) {
                return otherwise;
            }
            if (value instanceof String text) {
                return text;
            }
            throw wrongType(key, value, "a string");
        }

        List<?> list(String key) {
            Object value = map.get(key);
            if (value == null) {
                return List.of();
            }
            if (value instanceof List<?> list) {
                return list;
            }
            throw wrongType(key, value, "a list");
        }

        Map<String, Object> map(String key) {
            Object value = map.get(key);
            Map<String, Object> copy = new LinkedHashMap<>();
            if (value == null) {
                return copy;
            }
            if (value instanceof Map<?, ?> entries) {
                entries.forEach((name, entry) -> copy.put(String.valueOf(name), entry));
                return copy;
            }
            throw wrongType(key, value, "an object");
        }

        private static IllegalArgumentException wrongType(String key, Object value, String expected) {
            return new IllegalArgumentException("trainer_state.json: " + key + " is " + value + "; expected " + expected);
        }
    }
}
