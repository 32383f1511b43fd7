package dev.trainer4j.plugins.callbacks;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * HF's {@code ProgressCallback} and {@code PrinterCallback} in one.
 *
 * <p>On a terminal: one line redrawn in place with {@code \r}, at most every {@code refresh-interval-ms} (also
 * after a log line, so the bar costs about one clock read per step however fast the loop runs):
 * {@code  45%|=============>                | 450/1000 [00:12<00:15, 36.20 it/s, loss=0.4321, lr=4.5e-05]}, the loss
 * and learning rate taken from the latest log. Each log is printed above the bar. Evaluation and prediction show
 * a batch counter ({@code eval: 37 batches [00:02, 15.30 it/s]}) that the metrics event clears.
 *
 * <p>Otherwise (no console, or {@code disable-progress}): one plain line per log event, e.g.
 * {@code [step 10/100] loss=0.6931 learning_rate=5e-05 epoch=0.1}; floats as Python's {@code .4g},
 * {@code total_flos} dropped, as HF prints them.
 *
 * <p>Only the world process zero prints. Not thread-safe: the loop calls it from one thread.
 */
public final class ProgressCallback implements Callback {
    static final String NAME = "progress";

    private final ProgressSettings settings;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final long refreshNanos;

    private boolean training;
    private long trainStartNanos;
    private long trainStartStep;
    private long lastDrawNanos;
    private boolean drawnOnce;
    private int lastLineLength;
    private Object latestLoss;
    private Object latestLearningRate;
    private boolean predicting;
    private long predictionStartNanos;
    private long predictionSteps;

    /**
     * @param out where to print
     * @param terminal whether {@code out} is a terminal that understands {@code \r} (then a bar is drawn)
     * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public ProgressCallback(ProgressSettings settings, PrintStream out, boolean terminal, LongSupplier nanoTime) {
        this.settings = requireNonNull(settings, "settings is null");
        this.out = requireNonNull(out, "out is null");
        this.terminal = terminal;
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
        this.refreshNanos = settings.refreshIntervalMillis() * 1_000_000L;
    }

    private boolean drawsBar(TrainingArguments args, TrainerState state) {
        return terminal && !args.disableProgress() && state.isWorldProcessZero();
    }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        training = true;
        trainStartNanos = nanoTime.getAsLong();
        trainStartStep = state.globalStep();
        latestLoss = null;
        latestLearningRate = null;
        if (drawsBar(args, state)) {
            drawTrainBar(state);
        }
    }

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (drawsBar(args, state) && (due() || state.globalStep() >= state.maxSteps())) {
            drawTrainBar(state);
        }
    }

    @Override
    public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (drawsBar(args, state) && training) {
            drawTrainBar(state);
            out.println();
            out.flush();
            lastLineLength = 0;
        }
        training = false;
    }

    @Override
    public void onPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (!drawsBar(args, state)) {
            return;
        }
        if (!predicting) {
            predicting = true;
            predictionStartNanos = nanoTime.getAsLong();
            predictionSteps = 0;
        }
        predictionSteps++;
        if (due() || predictionSteps == 1) {
            drawPredictionLine(training ? "eval" : "predict");
        }
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        endPrediction(args, state);
    }

    @Override
    public void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        endPrediction(args, state);
    }

    private void endPrediction(TrainingArguments args, TrainerState state) {
        if (predicting && drawsBar(args, state)) {
            clearLine();
            if (training) {
                drawTrainBar(state);
            }
        }
        predicting = false;
    }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {
        if (logs.containsKey("loss")) {
            latestLoss = logs.get("loss");
        }
        if (logs.containsKey("learning_rate")) {
            latestLearningRate = logs.get("learning_rate");
        }
        if (!state.isWorldProcessZero()) {
            return;
        }
        String line = formatLogLine(state, logs);
        if (drawsBar(args, state)) {
            clearLine();
            out.println(line);
            // only when due: frequent logs (every epoch of a small dataset) at a high step rate would otherwise
            // format a bar per log; it comes back at the next step end that is due (within refresh-interval-ms)
            if (training && due()) {
                drawTrainBar(state);
            }
            else {
                out.flush();
            }
        }
        else {
            out.println(line);
            out.flush();
        }
    }

    /** {@code [step 10/100] loss=0.6931 learning_rate=5e-05 epoch=0.1}. */
    static String formatLogLine(TrainerState state, Map<String, Object> logs) {
        StringJoiner values = new StringJoiner(" ");
        for (Map.Entry<String, Object> entry : logs.entrySet()) {
            String key = entry.getKey();
            if (!key.equals("step") && !key.equals("total_flos")) {
                values.add(key + "=" + NumberFormat.logValue(entry.getValue()));
            }
        }
        String step = state.maxSteps() > 0 ? state.globalStep() + "/" + state.maxSteps() : Long.toString(state.globalStep());
        return "[step " + step + "] " + values;
    }

