package dev.trainer4j.plugins.callbacks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsLoggersTest {
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_250L), ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private TrainingArguments args() {
        return TestArguments.builder(directory.resolve("run").toString()).build();
    }

    private static TrainerState state(long step, double epoch) {
        TrainerState state = new TrainerState();
        state.setGlobalStep(step);
        state.setEpoch(epoch);
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
    void jsonlWritesOneObjectPerEvent() throws IOException {
        JsonlLoggerCallback callback = new JsonlLoggerCallback(new MetricsFileSettings("metrics.jsonl"), CLOCK);
        TrainingArguments args = args();
        TrainerControl control = new TrainerControl();
        callback.onLog(args, state(10, 0.5), control, logs("loss", 0.6931, "learning_rate", 5e-5, "epoch", 0.5, "step", 10L));
        callback.onEvaluate(args, state(20, 1.0), control, Map.of("eval_accuracy", 0.75));
        callback.onPredict(args, state(20, 1.0), control, Map.of("test_loss", Double.NaN));

        List<String> lines = Files.readAllLines(directory.resolve("run/metrics.jsonl"));
        assertThat(lines).hasSize(3);
        JsonNode log = JSON.readTree(lines.get(0));
        assertThat(log.get("event").asText()).isEqualTo("log");
        assertThat(log.get("step").asLong()).isEqualTo(10);
        assertThat(log.get("epoch").asDouble()).isEqualTo(0.5);
        assertThat(log.get("time").asDouble()).isEqualTo(1_700_000_000.25);
        assertThat(log.get("loss").asDouble()).isEqualTo(0.6931);
        assertThat(log.get("learning_rate").asDouble()).isEqualTo(5e-5);
        assertThat(log.size()).as("event, step, epoch, time, loss, learning_rate").isEqualTo(6);

        JsonNode evaluation = JSON.readTree(lines.get(1));
        assertThat(evaluation.get("event").asText()).isEqualTo("evaluate");
        assertThat(evaluation.get("step").asLong()).isEqualTo(20);
        assertThat(evaluation.get("eval_accuracy").asDouble()).isEqualTo(0.75);

        JsonNode prediction = JSON.readTree(lines.get(2));
        assertThat(prediction.get("event").asText()).isEqualTo("predict");
        assertThat(prediction.get("test_loss").asText()).isEqualTo("NaN");
    }

    @Test
    void jsonlAppendsAcrossInstancesAsAResumeWould() throws IOException {
        TrainingArguments args = args();
        new JsonlLoggerCallback(new MetricsFileSettings("metrics.jsonl"), CLOCK)
                .onLog(args, state(1, 0.1), new TrainerControl(), logs("loss", 1.0));
        new JsonlLoggerCallback(new MetricsFileSettings("metrics.jsonl"), CLOCK)
                .onLog(args, state(2, 0.2), new TrainerControl(), logs("loss", 0.5));
        List<String> lines = Files.readAllLines(directory.resolve("run/metrics.jsonl"));
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(1)).get("loss").asDouble()).isEqualTo(0.5);
    }

    @Test
    void aResumeDropsTheRecordsOfTheStepsItReplays() throws IOException {
        TrainingArguments args = args();
        JsonlLoggerCallback jsonl = new JsonlLoggerCallback(new MetricsFileSettings("metrics.jsonl"), CLOCK);
        CsvLoggerCallback csv = new CsvLoggerCallback(new MetricsFileSettings("metrics.csv"), CLOCK);
        for (int step = 1; step <= 7; step++) {
            jsonl.onLog(args, state(step, step / 10.0), new TrainerControl(), logs("loss", 1.0 / step));
            csv.onLog(args, state(step, step / 10.0), new TrainerControl(), logs("loss", 1.0 / step));
        }
        jsonl.onEvaluate(args, state(5, 0.5), new TrainerControl(), Map.of("eval_loss", 0.25));

        // killed after step 7, resumed from checkpoint-5: steps 6 and 7 are trained and logged again
        JsonlLoggerCallback resumedJsonl = new JsonlLoggerCallback(new MetricsFileSettings("metrics.jsonl"), CLOCK);
        CsvLoggerCallback resumedCsv = new CsvLoggerCallback(new MetricsFileSettings("metrics.csv"), CLOCK);
        resumedJsonl.onTrainBegin(args, state(5, 0.5), new TrainerControl());
        resumedCsv.onTrainBegin(args, state(5, 0.5), new TrainerControl());
        resumedJsonl.onLog(args, state(6, 0.6), new TrainerControl(), logs("loss", 0.125));
        resumedCsv.onLog(args, state(6, 0.6), new TrainerControl(), logs("loss", 0.125));

        List<Long> steps = new ArrayList<>();
        for (String line : Files.readAllLines(directory.resolve("run/metrics.jsonl"))) {
            steps.add(JSON.readTree(line).get("step").asLong());
        }
        assertThat(steps).containsExactly(1L, 2L, 3L, 4L, 5L, 5L, 6L);
        assertThat(Files.readAllLines(directory.resolve("run/metrics.csv"))).hasSize(1 + 6)
                .last().asString().startsWith("log,6,0.6,").endsWith(",0.125");
    }

    @Test
    void onlyTheWorldProcessZeroWrites() throws IOException {
        TrainerState state = TrainerState.fromMap(java.util.Map.of("is_world_process_zero", false));
        new JsonlLoggerCallback(new MetricsFileSettings("metrics.jsonl"), CLOCK).onLog(args(), state, new TrainerControl(), logs("loss", 1.0));
        new CsvLoggerCallback(new MetricsFileSettings("metrics.csv"), CLOCK).onLog(args(), state, new TrainerControl(), logs("loss", 1.0));
        assertThat(directory.resolve("run")).doesNotExist();
    }

    @Test
    void csvGrowsItsHeaderAndKeepsEarlierRows() throws IOException {
        CsvLoggerCallback callback = new CsvLoggerCallback(new MetricsFileSettings("metrics.csv"), CLOCK);
        TrainingArguments args = args();
        TrainerControl control = new TrainerControl();
        callback.onLog(args, state(10, 0.5), control, logs("loss", 0.5, "learning_rate", 5e-5, "epoch", 0.5));
        callback.onLog(args, state(20, 1.0), control, logs("loss", 0.25, "learning_rate", 2.5e-5));
        callback.onEvaluate(args, state(20, 1.0), control, Map.of("eval_loss", 0.3));
        callback.onLog(args, state(30, 1.5), control, logs("loss", 0.125, "note", "a, \"quoted\" text"));

        String text = Files.readString(directory.resolve("run/metrics.csv"));
        assertThat(text).isEqualTo("""
                event,step,epoch,time,loss,learning_rate,eval_loss,note
                log,10,0.5,1.70000000025E9,0.5,5.0E-5,,
                log,20,1.0,1.70000000025E9,0.25,2.5E-5,,
                evaluate,20,1.0,1.70000000025E9,,,0.3,
                log,30,1.5,1.70000000025E9,0.125,,,"a, ""quoted"" text"
                """);
        List<List<String>> records = CsvFormat.parse(text);
        assertThat(records.get(4).get(7)).isEqualTo("a, \"quoted\" text");
        assertThat(directory.resolve("run/metrics.csv.tmp")).doesNotExist();
    }

    @Test
    void csvContinuesAnExistingFile() throws IOException {
        TrainingArguments args = args();
        new CsvLoggerCallback(new MetricsFileSettings("metrics.csv"), CLOCK)
                .onLog(args, state(1, 0.1), new TrainerControl(), logs("loss", 1.0));
        CsvLoggerCallback resumed = new CsvLoggerCallback(new MetricsFileSettings("metrics.csv"), CLOCK);
        resumed.onLog(args, state(2, 0.2), new TrainerControl(), logs("loss", 0.5));
        resumed.onLog(args, state(3, 0.3), new TrainerControl(), logs("grad_norm", Double.POSITIVE_INFINITY));
        assertThat(Files.readString(directory.resolve("run/metrics.csv"))).isEqualTo("""
                event,step,epoch,time,loss,grad_norm
                log,1,0.1,1.70000000025E9,1.0,
                log,2,0.2,1.70000000025E9,0.5,
                log,3,0.3,1.70000000025E9,,inf
                """);
    }

    @Test
    void csvFormatRoundTripsAwkwardFields() {
        List<String> fields = List.of("plain", "", "with,comma", "with \"quote\"", "two\nlines", "crlf\r\nend");
        List<List<String>> parsed = CsvFormat.parse(CsvFormat.formatRecord(fields) + CsvFormat.formatRecord(List.of("x")));
        assertThat(parsed).containsExactly(fields, List.of("x"));
    }
}
