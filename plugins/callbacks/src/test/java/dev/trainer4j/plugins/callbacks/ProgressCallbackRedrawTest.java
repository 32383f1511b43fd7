package dev.trainer4j.plugins.callbacks;

import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The bar after a log line is redrawn only when due, so frequent logs at a high step rate format no bars. */
class ProgressCallbackRedrawTest {
    private static final long MILLI = 1_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong(5_000 * MILLI);
    private final TrainerControl control = new TrainerControl();
    private final TrainingArguments args = TestArguments.builder("out").build();
    private final ProgressCallback callback = new ProgressCallback(new ProgressSettings("stderr", "true", 100, 10), out, true, now::get);

    private static TrainerState state(long step) {
        TrainerState state = new TrainerState();
        state.setGlobalStep(step);
        state.setMaxSteps(1000);
        return state;
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLogInsideTheRefreshIntervalPrintsItsLineWithoutABar() {
        callback.onTrainBegin(args, state(0), control);
        bytes.reset();
        now.addAndGet(10 * MILLI);
        callback.onLog(args, state(64), control, Map.of("train_epoch_loss", 0.5));
        // the (empty) bar line wiped, the log line, and no bar frame after it
        assertThat(printed()).isEqualTo("\r" + " ".repeat(lastBarLength()) + "\r[step 64/1000] train_epoch_loss=0.5\n");

        bytes.reset();
        now.addAndGet(10 * MILLI);
        callback.onStepEnd(args, state(65), control);
        assertThat(printed()).isEmpty();

        // 100 ms after the last frame the next step end brings the bar back, with the loss of the log
        now.addAndGet(80 * MILLI);
        callback.onStepEnd(args, state(66), control);
        assertThat(printed()).startsWith("\r  6%|").contains("66/1000");
    }

    @Test
    void aLogAfterTheRefreshIntervalRedrawsTheBarAtOnce() {
        callback.onTrainBegin(args, state(0), control);
        bytes.reset();
        now.addAndGet(100 * MILLI);
        callback.onLog(args, state(64), control, Map.of("loss", 0.25));
        assertThat(printed()).contains("[step 64/1000] loss=0.25\n\r  6%|").endsWith("loss=0.25]");
    }

    /** The length of the bar frame drawn at train begin (step 0 of 1000, nothing logged yet). */
    private static int lastBarLength() {
        return "  0%|          | 0/1000 [00:00<?, ? it/s]".length();
    }
}
