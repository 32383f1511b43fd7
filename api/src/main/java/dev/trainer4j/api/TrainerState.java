package dev.trainer4j.api;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The progress of a run, serialised as HF's {@code trainer_state.json} (snake_case fields, sorted keys).
 * The loop owns and updates it; callbacks read it.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE, setterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public final class TrainerState {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .configure(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true);

    @JsonProperty("epoch")
    private double epoch;
    @JsonProperty("global_step")
    private long globalStep;
    @JsonProperty("max_steps")
    private long maxSteps;
    @JsonProperty("logging_steps")
    private long loggingSteps = 500;
    @JsonProperty("eval_steps")
    private long evalSteps = 500;
    @JsonProperty("save_steps")
    private long saveSteps = 500;
    @JsonProperty("train_batch_size")
    private Integer trainBatchSize;
    @JsonProperty("num_train_epochs")
    private long numTrainEpochs;
    @JsonProperty("num_input_tokens_seen")
    private long numInputTokensSeen;
    @JsonProperty("total_flos")
    private double totalFlos;
    @JsonProperty("log_history")
    private List<Map<String, Object>> logHistory = new ArrayList<>();
    @JsonProperty("best_metric")
    private Double bestMetric;
    @JsonProperty("best_global_step")
    private Long bestGlobalStep;
    @JsonProperty("best_model_checkpoint")
    private String bestModelCheckpoint;
    @JsonProperty("is_local_process_zero")
    private boolean isLocalProcessZero = true;
    @JsonProperty("is_world_process_zero")
    private boolean isWorldProcessZero = true;
    @JsonProperty("is_hyper_param_search")
    private boolean isHyperParamSearch;
    @JsonProperty("trial_name")
    private String trialName;
    @JsonProperty("trial_params")
    private Map<String, Object> trialParams;
    @JsonProperty("stateful_callbacks")
    private Map<String, Object> statefulCallbacks = new LinkedHashMap<>();
    /** trainer4j: optimizer steps skipped because their loss or gradient was not finite. */
    @JsonProperty("num_non_finite_steps")
    private long numNonFiniteSteps;

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

    /** HF's {@code save_to_json}: sorted keys, indent 2. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void saveToJson(Path path) {
        try {
            JSON.writeValue(path.toFile(), this);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write trainer state to " + path, e);
        }
    }

    public static TrainerState fromJson(String json) {
        try {
            return JSON.readValue(json, TrainerState.class);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("not a valid trainer_state.json: " + e.getMessage(), e);
        }
    }

    public static TrainerState loadFromJson(Path path) {
        try {
            return JSON.readValue(path.toFile(), TrainerState.class);
        }
        catch (IOException e) {
            throw new IllegalArgumentException(path + " is not a valid trainer_state.json: " + e.getMessage(), e);
        }
    }
}