    private boolean due() {
        // System.nanoTime may be negative, so "never drawn" is a flag rather than a zero timestamp
        return !drawnOnce || nanoTime.getAsLong() - lastDrawNanos >= refreshNanos;
    }

    private void drawTrainBar(TrainerState state) {
        long now = nanoTime.getAsLong();
        long total = Math.max(0, state.maxSteps());
        long step = state.globalStep();
        double elapsedSeconds = (now - trainStartNanos) / 1e9;
        double rate = elapsedSeconds > 0 ? (step - trainStartStep) / elapsedSeconds : 0;
        double fraction = total > 0 ? Math.min(1.0, (double) step / total) : 0;
        int filled = (int) Math.floor(fraction * settings.barWidth());
        StringBuilder bar = new StringBuilder(settings.barWidth());
        bar.append("=".repeat(filled));
        if (filled < settings.barWidth()) {
            bar.append(filled > 0 ? ">" : " ").append(" ".repeat(settings.barWidth() - filled - 1));
        }
        String eta = rate > 0 && total >= step ? duration((total - step) / rate) : "?";
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "%3d%%|%s| %d/%d [%s<%s, %s", (int) Math.floor(fraction * 100), bar, step, total,
                duration(elapsedSeconds), eta, rate(rate)));
        if (latestLoss != null) {
            line.append(", loss=").append(NumberFormat.logValue(latestLoss));
        }
        if (latestLearningRate != null) {
            line.append(", lr=").append(NumberFormat.logValue(latestLearningRate));
        }
        line.append(']');
        draw(line.toString(), now);
    }

    private void drawPredictionLine(String label) {
        long now = nanoTime.getAsLong();
        double elapsedSeconds = (now - predictionStartNanos) / 1e9;
        double rate = elapsedSeconds > 0 ? predictionSteps / elapsedSeconds : 0;
        draw(label + ": " + predictionSteps + " batches [" + duration(elapsedSeconds) + ", " + rate(rate) + "]", now);
    }

    private void draw(String line, long now) {
        StringBuilder text = new StringBuilder(line.length() + 8).append('\r').append(line);
        if (lastLineLength > line.length()) {
            text.append(" ".repeat(lastLineLength - line.length()));
        }
        out.print(text);
        out.flush();
        lastLineLength = line.length();
        lastDrawNanos = now;
        drawnOnce = true;
    }

    private void clearLine() {
        if (lastLineLength > 0) {
            out.print("\r" + " ".repeat(lastLineLength) + "\r");
            lastLineLength = 0;
        }
    }

    /** {@code mm:ss}, or {@code h:mm:ss} past an hour. */
    static String duration(double seconds) {
        long total = (long) Math.floor(Math.max(0, seconds));
        long hours = total / 3600;
        long minutes = (total % 3600) / 60;
        long rest = total % 60;
        return hours > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, rest) : String.format(Locale.ROOT, "%02d:%02d", minutes, rest);
    }

    /** tqdm's {@code it/s}, or {@code s/it} when slower than one per second. */
    static String rate(double perSecond) {
        if (perSecond <= 0) {
            return "? it/s";
        }
        return perSecond >= 1 ? String.format(Locale.ROOT, "%.2f it/s", perSecond) : String.format(Locale.ROOT, "%.2f s/it", 1 / perSecond);
    }
}
