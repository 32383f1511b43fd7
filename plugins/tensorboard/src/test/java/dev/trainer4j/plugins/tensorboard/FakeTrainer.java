package dev.trainer4j.plugins.tensorboard;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.GradientSnapshot;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.SearchDirection;
import dev.trainer4j.api.SearchObjective;
import dev.trainer4j.api.SearchOptions;
import dev.trainer4j.api.SearchResult;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.WeightMapping;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** A trainer that only has a model, weights and gradients (what the TensorBoard callback reads); the rest is not needed. */
record FakeTrainer(Model model, Supplier<Map<String, float[]>> weights, Supplier<Optional<GradientSnapshot>> gradients)
        implements Trainer {

    /** Without gradients. */
    FakeTrainer(Model model, Supplier<Map<String, float[]>> weights) {
        this(model, weights, Optional::empty);
    }

    @Override
    public Map<String, float[]> modelWeights() {
        return weights.get();
    }

    @Override
    public Optional<GradientSnapshot> lastGradients() {
        return gradients.get();
    }

    @Override
    public TrainingArguments args() {
        throw unused();
    }

    /** A spec of the model built in code (no run-file model block). */
    @Override
    public TrainerSpec spec() {
        return TrainerSpec.builder().args(TrainingArguments.builder().outputDir("unused").build()).model(model).build();
    }

    @Override
    public List<String> labelNames() {
        throw unused();
    }

    @Override
    public TrainOutput train() {
        throw unused();
    }

    @Override
    public TrainOutput train(String resumeFromCheckpoint) {
        throw unused();
    }

    @Override
    public void stop() {
        throw unused();
    }

    @Override
    public Map<String, Double> evaluate() {
        throw unused();
    }

    @Override
    public Map<String, Double> evaluate(Dataset dataset, String metricKeyPrefix) {
        throw unused();
    }

    @Override
    public PredictionOutput predict(Dataset dataset) {
        throw unused();
    }

    @Override
    public void saveModel(Path directory) {
        throw unused();
    }

    @Override
    public void exportModel(Path directory) {
        throw unused();
    }

    @Override
    public void loadModel(Path modelOrCheckpointDirectory) {
        throw unused();
    }

    @Override
    public WeightMapping.Report initializeFrom(Path source, WeightMapping mapping) {
        throw unused();
    }

    @Override
    public DataLoader getTrainDataLoader() {
        throw unused();
    }

    @Override
    public DataLoader getEvalDataLoader(Dataset dataset) {
        throw unused();
    }

    @Override
    public DataLoader getTestDataLoader(Dataset dataset) {
        throw unused();
    }

    @Override
    public TrainerState state() {
        throw unused();
    }

    @Override
    public void addCallback(Callback callback) {
        throw unused();
    }

    @Override
    public void removeCallback(Callback callback) {
        throw unused();
    }

    @Override
    public List<Callback> callbacks() {
        throw unused();
    }

    @Override
    public void log(Map<String, Double> logs) {
        throw unused();
    }

    @Override
    public SearchResult hyperparameterSearch(SearchSpace space, SearchObjective objective, int trials,
                                             SearchDirection direction, SearchOptions options) {
        throw new UnsupportedOperationException("not used by the TensorBoard tests");
    }

    @Override
    public void close() {
    }

    private static UnsupportedOperationException unused() {
        return new UnsupportedOperationException("not used by the TensorBoard callback");
    }
}
