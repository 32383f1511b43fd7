package dev.trainer4j.bench.progress;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.loop.DefaultTrainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.loop.CallbackHandler;
import dev.trainer4j.loop.DefaultFlowCallback;
import dev.trainer4j.plugins.callbacks.ProgressCallback;
import dev.trainer4j.plugins.callbacks.ProgressSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Shows that the {@code progress} callback does not slow the training loop measurably.
 *
 * <p>Runs the real {@link Trainer} on {@link LinearBackend} (a plain-Java linear model: 16 examples x 256 features
 * a step, some microseconds, the 10k-100k steps/s at which the loop's own overhead would show) for {@code steps}
 * optimizer steps per run, {@code logging-steps} 500 (HF's default), no evaluation, no checkpoints. The dataset has
 * 1024 examples, so an epoch ends (and logs its loss) every 64 steps, as with small real datasets. Settings:
 * <ul>
 *   <li>{@code no progress}: no callback besides the built-in flow callback;</li>
 *   <li>{@code progress bar}: the callback in interactive mode (bar redrawn at most every 100 ms, the default),
 *       writing to a discarding {@link PrintStream};</li>
 *   <li>{@code progress plain}: the non-terminal mode (one line per log event), same stream;</li>
 *   <li>{@code progress bar, redraw every step}: refresh-interval-ms = 0, the worst case (informational).</li>
 * </ul>
 * Each round runs every setting once, in a rotated order, so drift of a shared machine hits all settings alike;
 * the first {@value #WARMUP_ROUNDS} rounds warm the JIT up and are not counted. Prints the median steps/s of each
 * setting and its ratio to {@code no progress} (the ratio of medians, and the median of the per-round ratios).
 *
 * <p>The headline rate is steps per second of the training thread's CPU time, not of wall time: on a shared machine
 * other processes take the CPU away at random, which wall time would count against whichever setting happened to
 * run. (The loop runs on that one thread: {@code dataloader-num-workers = 0}. Garbage collection runs on other
 * threads and is not counted; the callback allocates only when it draws, at most every 100 ms.) Wall-time medians
 * are printed as well.
 *
 * <p>Then the callback's own cost per step, measured without the rest of the loop: the loop's
 * {@link CallbackHandler} fires the events of {@value #EVENT_STEPS} steps (step begin, pre-optimizer, optimizer, step
 * end, and a log every 500 steps) with and without the callback; the difference in thread CPU time per step is the
 * callback's cost, which sets the slowdown at any step rate: {@code 1 / (1 + cost * steps-per-second)}.
 *
 * <p>Arguments (all optional): {@code rounds steps}, default {@code 9 100000}.
 */
public final class ProgressBench {
    private static final int WARMUP_ROUNDS = 2;
    private static final int EVENT_STEPS = 2_000_000;
    /** The settings of the cost-per-step measurement: all but the worst case, which would take minutes. */
    private static final int EVENT_SETTINGS = 3;
    private static final int LOGGING_STEPS = 500;
    private static final int FEATURES = 256;
    private static final int BATCH_SIZE = 16;
    private static final String BASELINE = "no progress";
    private static final PrintStream DISCARD = new PrintStream(OutputStream.nullOutputStream());
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ProgressBench() {
    }

    private record Setting(String name, Supplier<Optional<Callback>> callback) {
    }

    public static void main(String[] arguments) throws IOException {
        int rounds = argument(arguments, 0, 9);
        int steps = argument(arguments, 1, 100_000);
        ProgressSettings bar = new ProgressSettings("stderr", "true", 100, 30);
        ProgressSettings everyStep = new ProgressSettings("stderr", "true", 0, 30);
        List<Setting> settings = List.of(
                new Setting(BASELINE, Optional::empty),
                new Setting("progress bar", () -> Optional.of(new ProgressCallback(bar, DISCARD, true, System::nanoTime))),
                new Setting("progress plain", () -> Optional.of(new ProgressCallback(bar, DISCARD, false, System::nanoTime))),
                new Setting("progress bar, redraw every step", () -> Optional.of(new ProgressCallback(everyStep, DISCARD, true, System::nanoTime))));
        MapDataset data = LinearBackend.regression(1024, FEATURES, 7);
        Path outputDir = Files.createTempDirectory("trainer4j-progress-bench");
        System.out.printf(Locale.ROOT, "ProgressBench: %d rounds (+%d warm-up) x %d settings, %d steps each, batch %d x %d features, logging-steps 500%n",
                rounds, WARMUP_ROUNDS, settings.size(), steps, BATCH_SIZE, FEATURES);

        double[][] rates = new double[settings.size()][rounds];
        double[][] wallRates = new double[settings.size()][rounds];
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM does not report thread CPU time");
        }
        for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
            for (int k = 0; k < settings.size(); k++) {
                int index = Math.floorMod(round + k, settings.size());
                Setting setting = settings.get(index);
                double[] rate = run(data, outputDir, steps, setting.callback().get());
                if (round >= 0) {
                    rates[index][round] = rate[0];
                    wallRates[index][round] = rate[1];
                }
            }
            if (round >= 0) {
                StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
                for (int index = 0; index < settings.size(); index++) {
                    line.append(String.format(Locale.ROOT, "  %s %.0f", settings.get(index).name(), rates[index][round]));
                }
                line.append("  (steps/s of CPU time)");
                System.out.println(line);
            }
        }
        deleteRecursively(outputDir);

        double baseline = median(rates[0]);
        System.out.printf(Locale.ROOT, "%s: median %.0f steps/s (CPU time), %.0f steps/s (wall time)%n", BASELINE, baseline,
                median(wallRates[0]));
        for (int index = 1; index < settings.size(); index++) {
            double[] paired = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                paired[round] = rates[index][round] / rates[0][round];
            }
            double median = median(rates[index]);
            System.out.printf(Locale.ROOT, "%s: %.2fx of %s steps/s (median %.0f steps/s; median per-round ratio %.2fx; "
                    + "wall time %.0f steps/s)%n", settings.get(index).name(), median / baseline, BASELINE, median, median(paired),
                    median(wallRates[index]));
        }

        System.out.println("callback cost per step (events only, no training work):");
        double[][] eventNanos = new double[EVENT_SETTINGS][rounds];
        for (int round = -WARMUP_ROUNDS; round < rounds; round++) {
            for (int k = 0; k < EVENT_SETTINGS; k++) {
                int index = Math.floorMod(round + k, EVENT_SETTINGS);
                double nanos = eventNanosPerStep(settings.get(index).callback().get());
                if (round >= 0) {
                    eventNanos[index][round] = nanos;
                }
            }
        }
        double baseNanos = median(eventNanos[0]);
        System.out.printf(Locale.ROOT, "%s: %.1f ns per step for the built-in flow callback's events%n", BASELINE, baseNanos);
        for (int index = 1; index < EVENT_SETTINGS; index++) {
            double[] extra = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                extra[round] = eventNanos[index][round] - eventNanos[0][round];
            }
            double cost = median(extra);
            System.out.printf(Locale.ROOT, "%s: +%.1f ns per step -> %.4fx at 10k steps/s, %.4fx at 100k steps/s, %.4fx at the "
                    + "no-progress rate above (%.0f steps/s)%n", settings.get(index).name(), cost, slowdown(cost, 10_000),
                    slowdown(cost, 100_000), slowdown(cost, baseline), baseline);
        }
    }

    private static double slowdown(double costNanos, double stepsPerSecond) {
        return 1 / (1 + Math.max(0, costNanos) * 1e-9 * stepsPerSecond);
    }

    /** Fires the events of {@value #EVENT_STEPS} steps as the loop does; thread CPU nanoseconds per step. */
    private static double eventNanosPerStep(Optional<Callback> callback) {
        List<Callback> callbacks = new ArrayList<>();
        callbacks.add(new DefaultFlowCallback());
        callback.ifPresent(callbacks::add);
        TrainingArguments args = TrainingArguments.builder().outputDir("unused").maxSteps(EVENT_STEPS)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(LOGGING_STEPS).saveStrategy(SaveStrategy.NO).build();
        CallbackHandler handler = new CallbackHandler(args, callbacks);
        TrainerState state = new TrainerState();
        state.setMaxSteps(EVENT_STEPS);
        state.setLoggingSteps(LOGGING_STEPS);
        TrainerControl control = new TrainerControl();
        long start = THREADS.getCurrentThreadCpuTime();
        handler.onTrainBegin(state, control);
        for (long step = 1; step <= EVENT_STEPS; step++) {
            handler.onStepBegin(state, control);
            handler.onPreOptimizerStep(state, control);
            handler.onOptimizerStep(state, control);
            state.setGlobalStep(step);
            state.setEpoch((double) step / EVENT_STEPS);
            handler.onStepEnd(state, control);
            if (control.shouldLog()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("loss", 1.0 / step);
                entry.put("learning_rate", 1e-3);
                entry.put("epoch", state.epoch());
                entry.put("step", step);
                handler.onLog(state, control, entry);
            }
        }
        handler.onTrainEnd(state, control);
        return (double) (THREADS.getCurrentThreadCpuTime() - start) / EVENT_STEPS;
    }

    /** One training run; returns optimizer steps per second of {@code train()}: of CPU time, then of wall time. */
    private static double[] run(MapDataset data, Path outputDir, int steps, Optional<Callback> callback) {
        TrainingArguments args = TrainingArguments.builder().outputDir(outputDir.toString()).overwriteOutputDir(true)
                .perDeviceTrainBatchSize(BATCH_SIZE).maxSteps(steps).optim("sgd").learningRate(1e-3).lrSchedulerType("constant")
                .maxGradNorm(0).trainSamplingStrategy(SamplingStrategy.SEQUENTIAL)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(500).saveStrategy(SaveStrategy.NO).build();
        TrainerSpec.Builder spec = TrainerSpec.builder().args(args).model(new LinearBackend.LinearModel(FEATURES)).trainDataset(data);
        callback.ifPresent(spec::addCallback);
        try (Trainer trainer = new DefaultTrainer(spec.build(), new LinearBackend())) {
            long startCpu = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long done = trainer.train().globalStep();
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - startCpu) / 1e9;
            if (done != steps) {
                throw new IllegalStateException("ran " + done + " steps instead of " + steps);
            }
            return new double[] {steps / cpuSeconds, steps / seconds};
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static int argument(String[] arguments, int index, int fallback) {
        if (arguments.length <= index) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(arguments[index]);
            if (value < 1) {
                throw new NumberFormatException();
            }
            return value;
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument " + (index + 1) + " is '" + arguments[index]
                    + "'; expected a positive integer (usage: bench/progress [rounds] [steps])");
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.toList());
            all.sort((a, b) -> b.getNameCount() - a.getNameCount());
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        }
        catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
