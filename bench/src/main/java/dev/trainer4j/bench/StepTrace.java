package dev.trainer4j.bench;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfThreadChoice;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.MlpClassifier;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the trainer's fused step spends its time, per kernel type: compiles the trainer's engine for a bench model
 * (same arguments and thread choice as {@link EngineLoop}), times its step untraced, then runs it with
 * {@code FULL_TRACE} ({@link TfTrainingEngine#traceStep}) and sums the step stats by op type.
 * Tracing adds a few microseconds to every node, so read the node sums as shares, the untraced time as the truth.
 * Usage: {@code <mlp-small|mlp-large> [<steps traced>]}.
 */
public final class StepTrace {
    private StepTrace() {
    }

    public static void main(String[] commandLine) throws IOException {
        BenchModel model = BenchModel.fromName(commandLine[0]);
        int traced = commandLine.length > 1 ? Integer.parseInt(commandLine[1]) : 50;
        int batchSize = model.batchSize();
        GaussianBlobs data = GaussianBlobs.generate(BenchModel.SAMPLES, model.inputSize(), model.numLabels(), BenchModel.SEED);
        TrainingArguments args = model.trainingArguments(Files.createTempDirectory("trainer4j-bench-trace").toString())
                .build();
        MlpClassifier mlp = model.classifier();
        try (TfTrainingEngine engine = new TfBackend().compile(mlp, args, new EngineOptions(List.of(MlpClassifier.LABELS), -1))) {
            TfThreadChoice threads = engine.threadSettings();
            Batch batch = new Batch(Map.of(
                    MlpClassifier.FEATURES, HostTensor.ofFloats(data.batchFeatures(0, batchSize), batchSize, model.inputSize()),
                    MlpClassifier.LABELS, HostTensor.ofInts(data.batchLabels(0, batchSize), batchSize)));
            int[] step = {0};
            for (int i = 0; i < 100; i++) {
                engine.step(batch, context(step[0]++));
            }
            int untraced = 500;
            long start = System.nanoTime();
            for (int i = 0; i < untraced; i++) {
                engine.step(batch, context(step[0]++));
            }
            double stepMicros = (System.nanoTime() - start) / 1e3 / untraced;
            byOpType(() -> engine.traceStep(batch, context(step[0]++)), traced, String.format(Locale.ROOT,
                    "%s, intra-op %d / inter-op %d: untraced step %.1f us", model.configName(), threads.intraOp(),
                    threads.interOp(), stepMicros));
        }
    }

    /** The step context of a bench step: the bench's seed and learning rate, no accumulation. */
    static StepContext context(int step) {
        return new StepContext(step, 0, 1, BenchModel.LEARNING_RATE, BenchModel.SEED);
    }

    /**
     * Runs {@code runner} {@code traced} times with {@code FULL_TRACE} and prints the node times per step summed by op
     * type, largest first, after {@code title}.
     */
    static void byOpType(Session.Runner runner, int traced, String title) {
        runner.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
        byOpType(() -> {
            try (Result result = runner.runAndFetchMetadata()) {
                return result.getMetadata().orElseThrow();
            }
        }, traced, title);
    }

    /** As above, for {@code traced} runs that each return their {@code FULL_TRACE} metadata. */
    static void byOpType(java.util.function.Supplier<RunMetadata> tracedRun, int traced, String title) {
        Map<String, double[]> byType = new HashMap<>();
        Map<String, double[]> byNode = new HashMap<>();
        long nodes = 0;
        for (int i = 0; i < traced; i++) {
            RunMetadata metadata = tracedRun.get();
            for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
                for (NodeExecStats node : device.getNodeStatsList()) {
                    String label = node.getTimelineLabel();
                    String type = label.contains(" = ") ? label.substring(label.indexOf(" = ") + 3).replaceAll("\\(.*", "")
                            : node.getNodeName();
                    double[] sums = byType.computeIfAbsent(type, key -> new double[2]);
                    sums[0] += node.getAllEndRelMicros();
                    sums[1]++;
                    double[] nodeSums = byNode.computeIfAbsent(node.getNodeName() + " " + type, key -> new double[2]);
                    nodeSums[0] += node.getAllEndRelMicros();
                    nodeSums[1]++;
                    nodes++;
                }
            }
        }
        double total = byType.values().stream().mapToDouble(sums -> sums[0]).sum() / traced;
        System.out.printf(Locale.ROOT, "%s; traced: %d nodes per step, node times sum to %.1f us per step%n", title,
                nodes / traced, total);
        byType.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(entry -> System.out.printf(Locale.ROOT, "  %-32s %3d per step %8.1f us %5.1f%%%n", entry.getKey(),
                        Math.round(entry.getValue()[1] / traced), entry.getValue()[0] / traced,
                        100 * entry.getValue()[0] / traced / total));
        int top = Integer.getInteger("trace.top", 0);
        byNode.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).limit(top)
                .forEach(entry -> System.out.printf(Locale.ROOT, "  node %-100s %8.1f us%n", entry.getKey(),
                        entry.getValue()[0] / traced));
    }
}
