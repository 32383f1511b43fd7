package dev.trainer4j.bench.cluster;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.bench.BenchModel;
import dev.trainer4j.bench.GaussianBlobs;
import dev.trainer4j.cluster.ClusterSpecs;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.nn.Activation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Training throughput of one worker against two workers on loopback (in-graph replication), at the same global
 * batch, and the bytes the loopback interface moved per step against the gradient size. Both workers share this
 * machine's cores, so the ratio says what the exchange costs, not what two machines would gain.
 *
 * <p>Usage: {@code MultiWorkerBench [mlp-small|mlp-large] [steps]}; worker 1 is a child JVM ({@link ServeWorkerMain}).
 */
public final class MultiWorkerBench {
    private static final int WARMUP = 20;

    private MultiWorkerBench() {
    }

    public static void main(String[] arguments) throws Exception {
        BenchModel model = arguments.length > 0 && arguments[0].equals("mlp-small") ? BenchModel.MLP_SMALL : BenchModel.MLP_LARGE;
        int steps = arguments.length > 1 ? Integer.parseInt(arguments[1]) : 100;
        int threads = Integer.getInteger("threads", 1);
        GaussianBlobs data = GaussianBlobs.generate(BenchModel.SAMPLES, model.inputSize(), model.numLabels(), BenchModel.SEED);
        int global = model.batchSize();
        List<Batch> batches = batches(data, model, global);
        long parameters = parameters(model);

        Result one = run(model, batches, steps, args(global, threads), Optional.empty());

        List<String> addresses = ClusterSpecs.freeLoopbackAddresses(2);
        Process worker = startWorker(addresses, threads);
        try {
            ClusterSpec cluster = new ClusterSpec(addresses, 0, ClusterSpec.CLUSTER_BLOCK);
            Result two = run(model, batches, steps, args(global / 2, threads).toBuilder().build(), Optional.of(cluster));
            double gradientBytes = parameters * 4.0;
            System.out.printf(Locale.ROOT, "model %s, global batch %d, %d parameters (%.2f MB of float32 gradients),"
                            + " %d threads per worker, %d timed steps%n", model.configName(), global, parameters,
                    gradientBytes / 1e6, threads, steps);
            System.out.printf(Locale.ROOT, "1 worker : %9.0f samples/s (%.2f ms/step)%n", one.samplesPerSecond(),
                    one.millisPerStep());
            System.out.printf(Locale.ROOT, "2 workers: %9.0f samples/s (%.2f ms/step), ratio %.2f%n",
                    two.samplesPerSecond(), two.millisPerStep(), two.samplesPerSecond() / one.samplesPerSecond());
            System.out.printf(Locale.ROOT, "loopback bytes per step (both directions, gRPC framing included): %.2f MB ="
                            + " %.2f x the gradient size%n", two.loopbackBytesPerStep() / 1e6,
                    two.loopbackBytesPerStep() / gradientBytes);
        }
        finally {
            worker.destroyForcibly();
        }
        System.exit(0); // the chief's TensorFlow server cannot be shut down (TF Java 1.1.0)
    }

    private record Result(double samplesPerSecond, double millisPerStep, double loopbackBytesPerStep) {
    }

    private static TrainingArguments args(int perDevice, int threads) {
        return TrainingArguments.builder().outputDir("unused").seed(BenchModel.SEED).learningRate(BenchModel.LEARNING_RATE)
                .optim("adamw").weightDecay(0).maxGradNorm(0).perDeviceTrainBatchSize(perDevice)
                .intraOpThreads(threads).build();
    }

    private static Result run(BenchModel model, List<Batch> batches, int steps, TrainingArguments args,
                              Optional<ClusterSpec> cluster) throws IOException {
        MlpClassifier mlp = new MlpClassifier(new MlpClassifierSettings(model.inputSize(), model.hiddenSizes(),
                model.numLabels(), 0.0, Activation.RELU));
        try (TfTrainingEngine engine = new TfBackend().compile(mlp, args, new EngineOptions(List.of(), -1, cluster))) {
            for (int step = 0; step < WARMUP; step++) {
                engine.step(batches.get(step % batches.size()), context(step, args));
            }
            engine.readTrainingLoss();
            long bytesBefore = loopbackBytes();
            long start = System.nanoTime();
            for (int step = WARMUP; step < WARMUP + steps; step++) {
                engine.step(batches.get(step % batches.size()), context(step, args));
            }
            engine.readTrainingLoss();
            double seconds = (System.nanoTime() - start) / 1e9;
            long bytes = loopbackBytes() - bytesBefore;
            long rows = batches.get(0).get(MlpClassifier.LABELS).shape()[0];
            return new Result(steps * rows / seconds, seconds * 1000 / steps, (double) bytes / steps);
        }
    }

    private static StepContext context(int step, TrainingArguments args) {
        return new StepContext(step, 0, 1, args.learningRate(), args.seed());
    }

    private static List<Batch> batches(GaussianBlobs data, BenchModel model, int rows) {
        List<Batch> batches = new ArrayList<>();
        for (int from = 0; from + rows <= data.samples(); from += rows) {
            float[] x = new float[rows * model.inputSize()];
            System.arraycopy(data.features(), from * model.inputSize(), x, 0, x.length);
            int[] y = new int[rows];
            System.arraycopy(data.labels(), from, y, 0, rows);
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            tensors.put(MlpClassifier.FEATURES, HostTensor.ofFloats(x, rows, model.inputSize()));
            tensors.put(MlpClassifier.LABELS, HostTensor.ofInts(y, rows));
            batches.add(new Batch(tensors));
        }
        return batches;
    }

    private static long parameters(BenchModel model) {
        long count = 0;
        int previous = model.inputSize();
        List<Integer> sizes = new ArrayList<>(model.hiddenSizes());
        sizes.add(model.numLabels());
        for (int size : sizes) {
            count += (long) previous * size + size;
            previous = size;
        }
        return count;
    }

    /** Bytes received plus sent on the loopback interface ({@code /proc/net/dev}); both ends of every transfer. */
    private static long loopbackBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net/dev"))) {
            String trimmed = line.trim();
            if (trimmed.startsWith("lo:")) {
                String[] fields = trimmed.substring(3).trim().split("\\s+");
                return Long.parseLong(fields[0]);
            }
        }
        return 0;
    }

    private static Process startWorker(List<String> addresses, int threads) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dthreads=" + threads, "-Dorg.bytedeco.javacpp.cachedir="
                + System.getProperty("org.bytedeco.javacpp.cachedir", System.getProperty("user.home") + "/.javacpp/cache"),
                "-cp", System.getProperty("java.class.path"), ServeWorkerMain.class.getName());
        builder.environment().put(ClusterSpecs.TF_CONFIG, ClusterSpecs.toTfConfig(addresses, 1));
        builder.redirectErrorStream(true);
        Process process = builder.start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = output.readLine()) != null; ) {
            if (line.contains(ServeWorkerMain.READY)) {
                Thread drain = new Thread(() -> {
                    try {
                        while (output.readLine() != null) {
                            // keep the pipe empty
                        }
                    }
                    catch (IOException ignored) {
                        // the worker ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return process;
            }
        }
        throw new IOException("worker 1 ended before serving");
    }
}
