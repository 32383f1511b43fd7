package dev.trainer4j.plugins.callbacks.report;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportCallbackTest {
    @TempDir
    Path outputDir;

    private static TrainerState state() {
        TrainerState state = new TrainerState();
        state.setGlobalStep(60);
        state.setEpoch(3.0);
        return state;
    }

    @Test
    void writesTheReportWithTheRunsArgumentsAtTrainEnd() throws IOException {
        SimulatedRun.write(outputDir, Map.of());
        TrainingArguments args = SimulatedRun.args(outputDir);
        ReportCallback callback = new ReportCallback(new ReportSettings("metrics.jsonl"));

        callback.onTrainBegin(args, state(), new TrainerControl());
        assertThat(outputDir.resolve("report.html")).doesNotExist();
        callback.onTrainEnd(args, state(), new TrainerControl());

        String html = Files.readString(outputDir.resolve("report.html"));
        assertThat(html).contains("<tr><td>num-train-epochs</td><td class=\"value\">3</td></tr>");
        assertThat(ReportFiles.embeddedData(html)).isEqualTo(ReportFiles.jsonlRecords(outputDir.resolve("metrics.jsonl")));
        assertThat(outputDir.resolve("plots/loss.png")).isRegularFile();
    }

    @Test
    void readsTheConfiguredMetricsFile() throws IOException {
        SimulatedRun.write(outputDir, Map.of());
        Files.createDirectories(outputDir.resolve("logs"));
        Files.move(outputDir.resolve("metrics.jsonl"), outputDir.resolve("logs/events.jsonl"));
        ReportCallback callback = (ReportCallback) new ReportCallbackFactory().create(
                ConfigFactory.parseString("type = report, metrics-file = logs/events.jsonl"), () -> outputDir);

        callback.onTrainEnd(SimulatedRun.args(outputDir), state(), new TrainerControl());

        assertThat(Files.readString(outputDir.resolve("report.html"))).contains("records from events.jsonl");
    }

    @Test
    void withoutAMetricsLogItWritesNothing() {
        new ReportCallback(new ReportSettings("metrics.jsonl")).onTrainEnd(SimulatedRun.args(outputDir), state(), new TrainerControl());
        assertThat(outputDir.resolve("report.html")).doesNotExist();
    }

    @Test
    void onlyTheWorldProcessZeroWrites() {
        SimulatedRun.write(outputDir, Map.of());
        TrainerState replica = TrainerState.fromMap(java.util.Map.of("global_step", 60, "is_world_process_zero", false));
        new ReportCallback(new ReportSettings("metrics.jsonl")).onTrainEnd(SimulatedRun.args(outputDir), replica, new TrainerControl());
        assertThat(outputDir.resolve("report.html")).doesNotExist();
    }

    @Test
    void badSettingsNameTheKey() {
        assertThatThrownBy(() -> ReportSettings.fromConfig(ConfigFactory.parseString("metrics-file = \"/abs/metrics.jsonl\"")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("report.metrics-file: '/abs/metrics.jsonl' is not allowed; expected a non-empty path relative to output-dir");
        assertThatThrownBy(() -> ReportSettings.fromConfig(ConfigFactory.parseString("metrics-file = x, file = y")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("callback report has no setting 'file'");
    }
}
