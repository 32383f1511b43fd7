package dev.trainer4j.plugins.callbacks.report;

import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.plugins.callbacks.JsonlLoggerCallback;
import dev.trainer4j.plugins.callbacks.MetricsFileSettings;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Drives the real {@code jsonl-logger} through a small run as the loop would: 3 epochs of 20 steps, a log every 5
 * steps (loss, learning_rate, grad_norm), an evaluation at each epoch end (reported through onEvaluate and, as HF's
 * log(metrics) does, onLog), the epoch's mean loss as train_epoch_loss, the final train summary, then a predict.
 * The clock advances 0.25 s per step.
 */
final class SimulatedRun {
    static final int STEPS = 60;
    static final int STEPS_PER_EPOCH = 20;
    static final int LOGGING_STEPS = 5;

    private SimulatedRun() {
    }

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private long millis = 1_700_000_000_000L;

        void advance(long delta) {
            millis += delta;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    static TrainingArguments args(Path outputDir) {
        return TrainingArguments.builder().outputDir(outputDir.toString()).learningRate(5e-5).numTrainEpochs(3).build();
    }

    static double loss(int step) {
        return 0.1 + 1.2 * Math.exp(-step / 25.0) + 0.02 * Math.sin(step);
    }

    static double learningRate(int step) {
        return 5e-5 * (1 - step / (double) STEPS);
    }

    /** Writes {@code <outputDir>/metrics.jsonl}; {@code extra} values are added to the first log event. */
    static void write(Path outputDir, Map<String, Object> extra) {
        ManualClock clock = new ManualClock();
        JsonlLoggerCallback logger = new JsonlLoggerCallback(new MetricsFileSettings("metrics.jsonl"), clock);
        TrainingArguments args = args(outputDir);
        TrainerControl control = new TrainerControl();
        TrainerState state = new TrainerState();
        double epochLossSum = 0;
        boolean first = true;
        for (int step = 1; step <= STEPS; step++) {
            clock.advance(250);
            state.setGlobalStep(step);
            state.setEpoch(step / (double) STEPS_PER_EPOCH);
            epochLossSum += loss(step);
            if (step % LOGGING_STEPS == 0) {
                Map<String, Object> logs = new LinkedHashMap<>();
                logs.put("loss", loss(step));
                logs.put("grad_norm", 1.5 / Math.sqrt(step));
                logs.put("learning_rate", learningRate(step));
                if (first) {
                    logs.putAll(extra);
                    first = false;
                }
                logs.put("epoch", state.epoch());
                logs.put("step", (long) step);
                logger.onLog(args, state, control, logs);
            }
            if (step % STEPS_PER_EPOCH == 0) {
                int epoch = step / STEPS_PER_EPOCH;
                Map<String, Double> metrics = new LinkedHashMap<>();
                metrics.put("eval_loss", 0.9 - 0.2 * epoch);
                metrics.put("eval_accuracy", 0.6 + 0.1 * epoch);
                metrics.put("eval_f1", 0.55 + 0.12 * epoch);
                metrics.put("eval_runtime", 0.5);
                metrics.put("eval_samples_per_second", 400.0);
                logger.onEvaluate(args, state, control, metrics);
                Map<String, Object> logged = new LinkedHashMap<>(metrics);
                logged.put("epoch", state.epoch());
                logged.put("step", (long) step);
                logger.onLog(args, state, control, logged);
                logger.onLog(args, state, control, new LinkedHashMap<>(Map.of("train_epoch_loss", epochLossSum / STEPS_PER_EPOCH,
                        "epoch", state.epoch(), "step", (long) step)));
                epochLossSum = 0;
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("train_runtime", 15.0);
        summary.put("train_samples_per_second", 128.0);
        summary.put("train_steps_per_second", 4.0);
        summary.put("train_loss", 0.42);
        summary.put("epoch", 3.0);
        summary.put("step", (long) STEPS);
        logger.onLog(args, state, control, summary);
        logger.onPredict(args, state, control, new LinkedHashMap<>(Map.of("test_loss", 0.5, "test_accuracy", 0.875)));
    }
}
