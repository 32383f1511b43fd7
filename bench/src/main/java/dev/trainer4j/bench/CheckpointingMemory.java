package dev.trainer4j.bench;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfThreadChoice;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.Pooling;
import dev.trainer4j.tf.models.TransformerClassifier;
import dev.trainer4j.tf.models.TransformerClassifierSettings;
import org.tensorflow.proto.AllocationRecord;
import org.tensorflow.proto.AllocatorMemoryUsed;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The memory and time of one training step of transformer-classifier with and without {@code gradient-checkpointing}:
 * compiles the trainer's engine, opens a second session on its graph with the engine's thread settings, times the
 * fused step untraced, then runs it with {@code FULL_TRACE} and reads the step stats of each device:
 * <ul>
 *   <li>the allocator's level: the largest {@code allocator_bytes_in_use} any node reports (weights and optimizer
 *       state included);</li>
 *   <li>the step's live peak: the largest running sum of the {@code allocation_records} of all nodes in time order
 *       (what the step allocates and frees: activations, gradients, temporaries);</li>
 *   <li>the largest {@code peak_bytes} of one node.</li>
 * </ul>
 * Usage: {@code [<layers> [<length> [<batch> [<hidden>]]]]}, defaults 4 layers, length 256, batch 8, hidden 256.
 */
public final class CheckpointingMemory {
    private CheckpointingMemory() {
    }

    public static void main(String[] commandLine) throws IOException {
        int layers = commandLine.length > 0 ? Integer.parseInt(commandLine[0]) : 4;
        int length = commandLine.length > 1 ? Integer.parseInt(commandLine[1]) : 256;
        int batch = commandLine.length > 2 ? Integer.parseInt(commandLine[2]) : 8;
        int hidden = commandLine.length > 3 ? Integer.parseInt(commandLine[3]) : 256;
        System.out.printf(Locale.ROOT, "transformer-classifier: %d layers, length %d, batch %d, hidden %d, 4 heads,"
                + " intermediate %d, dropout 0.1, AdamW%n", layers, length, batch, hidden, 4 * hidden);
        for (boolean checkpointing : new boolean[] {false, true, false, true}) {
            measure(layers, length, batch, hidden, checkpointing);
        }
    }

    private static void measure(int layers, int length, int batch, int hidden, boolean checkpointing) throws IOException {
        TransformerClassifier model = new TransformerClassifier(new TransformerClassifierSettings(1000, hidden, layers,
                4, 4 * hidden, length, 0.1, 1e-5, Pooling.MEAN, 2));
        TrainingArguments args = TrainingArguments.builder()
                .outputDir(Files.createTempDirectory("trainer4j-bench-checkpointing").toString())
                .seed(7).optim(OptimizerType.ADAMW).learningRate(1e-4).trainTowers(1)
                .perDeviceTrainBatchSize(batch)
                .set(TrainingArguments.GRADIENT_CHECKPOINTING, checkpointing).build();
        int[] ids = new int[batch * length];
        int[] mask = new int[batch * length];
        int[] labels = new int[batch];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 1 + (i * 7919) % 999;
            mask[i] = 1;
        }
        for (int row = 0; row < batch; row++) {
            labels[row] = row % 2;
        }
        try (TfTrainingEngine engine = new TfBackend().compile(model, args, new EngineOptions(List.of(), -1))) {
            TfThreadChoice threads = engine.threadSettings();
            Batch step = new Batch(Map.of(
                    TransformerClassifier.INPUT_IDS, HostTensor.ofInts(ids, batch, length),
                    TransformerClassifier.ATTENTION_MASK, HostTensor.ofInts(mask, batch, length),
                    TransformerClassifier.LABELS, HostTensor.ofInts(labels, batch)));
            for (int i = 0; i < 2; i++) {
                engine.step(step, new StepContext(i, 0, 1, 1e-4, 7));
            }
            int timed = 5;
            long start = System.nanoTime();
            for (int i = 0; i < timed; i++) {
                engine.step(step, new StepContext(2 + i, 0, 1, 1e-4, 7));
            }
            double stepMillis = (System.nanoTime() - start) / 1e6 / timed;
            report(checkpointing, stepMillis, engine.traceStep(step, new StepContext(2 + timed, 0, 1, 1e-4, 7)));
        }
    }

    private static void report(boolean checkpointing, double stepMillis, RunMetadata metadata) {
        long allocatorLevel = 0;
        long nodePeak = 0;
        long nodes = 0;
        long recomputed = 0;
        TreeMap<Long, Long> allocations = new TreeMap<>();
        for (DeviceStepStats device : metadata.getStepStats().getDevStatsList()) {
            for (NodeExecStats node : device.getNodeStatsList()) {
                nodes++;
                if (node.getNodeName().contains("/recompute/")) {
                    recomputed++;
                }
                for (AllocatorMemoryUsed memory : node.getMemoryList()) {
                    allocatorLevel = Math.max(allocatorLevel, memory.getAllocatorBytesInUse());
                    nodePeak = Math.max(nodePeak, memory.getPeakBytes());
                    for (AllocationRecord record : memory.getAllocationRecordsList()) {
                        allocations.merge(record.getAllocMicros(), record.getAllocBytes(), Long::sum);
                    }
                }
            }
        }
        long live = 0;
        long livePeak = 0;
        for (Map.Entry<Long, Long> allocation : allocations.entrySet()) {
            live += allocation.getValue();
            livePeak = Math.max(livePeak, live);
        }
        System.out.printf(Locale.ROOT, "gradient-checkpointing = %-5s step %7.1f ms untraced | allocator level %7.1f MB,"
                        + " step live peak %7.1f MB, largest node peak %6.1f MB | %d nodes traced, %d recomputed%n",
                checkpointing, stepMillis, allocatorLevel / 1e6, livePeak / 1e6, nodePeak / 1e6, nodes, recomputed);
    }
}
