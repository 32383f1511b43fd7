package dev.trainer4j.tf;

import dev.trainer4j.api.BackendException;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.TrainingLossReport;
import dev.trainer4j.tf.DeviceTestSupport.Digits;
import dev.trainer4j.tf.DeviceTestSupport.Run;
import dev.trainer4j.tf.cluster.WorkerProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.trainer4j.tf.DeviceTestSupport.args;
import static dev.trainer4j.tf.DeviceTestSupport.digits;
import static dev.trainer4j.tf.DeviceTestSupport.digitsMlp;
import static dev.trainer4j.tf.DeviceTestSupport.maxAbsoluteDifference;
import static dev.trainer4j.tf.DeviceTestSupport.maxRelativeDifference;
import static dev.trainer4j.tf.DeviceTestSupport.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Two workers on loopback: this JVM is worker 0, the chief (its TensorFlow server lives as long as the JVM, as every
 * server in TF Java 1.1.0), and worker 1 is another JVM. In-graph replication puts one replica tower on each worker,
 * so the run must equal one process with two logical devices at the same global batch.
 */
class TfMultiWorkerTrainingTest {
    private static final int GLOBAL_BATCH = 32;
    private static final Digits TRAIN = digits("train-640.jsonl");
    private static ClusterSpec cluster;
    private static WorkerProcesses workers;

    @BeforeAll
    static void startWorkerOne() throws Exception {
        List<String> addresses = WorkerProcesses.loopbackAddresses(2);
        cluster = new ClusterSpec(addresses, 0, ClusterSpec.CLUSTER_BLOCK);
        workers = WorkerProcesses.startAllButChief(addresses, 1);
    }

    @AfterAll
    static void stopWorkerOne() throws Exception {
        workers.close();
    }

    private static List<Batch> digitBatches() {
        List<Batch> batches = new ArrayList<>();
        for (int step = 0; step < 20; step++) {
            batches.add(TRAIN.batch(step * GLOBAL_BATCH, (step + 1) * GLOBAL_BATCH));
        }
        return batches;
    }

    /** One replica per worker, each worker with one device: {@code devices = 1} and the global batch over 2. */
    private static TrainingArguments clusterArgs(String optimizer, double learningRate) {
        return args(optimizer, learningRate, 1, GLOBAL_BATCH).perDeviceTrainBatchSize(GLOBAL_BATCH / 2).build();
    }

    private static TfTrainingEngine clusterEngine(TrainingArguments args) {
        return new TfBackend().compile(digitsMlp(), args, new EngineOptions(List.of(), -1, Optional.of(cluster)));
    }

    private static List<Double> steps(TfTrainingEngine engine, TrainingArguments args, List<Batch> batches, int from) {
        List<Double> losses = new ArrayList<>();
        for (int step = from; step < from + batches.size(); step++) {
            assertThat(engine.step(batches.get(step - from), new StepContext(step, 0, 1, args.learningRate(), args.seed()))
                    .finite()).isTrue();
            TrainingLossReport report = engine.readTrainingLoss();
            losses.add(report.lossSum() / report.steps());
        }
        return losses;
    }

    @Test
    void twoWorkersTrainAsTwoLocalDevices() {
        List<Batch> batches = digitBatches();
        TrainingArguments sgd = clusterArgs("sgd", 0.1);
        Run local = train(digitsMlp(), args("sgd", 0.1, 2, GLOBAL_BATCH).build(), batches);
        try (TfTrainingEngine engine = clusterEngine(sgd)) {
            assertThat(engine.devices().devices()).containsExactly(ClusterSpec.cpuDevice(0), ClusterSpec.cpuDevice(1));
            steps(engine, sgd, batches, 0);

            assertThat(maxAbsoluteDifference(local.weights(), engine.readModelWeights())).isLessThanOrEqualTo(1e-5);
        }
        TrainingArguments adamW = args("adamw", 1e-3, 1, GLOBAL_BATCH).perDeviceTrainBatchSize(GLOBAL_BATCH / 2)
                .weightDecay(0.01).build();
        Run localAdamW = train(digitsMlp(), args("adamw", 1e-3, 2, GLOBAL_BATCH).weightDecay(0.01).build(), batches);
        try (TfTrainingEngine engine = clusterEngine(adamW)) {
            List<Double> losses = steps(engine, adamW, batches, 0);

            assertThat(losses.get(19)).isLessThan(losses.get(0));
            assertThat(maxRelativeDifference(localAdamW.losses(), losses)).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void everyTowersForwardAndGradientOpsRunOnItsWorker() {
        TrainingArguments sgd = clusterArgs("sgd", 0.1);
        try (TfTrainingEngine engine = clusterEngine(sgd)) {
            var placement = engine.traceStepPlacement(digitBatches().get(0), new StepContext(0, 0, 1, 0.1, 11));
            for (int replica = 0; replica < 2; replica++) {
                String device = ClusterSpec.cpuDevice(replica);
                DeviceTestSupport.assertReplicaOpsOn(placement, replica, device);
            }
        }
    }

    @Test
    void aKilledWorkerEndsTheStepWithAnErrorNamingItAndTheRunResumesFromItsCheckpoint(@TempDir Path checkpoint)
            throws Exception {
        List<Batch> batches = digitBatches();
        TrainingArguments adamW = args("adamw", 1e-3, 1, GLOBAL_BATCH).perDeviceTrainBatchSize(GLOBAL_BATCH / 2)
                .weightDecay(0.01).build();
        List<Double> uninterrupted;
        try (TfTrainingEngine engine = clusterEngine(adamW)) {
            uninterrupted = steps(engine, adamW, batches, 0);
        }
        try (TfTrainingEngine engine = clusterEngine(adamW)) {
            steps(engine, adamW, batches.subList(0, 10), 0);
            engine.save(checkpoint, CheckpointScope.FULL);
            workers.kill(1);

            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThatThrownBy(() -> steps(engine, adamW,
                    batches.subList(10, 11), 10))
                    .isInstanceOf(BackendException.class)
                    .hasMessageStartingWith("worker 1 (" + cluster.workers().get(1) + ") failed or cannot be reached"));
        }
        finally {
            workers.restart(1);
        }
        try (TfTrainingEngine engine = clusterEngine(adamW)) {
            engine.restore(checkpoint, CheckpointScope.FULL);
            List<Double> continued = steps(engine, adamW, batches.subList(10, 20), 10);

            assertThat(maxRelativeDifference(uninterrupted.subList(10, 20), continued)).isLessThanOrEqualTo(1e-4);
        }
    }
}
