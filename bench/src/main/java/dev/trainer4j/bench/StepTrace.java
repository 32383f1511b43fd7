package dev.trainer4j.bench;

import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfThreadChoice;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.MlpClassifier;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the trainer's fused step spends its time, per kernel type: compiles the trainer's engine for a bench model
 * (same arguments and thread choice as {@link EngineLoop}), opens a second session on its graph with the same
 * thread settings, times the step untraced, then runs it with {@code FULL_TRACE} and sums the step stats by op type.
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
            ConfigProto config = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads.intraOp())
                    .setInterOpParallelismThreads(threads.interOp()).build();
            try (Session session = new Session(engine.graph(), false, config);
                 TFloat32 features = TFloat32.tensorOf(Shape.of(batchSize, model.inputSize()),
                         DataBuffers.of(data.batchFeatures(0, batchSize), true, false));
                 TInt32 labels = TInt32.tensorOf(Shape.of(batchSize), DataBuffers.of(data.batchLabels(0, batchSize), true, false));
                 TFloat32 learningRate = TFloat32.scalarOf((float) BenchModel.LEARNING_RATE);
                 TInt64 randomKey = TInt64.vectorOf(BenchModel.SEED, 0, 0)) {
                session.initialize();
                // the engine's names: inputs under trainer4j/inputs, the fused step's target and finite flag under trainer4j/step
                Session.Runner runner = session.runner()
                        .feed("trainer4j/inputs/" + MlpClassifier.FEATURES, features)
                        .feed("trainer4j/inputs/" + MlpClassifier.LABELS, labels)
                        .feed("trainer4j/learning_rate", learningRate)
                        .feed("trainer4j/random_key", randomKey)
                        .addTarget("trainer4j/step/NoOp")
                        .fetch("trainer4j/step/finite");
                for (int i = 0; i < 100; i++) {
                    runner.run().close();
                }
                int untraced = 500;
                long start = System.nanoTime();
                for (int i = 0; i < untraced; i++) {
                    runner.run().close();
                }
                double stepMicros = (System.nanoTime() - start) / 1e3 / untraced;
                byOpType(runner, traced, String.format(Locale.ROOT, "%s, intra-op %d / inter-op %d: untraced step %.1f us",
                        model.configName(), threads.intraOp(), threads.interOp(), stepMicros));
            }
        }
    }

    /**
     * Runs {@code runner} {@code traced} times with {@code FULL_TRACE} and prints the node times per step summed by op
     * type, largest first, after {@code title}.
     */
    static void byOpType(Session.Runner runner, int traced, String title) {
        runner.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
        Map<String, double[]> byType = new HashMap<>();
        long nodes = 0;
        for (int i = 0; i < traced; i++) {
            RunMetadata metadata;
            try (Result result = runner.runAndFetchMetadata()) {
                metadata = result.getMetadata().orElseThrow();
            }
            for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
                for (NodeExecStats node : device.getNodeStatsList()) {
                    String label = node.getTimelineLabel();
                    String type = label.contains(" = ") ? label.substring(label.indexOf(" = ") + 3).replaceAll("\\(.*", "")
                            : node.getNodeName();
                    double[] sums = byType.computeIfAbsent(type, key -> new double[2]);
                    sums[0] += node.getAllEndRelMicros();
                    sums[1]++;
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
    }
}
