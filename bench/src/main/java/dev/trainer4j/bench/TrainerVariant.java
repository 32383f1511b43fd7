package dev.trainer4j.bench;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfTrainer;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.nn.Activation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The trainer side of the benchmark: {@link TfTrainer} through the public API (TrainerSpec + TrainingArguments:
 * adam, constant learning rate, no clipping, no weight decay, sequential sampling, no checkpoints, logging only at
 * the end). The engine chooses its thread settings by model size. A timed run stops itself from a callback once
 * the timed window after the warm-up steps is long enough.
 */
public final class TrainerVariant {
    static final String NAME = "trainer";

    private TrainerVariant() {
    }

    public static void main(String[] commandLine) throws IOException {
        VariantOptions options = VariantOptions.parse(NAME, commandLine);
        BenchModel model = options.model();
        GaussianBlobs data = GaussianBlobs.generate(BenchModel.SAMPLES, model.inputSize(), model.numLabels(), BenchModel.SEED);
        List<Example> examples = new ArrayList<>(data.samples());
        for (int i = 0; i < data.samples(); i++) {
            examples.add(Example.of(Map.of(MlpClassifier.FEATURES, data.row(i), MlpClassifier.LABELS, data.labels()[i])));
        }
        Path outputDir = Files.createTempDirectory("trainer4j-bench");
        long maxSteps = options.timed() ? 100_000_000L : options.lossSteps();
        TrainingArguments args = TrainingArguments.builder()
                .outputDir(outputDir.toString())
                .overwriteOutputDir(true)
                .maxSteps(maxSteps)
                .perDeviceTrainBatchSize(model.batchSize())
                .optim(OptimizerType.ADAM)
                .learningRate(BenchModel.LEARNING_RATE)
                .adamBeta1(BenchModel.BETA1)
                .adamBeta2(BenchModel.BETA2)
                .adamEpsilon(BenchModel.EPSILON)
                .weightDecay(0)
                .maxGradNorm(0)
                .lrSchedulerType(SchedulerType.CONSTANT)
                .trainSamplingStrategy(SamplingStrategy.SEQUENTIAL)
                .loggingSteps(options.timed() ? 100_000_000L : 1)
                .saveStrategy(SaveStrategy.NO)
                .seed(BenchModel.SEED)
                .disableProgress(true)
                .intraOpThreads(options.intraOpThreads())
                .interOpThreads(options.interOpThreads())
                .trainTowers(options.towers())
                .build();
        MlpClassifier mlp = new MlpClassifier(new MlpClassifierSettings(model.inputSize(), model.hiddenSizes(),
                model.numLabels(), 0.0, Activation.RELU));
        StepTimer timer = new StepTimer(options.warmupSteps(), (long) (options.seconds() * 1e9));
        TrainerSpec.Builder spec = TrainerSpec.builder().args(args).model(mlp).trainDataset(Dataset.of(examples));
        if (options.timed()) {
            spec.addCallback(timer);
        }
        try (TfTrainer trainer = new TfTrainer(spec.build())) {
            trainer.train();
            if (options.timed()) {
                if (timer.timedSteps == 0) {
                    throw new IllegalStateException("the run ended before the timed window closed");
                }
                System.out.println(VariantOptions.resultLine(NAME, model, timer.timedSteps, timer.timedNanos, timer.timedCpuNanos));
            }
            else {
                for (Map<String, Object> entry : trainer.state().logHistory()) {
                    Object loss = entry.get("loss");
                    if (loss instanceof Number number) {
                        long step = ((Number) entry.get("step")).longValue();
                        // the engine keeps the float32 mean batch loss in a float64 accumulator: exact round trip
                        System.out.println(VariantOptions.lossLine(NAME, step, (float) number.doubleValue()));
                    }
                }
            }
        }
    }

    /** Starts the clock at the end of the last warm-up step and stops training once the window is long enough. */
    private static final class StepTimer implements Callback {
        private final long warmupSteps;
        private final long minimumNanos;
        private long start;
        private long startCpu;
        long timedSteps;
        long timedNanos;
        long timedCpuNanos;

        StepTimer(long warmupSteps, long minimumNanos) {
            this.warmupSteps = warmupSteps;
            this.minimumNanos = minimumNanos;
        }

        @Override
        public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            long step = state.globalStep();
            if (step == warmupSteps) {
                startCpu = VariantOptions.processCpuNanos();
                start = System.nanoTime();
            }
            else if (step > warmupSteps) {
                long elapsed = System.nanoTime() - start;
                if (elapsed >= minimumNanos) {
                    timedSteps = step - warmupSteps;
                    timedNanos = elapsed;
                    timedCpuNanos = VariantOptions.processCpuNanos() - startCpu;
                    control.setShouldTrainingStop(true);
                }
            }
        }
    }
}
