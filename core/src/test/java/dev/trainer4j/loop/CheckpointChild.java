package dev.trainer4j.loop;

import dev.trainer4j.api.TrainingInterruptedException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child process of {@link KillResumeTest}: a fake-backend training with checkpoints, evaluation, rotation and
 * save-on-interrupt. Arguments: {@code <output-dir> <result-json> <fresh|resume> <step-delay-millis>
 * [<fault-point> <occurrence>]}; {@code resume} takes {@code latest} when a checkpoint verifies, else starts afresh.
 * Prints {@code STARTED}, {@code STEP <n>} (then sleeps the delay), {@code DONE} or {@code INTERRUPTED <checkpoint>};
 * with a fault point the trainer's checkpoint writer ({@link CheckpointFaults#blockAt}) prints
 * {@code FAULT-POINT <name> <folder>} at its occurrence-th time and blocks.
 *
 * <p>With {@code -D}{@value #APP_SIGNAL_PROPERTY}{@code =TERM} (or {@code INT}) the child first installs its own
 * handler of that signal, as an embedding application would, and prints {@code APP-HANDLER-INSTALLED <previous>}
 * ({@code ignored} when the signal was ignored at start, so that nothing can handle it). The handler prints
 * {@code APP-HANDLER SIG<name> latest <checkpoint>} and exits with {@value #APP_EXIT_STATUS}; after an interrupt the
 * main thread then waits for it instead of ending the JVM itself.
 */
public final class CheckpointChild {
    static final String APP_SIGNAL_PROPERTY = "checkpoint-child.app-signal";
    static final int APP_EXIT_STATUS = 42;

    private CheckpointChild() {
    }

    /** The embedding application's own handler of {@code name}: reports the newest checkpoint, then exits. */
    private static void installApplicationHandler(String name, Path dir) {
        SignalHandler previous = Signal.handle(new Signal(name), signal -> {
            String latest = Checkpoints.findLatest(dir).checkpoint().map(path -> path.getFileName().toString()).orElse("none");
            System.out.println("APP-HANDLER SIG" + signal.getName() + " latest " + latest);
            System.out.flush();
            Runtime.getRuntime().exit(APP_EXIT_STATUS);
        });
        System.out.println("APP-HANDLER-INSTALLED " + (previous == SignalHandler.SIG_IGN ? "ignored" : "replaced"));
        System.out.flush();
    }

    /** 24 examples, batch 2, accumulation 2: 6 steps per epoch, 3 epochs = 18 steps; save every 2, keep 2 + best. */
    static TrainingArguments args(Path dir) {
        return TrainingArguments.builder().outputDir(dir.toString())
                .perDeviceTrainBatchSize(2).gradientAccumulationSteps(2).numTrainEpochs(3)
                .optim("adamw").learningRate(0.05).weightDecay(0.01).lrSchedulerType("linear").warmupSteps(2)
                .maxGradNorm(0.5).trainSamplingStrategy(SamplingStrategy.RANDOM).dataSeed(11L).seed(3)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(1)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(2.0).metricForBestModel("loss")
                .saveStrategy(SaveStrategy.STEPS).saveSteps(2).saveTotalLimit(2)
                .saveOnInterrupt(true)
                .build();
    }

    public static void main(String[] arguments) throws Exception {
        Path dir = Path.of(arguments[0]);
        Path result = Path.of(arguments[1]);
        boolean resume = arguments[2].equals("resume");
        long delay = Long.parseLong(arguments[3]);
        CheckpointFaults faults = arguments.length > 4
                ? CheckpointFaults.blockAt(arguments[4], Integer.parseInt(arguments[5]))
                : CheckpointFaults.NONE;
        String applicationSignal = System.getProperty(APP_SIGNAL_PROPERTY);
        if (applicationSignal != null) {
            installApplicationHandler(applicationSignal, dir);
        }
        CheckpointFixtures.StepCounter counter = new CheckpointFixtures.StepCounter();
        Callback pacer = new Callback() {
            @Override
            public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
                System.out.println("STARTED");
                System.out.flush();
            }

            @Override
            public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                System.out.println("STEP " + state.globalStep());
                System.out.flush();
                if (delay > 0) {
                    try {
                        Thread.sleep(delay);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        FakeBackend backend = new FakeBackend();
        TrainerSpec spec = TrainerSpec.builder().args(args(dir)).model(new FakeModel(3))
                .trainDataset(FakeData.regression(24, 3, 5)).evalDataset(FakeData.regression(4, 3, 11))
                .addCallback(counter).addCallback(pacer).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend) {
            @Override
            protected CheckpointWriter createCheckpointWriter() {
                return new CheckpointWriter(faults);
            }
        }) {
            TrainOutput output;
            if (resume && Checkpoints.findLatest(dir).checkpoint().isPresent()) {
                System.out.println("RESUMING");
                output = trainer.train("latest");
            }
            else {
                System.out.println(resume ? "NO-CHECKPOINT" : "FRESH");
                output = trainer.train();
            }
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("history", CheckpointFixtures.withoutTimings(trainer.state().logHistory()));
            content.put("weights", backend.lastEngine().parameters());
            content.put("train_loss", output.trainingLoss());
            content.put("counted_steps", counter.steps);
            Path temporary = result.resolveSibling(result.getFileName() + ".tmp");
            new ObjectMapper().writeValue(temporary.toFile(), content);
            Files.move(temporary, result);
            System.out.println("DONE");
        }
        catch (TrainingInterruptedException e) {
            System.out.println("INTERRUPTED " + e.checkpoint().map(Path::toString).orElse("none"));
            System.out.flush();
            if (applicationSignal != null) {
                // the application's handler ends the JVM with its own status; ending main here would race it
                Thread.sleep(30_000);
            }
        }
        System.out.flush();
    }
}
