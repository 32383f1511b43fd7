package dev.trainer4j.loop;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.ComputeMetrics;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.TrainingEngine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * One pass over evaluation or prediction batches (HF's {@code evaluation_loop}): the item-weighted loss, the spec's
 * metrics and {@code compute-metrics}, throughput, and optionally every prediction concatenated in order.
 */
final class EvaluationLoop {
    private final LoopContext context;
    private final TrainerHooks hooks;
    private final TrainingEngine engine;

    public EvaluationLoop(LoopContext context, TrainerHooks hooks, TrainingEngine engine) {
        this.context = requireNonNull(context, "context is null");
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.engine = requireNonNull(engine, "engine is null");
    }

    /**
     * The metrics (keys prefixed {@code <prefix>_}), and the predictions and label ids when they were kept:
     * concatenated, or per batch with {@code eval-do-concat-batches = false}.
     */
    public record Result(Map<String, Double> metrics, Map<String, HostTensor> predictions, Optional<HostTensor> labelIds,
                         List<Map<String, HostTensor>> predictionBatches, List<HostTensor> labelIdBatches) {
    }

    public Result run(DataLoader loader, String prefix, boolean keepPredictions) {
        return run(loader, prefix, keepPredictions, Set.of());
    }

    /**
     * One pass. {@code prediction-loss-only} fetches no predictions and computes no metric; {@code include-for-metrics}
     * adds the inputs and the per-row loss to each {@link EvalPrediction}; {@code batch-eval-metrics} calls
     * {@link ComputeMetrics#computeBatch} per batch instead of keeping every prediction for {@code compute}.
     *
     * @param ignoreKeys model outputs left out of the predictions and metrics (HF's {@code ignore_keys})
     */
    public Result run(DataLoader loader, String prefix, boolean keepPredictions, Set<String> ignoreKeys) {
        long start = System.nanoTime();
        TrainingArguments args = context.args();
        boolean lossOnly = args.predictionLossOnly();
        // ---- issue 17: seq2seq: predict-with-generate (HF's Seq2SeqTrainer) ----
        GeneratedRows generation = args.predictWithGenerate() && !lossOnly
                ? new GeneratedRows(engine, args, dev.trainer4j.api.GenerationConfig.empty(), context.spec().tokenizer())
                : null;
        List<Metric> metrics = lossOnly ? List.of() : context.spec().metrics();
        metrics.forEach(Metric::reset);
        Optional<ComputeMetrics> computeMetrics = lossOnly ? Optional.empty() : context.spec().computeMetrics();
        boolean batchMetrics = args.batchEvalMetrics() && computeMetrics.isPresent();
        boolean keep = !lossOnly && (keepPredictions || (computeMetrics.isPresent() && !batchMetrics));
        boolean needPredictions = keep || !metrics.isEmpty() || computeMetrics.isPresent();
        boolean includeInputs = args.includeForMetrics().contains("inputs");
        boolean includeLoss = args.includeForMetrics().contains("loss");
        boolean concatenate = args.evalDoConcatBatches();
        List<EvalPrediction> batchPredictions = new ArrayList<>();
        double lossSum = 0;
        double itemCount = 0;
        boolean anyLoss = false;
        long batchCount = 0;
        long sampleCount = 0;
        Boolean labelled = null;
        Map<String, Double> batchResult = Map.of();
        Map<String, List<HostTensor>> predictionParts = new LinkedHashMap<>();
        Map<String, List<HostTensor>> labelParts = new LinkedHashMap<>();
        Map<String, List<HostTensor>> inputParts = new LinkedHashMap<>();
        List<HostTensor> lossParts = new ArrayList<>();
        List<String> predictedTextParts = new ArrayList<>();
        List<String> labelTextParts = new ArrayList<>();
        try (BatchIterator batches = loader.iterator(0, 0)) {
            while (batches.hasNext()) {
                Batch batch;
                try {
                    batch = hooks.prepareBatch(batches.next(), false);
                }
                catch (DataException e) {
                    throw new DataException("the " + prefix + " dataset, batch " + batchCount + " (0-based): "
                            + e.getMessage(), e);
                }
                // with generation the loss still comes from the teacher-forced pass; the predictions are generated
                EvalBatchOutput output = engine.evaluate(batch, needPredictions && generation == null);
                if (output.hasLoss()) {
                    lossSum += output.lossSum();
                    itemCount += output.itemCount();
                    anyLoss = true;
                }
                Map<String, HostTensor> labels = new LinkedHashMap<>();
                for (String label : hooks.labelNames()) {
                    batch.find(label).ifPresent(tensor -> labels.put(label, tensor));
                }
                labelled = checkLabelled(labelled, labels, batchCount);
                List<String> predictedTexts = List.of();
                List<String> labelTexts = List.of();
                if (generation != null) {
                    int first = generation.rows().size();
                    HostTensor generated = generation.generate(batch, batchCount);
                    List<int[]> batchRows = generation.rows().subList(first, generation.rows().size());
                    output = new EvalBatchOutput(output.lossSum(), output.itemCount(), output.hasLoss(),
                            Map.of(GeneratedRows.GENERATED_IDS, generated));
                    predictedTexts = generation.texts(batchRows);
                    labelTexts = predictedTexts.isEmpty() || !labels.containsKey("labels") ? List.of()
                            : generation.labelTexts(labels.get("labels"));
                    predictedTextParts.addAll(predictedTexts);
                    labelTextParts.addAll(labelTexts);
                }
                if (needPredictions || generation != null) {
                    Map<String, HostTensor> outputs = new LinkedHashMap<>(output.predictions());
                    outputs.keySet().removeAll(ignoreKeys);
                    Map<String, HostTensor> inputs = new LinkedHashMap<>();
                    if (includeInputs) {
                        batch.tensors().forEach((name, tensor) -> {
                            if (!labels.containsKey(name)) {
                                inputs.put(name, tensor);
                            }
                        });
                    }
                    Optional<HostTensor> losses = Optional.empty();
                    if (includeLoss && output.hasLoss() && output.itemCount() > 0) {
                        double[] perRow = new double[batch.size()];
                        java.util.Arrays.fill(perRow, output.lossSum() / output.itemCount());
                        losses = Optional.of(HostTensor.ofDoubles(perRow, batch.size()));
                    }
                    EvalPrediction prediction = new EvalPrediction(outputs, labels, predictedTexts, labelTexts, inputs,
                            losses);
                    if (labelled) {
                        for (Metric metric : metrics) {
                            metric.update(prediction);
                        }
                        if (batchMetrics) {
                            batchResult = computeMetrics.get().computeBatch(prediction, !batches.hasNext());
                        }
                    }
                    if (keep && !concatenate) {
                        batchPredictions.add(prediction);
                    }
                    else if (keep) {
                        outputs.forEach((name, tensor) -> predictionParts.computeIfAbsent(name, n -> new ArrayList<>()).add(tensor));
                        labels.forEach((name, tensor) -> labelParts.computeIfAbsent(name, n -> new ArrayList<>()).add(tensor));
                        inputs.forEach((name, tensor) -> inputParts.computeIfAbsent(name, n -> new ArrayList<>()).add(tensor));
                        losses.ifPresent(lossParts::add);
                    }
                }
                batchCount++;
                sampleCount += batch.size();
                context.callbacks().onPredictionStep(context.state(), context.control());
            }
        }
        Map<String, HostTensor> predictions = !concatenate ? Map.of() : generation != null
                ? Map.of(GeneratedRows.GENERATED_IDS, generation.all()) : concatenateAll(predictionParts);
        Map<String, HostTensor> labels = concatenateAll(labelParts);
        Map<String, Double> result = new LinkedHashMap<>();
        if (anyLoss && itemCount > 0) {
            result.put(prefix + "_loss", lossSum / itemCount);
        }
        // as HF: without labels there are predictions and no metrics
        if (!Boolean.FALSE.equals(labelled)) {
            if (batchMetrics) {
                putPrefixed(result, prefix, batchResult);
            }
            else if (computeMetrics.isPresent() && !concatenate && !batchPredictions.isEmpty()) {
                // eval-do-concat-batches = false: compute-metrics sees the set per batch (HF's nested lists)
                putPrefixed(result, prefix, computeMetrics.get().compute(EvalPrediction.ofBatches(batchPredictions)));
            }
            else if (computeMetrics.isPresent() && !predictions.isEmpty()) {
                Optional<HostTensor> losses = lossParts.isEmpty() ? Optional.empty()
                        : Optional.of(HostTensors.concatenate("loss", lossParts));
                putPrefixed(result, prefix, computeMetrics.get().compute(new EvalPrediction(predictions, labels,
                        predictedTextParts, labelTextParts.size() == predictedTextParts.size() ? labelTextParts : List.of(),
                        concatenateAll(inputParts), losses)));
            }
            for (Metric metric : metrics) {
                putPrefixed(result, prefix, metric.compute());
            }
        }
        double runtime = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
        result.put(prefix + "_runtime", runtime);
        result.put(prefix + "_samples_per_second", sampleCount / runtime);
        result.put(prefix + "_steps_per_second", batchCount / runtime);
        Optional<HostTensor> labelIds = labels.containsKey("labels") ? Optional.of(labels.get("labels"))
                : labels.size() == 1 ? Optional.of(labels.values().iterator().next()) : Optional.empty();
        List<Map<String, HostTensor>> predictionBatches = new ArrayList<>();
        List<HostTensor> labelIdBatches = new ArrayList<>();
        for (EvalPrediction batch : batchPredictions) {
            predictionBatches.add(batch.predictions());
            batch.labelIds().ifPresent(labelIdBatches::add);
        }
        return new Result(result, predictions, labelIds, predictionBatches, labelIdBatches);
    }

    /**
     * Whether the data has labels, decided by its first batch: all of the label names, or (with label names) none.
     * A batch that differs from the first, or that has some label names and not others, is a {@link DataException}.
     */
    private Boolean checkLabelled(Boolean sofar, Map<String, HostTensor> labels, long batchIndex) {
        List<String> names = hooks.labelNames();
        // a run without label names (e.g. an embedding model) has no labels to score, as HF without labels
        boolean all = !names.isEmpty() && labels.size() == names.size();
        if (!all && !labels.isEmpty()) {
            throw new DataException("batch " + batchIndex + " has the labels " + labels.keySet() + " but not "
                    + names.stream().filter(name -> !labels.containsKey(name)).toList() + "; give every label or none");
        }
        if (sofar != null && sofar != all) {
            throw new DataException("batch " + batchIndex + (all ? " has labels but the batches before it have none"
                    : " has no labels but the batches before it have " + names) + "; label every row or none");
        }
        return all;
    }

    static Map<String, HostTensor> concatenateAll(Map<String, List<HostTensor>> parts) {
        Map<String, HostTensor> result = new LinkedHashMap<>();
        parts.forEach((name, list) -> result.put(name, HostTensors.concatenate(name, list)));
        return result;
    }

    static void putPrefixed(Map<String, Double> target, String prefix, Map<String, Double> values) {
        values.forEach((key, value) -> target.put(key.startsWith(prefix + "_") ? key : prefix + "_" + key, value));
    }
}
