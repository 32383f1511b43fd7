package dev.trainer4j.plugins.callbacks;

import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressCallbackTest {
    private static final ProgressSettings SETTINGS = new ProgressSettings("stderr", "auto", 100, 10);
    private static final long MILLI = 1_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong(5_000 * MILLI);
    private final TrainerControl control = new TrainerControl();

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static TrainerState state(long step, long maxSteps) {
        TrainerState state = new TrainerState();
        state.setGlobalStep(step);
        state.setMaxSteps(maxSteps);
        return state;
    }

    private static Map<String, Object> logs(Object... keysAndValues) {
        Map<String, Object> logs = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            logs.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return logs;
    }

    @Test
    void plainPrinterWritesOneLinePerLog() {
        ProgressCallback callback = new ProgressCallback(SETTINGS, out, false, now::get);
        TrainingArguments args = TestArguments.builder("out").build();
        callback.onTrainBegin(args, state(0, 100), control);
        for (long step = 1; step <= 20; step++) {
            callback.onStepEnd(args, state(step, 100), control);
        }
        callback.onLog(args, state(10, 100), control,
                logs("loss", 0.69314718, "grad_norm", 1.23456, "learning_rate", 5e-5, "epoch", 0.1, "step", 10L));
        callback.onPredictionStep(args, state(10, 100), control);
        callback.onLog(args, state(20, 100), control, logs("eval_loss", 0.5, "eval_runtime", 12345.678, "total_flos", 1e12));
        callback.onTrainEnd(args, state(100, 100), control);

        assertThat(printed()).isEqualTo("""
                [step 10/100] loss=0.6931 grad_norm=1.235 learning_rate=5e-05 epoch=0.1
                [step 20/100] eval_loss=0.5 eval_runtime=1.235e+04
                """);
    }

    @Test
    void disableProgressFallsBackToPlainLinesOnATerminal() {
        ProgressCallback callback = new ProgressCallback(SETTINGS, out, true, now::get);
        TrainingArguments args = TestArguments.builder("out").disableProgress(true).build();
        callback.onTrainBegin(args, state(0, 4), control);
        callback.onStepEnd(args, state(1, 4), control);
        callback.onLog(args, state(1, 4), control, logs("loss", 2.0));
        assertThat(printed()).isEqualTo("[step 1/4] loss=2\n");
    }

    @Test
    void barShowsProgressRateEtaLossAndLearningRate() {
        ProgressCallback callback = new ProgressCallback(SETTINGS, out, true, now::get);
        TrainingArguments args = TestArguments.builder("out").build();
        callback.onTrainBegin(args, state(0, 100), control);
        now.addAndGet(10_000 * MILLI);
        callback.onLog(args, state(50, 100), control, logs("loss", 0.25, "learning_rate", 1e-3));
        String[] frames = printed().split("\r");
        // 50 steps in 10 s: 5 it/s, 50 left → 10 s
        assertThat(frames[frames.length - 1])
                .isEqualTo(" 50%|=====>    | 50/100 [00:10<00:10, 5.00 it/s, loss=0.25, lr=0.001]");
        // the bar is wiped, the log printed on its own line, then the bar drawn again below it
        assertThat(printed()).contains("\r[step 50/100] loss=0.25 learning_rate=0.001\n\r 50%");
    }

    @Test
    void barIsRedrawnAtMostEveryRefreshInterval() {
        ProgressCallback callback = new ProgressCallback(SETTINGS, out, true, now::get);
        TrainingArguments args = TestArguments.builder("out").build();
        callback.onTrainBegin(args, state(0, 1000), control);
        int framesAtStart = printed().split("\r", -1).length;
        // 99 steps, 1 ms apart: still inside the 100 ms refresh interval
        for (long step = 1; step < 100; step++) {
            now.addAndGet(MILLI);
            callback.onStepEnd(args, state(step, 1000), control);
        }
        assertThat(printed().split("\r", -1).length).isEqualTo(framesAtStart);
        now.addAndGet(MILLI);
        callback.onStepEnd(args, state(100, 1000), control);
        assertThat(printed().split("\r", -1).length).isEqualTo(framesAtStart + 1);
        assertThat(printed()).endsWith("10%|=>        | 100/1000 [00:00<00:00, 1000.00 it/s]");
    }

    @Test
    void lastStepIsAlwaysDrawnAndTrainEndEndsTheLine() {
        ProgressCallback callback = new ProgressCallback(SETTINGS, out, true, now::get);
        TrainingArguments args = TestArguments.builder("out").build();
        callback.onTrainBegin(args, state(0, 2), control);
        now.addAndGet(MILLI);
        callback.onStepEnd(args, state(1, 2), control);
        now.addAndGet(MILLI);
        callback.onStepEnd(args, state(2, 2), control);
        callback.onTrainEnd(args, state(2, 2), control);
        assertThat(printed()).contains("\r100%|==========| 2/2 [00:00<00:00, 1000.00 it/s]").endsWith("]\n");
    }

    @Test
    void evaluationShowsABatchCounterThatTheMetricsClear() {
        ProgressCallback callback = new ProgressCallback(SETTINGS, out, true, now::get);
        TrainingArguments args = TestArguments.builder("out").build();
        callback.onTrainBegin(args, state(0, 10), control);
        bytes.reset();
        for (int batch = 0; batch < 4; batch++) {
            now.addAndGet(500 * MILLI);
            callback.onPredictionStep(args, state(5, 10), control);
        }
        assertThat(printed()).contains("\reval: 4 batches [00:01, 2.67 it/s]");
        callback.onEvaluate(args, state(5, 10), control, Map.of("eval_loss", 0.1));
        String[] frames = printed().split("\r");
        assertThat(frames[frames.length - 1]).startsWith(" 50%|=====>    | 5/10 [00:02<00:02, 2.50 it/s]");
    }

    @Test
    void formatsLikePythonFourSignificantDigits() {
        assertThat(NumberFormat.fourSignificant(0.69314718)).isEqualTo("0.6931");
        assertThat(NumberFormat.fourSignificant(5e-5)).isEqualTo("5e-05");
        assertThat(NumberFormat.fourSignificant(0.0001)).isEqualTo("0.0001");
        assertThat(NumberFormat.fourSignificant(12345.678)).isEqualTo("1.235e+04");
        assertThat(NumberFormat.fourSignificant(1234.0)).isEqualTo("1234");
        assertThat(NumberFormat.fourSignificant(-2.5)).isEqualTo("-2.5");
        assertThat(NumberFormat.fourSignificant(3.0)).isEqualTo("3");
        assertThat(NumberFormat.fourSignificant(Double.NaN)).isEqualTo("nan");
        assertThat(ProgressCallback.duration(3725)).isEqualTo("1:02:05");
        assertThat(ProgressCallback.rate(0.5)).isEqualTo("2.00 s/it");
    }
}
