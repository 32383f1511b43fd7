package dev.trainer4j.plugins.callbacks.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunReportTest {
    private static final List<String> PLOTS = List.of("plot-loss", "plot-eval-accuracy", "plot-eval-f1", "plot-learning-rate",
            "plot-throughput");

    @TempDir
    Path outputDir;

    @Test
    void theEmbeddedDataIsExactlyTheRecordsOfMetricsJsonl() throws IOException {
        SimulatedRun.write(outputDir, Map.of("note", "</script><b>x</b> & 'y'", "nan_value", Double.NaN));
        RunReport.write(outputDir);

        String html = Files.readString(outputDir.resolve("report.html"));
        JsonNode records = ReportFiles.jsonlRecords(outputDir.resolve("metrics.jsonl"));
        // 12 logs + 3 × (evaluate + logged eval + epoch loss) + summary + predict
        assertThat(records).hasSize(12 + 3 * 3 + 2);
        assertThat(ReportFiles.embeddedData(html)).isEqualTo(records);
        assertThat(html).doesNotContain("<b>x</b>");
    }

    @Test
    void thePageNamesNoAddressEvenWhenAValueIsOne() throws IOException {
        SimulatedRun.write(outputDir, Map.of("source", "https://example.org/data and http://example.org"));
        RunReport.write(outputDir, outputDir.resolve("metrics.jsonl"), Map.of("homepage", "https://example.org"));

        String html = Files.readString(outputDir.resolve("report.html"));
        assertThat(html).doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://")
                .doesNotContain("xmlns").doesNotContain(" src=").doesNotContain("<link");
        assertThat(ReportFiles.embeddedData(html)).isEqualTo(ReportFiles.jsonlRecords(outputDir.resolve("metrics.jsonl")));
        assertThat(ReportFiles.embeddedData(html).get(0).get("source").asText())
                .isEqualTo("https://example.org/data and http://example.org");
        assertThat(html).contains("<td class=\"value\">https&#58;//example.org</td>");
    }

    @Test
    void everyPlotHasAStableContainerAndAPngWithTheCurveInsideThePlotArea() throws IOException {
        SimulatedRun.write(outputDir, Map.of());
        RunReport.write(outputDir);
        String html = Files.readString(outputDir.resolve("report.html"));

        Matcher figures = Pattern.compile("<figure class=\"plot\" id=\"([^\"]+)\">").matcher(html);
        List<String> ids = figures.results().map(match -> match.group(1)).toList();
        assertThat(ids).containsExactlyElementsOf(PLOTS);

        int firstSeries = Integer.parseInt(ChartLayout.color(0).substring(1), 16);
        for (String id : PLOTS) {
            Path png = outputDir.resolve("plots").resolve(id.substring("plot-".length()) + ".png");
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as(png.toString()).isNotNull();
            assertThat(image.getWidth()).isEqualTo(ChartLayout.WIDTH);
            assertThat(image.getHeight()).isEqualTo(ChartLayout.HEIGHT);
            int left = ChartLayout.LEFT + 2;
            int top = ChartLayout.TOP + 2;
            int right = ChartLayout.LEFT + ChartLayout.PLOT_WIDTH - 1;
            int bottom = ChartLayout.TOP + ChartLayout.PLOT_HEIGHT - 1;
            assertThat(ReportFiles.pixelsNear(image, firstSeries, 8, left, top, right, bottom))
                    .as("pixels of the first curve inside the plot area of " + png.getFileName()).isGreaterThan(30);
            assertThat(ReportFiles.pixelsNotNear(image, 0xFFFFFF, 0, 0, bottom + 3, ChartLayout.WIDTH, ChartLayout.HEIGHT))
                    .as("tick labels and the x label below the plot area of " + png.getFileName()).isGreaterThan(100);
            assertThat(ReportFiles.pixelsNotNear(image, 0xFFFFFF, 0, 0, ChartLayout.TOP, ChartLayout.LEFT - 2, bottom))
                    .as("tick labels and the y label left of the plot area of " + png.getFileName()).isGreaterThan(100);
        }
    }

    @Test
    void finalMetricsComeFromAllResultsAndArgumentsFromTheSnapshotFile() throws IOException {
        SimulatedRun.write(outputDir, Map.of());
        Files.writeString(outputDir.resolve("all_results.json"), "{\"eval_accuracy\": 0.9125, \"train_loss\": 0.42}");
        Files.writeString(outputDir.resolve("trainer_state.json"), "{\"global_step\": 60, \"best_metric\": 0.9125, \"log_history\": []}");
        Files.createDirectories(outputDir.resolve("checkpoint-40"));
        Files.writeString(outputDir.resolve("checkpoint-40/training_args.json"), "{\"learning-rate\": 0.001}");
        Files.createDirectories(outputDir.resolve("checkpoint-60"));
        Files.writeString(outputDir.resolve("checkpoint-60/training_args.json"), "{\"learning-rate\": 0.0003, \"seed\": 7}");

        RunReport.write(outputDir);
        String html = Files.readString(outputDir.resolve("report.html"));

        assertThat(section(html, "final-metrics")).contains("From all_results.json")
                .contains("<tr><td>eval_accuracy</td><td class=\"value\">0.9125</td></tr>")
                .contains("<tr><td>train_loss</td><td class=\"value\">0.42</td></tr>")
                .doesNotContain("test_accuracy");
        assertThat(section(html, "run-state")).contains("<tr><td>global_step</td><td class=\"value\">60</td></tr>")
                .contains("<tr><td>best_metric</td><td class=\"value\">0.9125</td></tr>").doesNotContain("log_history");
        assertThat(section(html, "arguments")).contains("<tr><td>learning-rate</td><td class=\"value\">0.0003</td></tr>")
                .contains("<tr><td>seed</td><td class=\"value\">7</td></tr>");
    }

    @Test
    void withoutAllResultsTheFinalMetricsAreEachKeysLastValue() throws IOException {
        SimulatedRun.write(outputDir, Map.of());
        RunReport.write(outputDir, outputDir.resolve("metrics.jsonl"), SimulatedRun.args(outputDir).toMap());
        String html = Files.readString(outputDir.resolve("report.html"));

        assertThat(section(html, "final-metrics"))
                .contains("<tr><td>eval_accuracy</td><td class=\"value\">0.9</td></tr>")
                .contains("<tr><td>test_accuracy</td><td class=\"value\">0.875</td></tr>")
                .contains("<tr><td>loss</td><td class=\"value\">" + ChartLayout.formatValue(SimulatedRun.loss(60)) + "</td></tr>");
        assertThat(section(html, "arguments")).contains("<tr><td>learning-rate</td><td class=\"value\">5e-05</td></tr>")
                .contains("<tr><td>output-dir</td><td class=\"value\">" + outputDir + "</td></tr>");
        assertThat(html).doesNotContain("id=\"run-state\"");
    }

    @Test
    void theRunNameArgumentTitlesTheReportElseTheOutputDirsName() throws IOException {
        SimulatedRun.write(outputDir, Map.of());
        RunReport.write(outputDir, outputDir.resolve("metrics.jsonl"), SimulatedRun.args(outputDir).toMap());
        String unnamed = Files.readString(outputDir.resolve("report.html"));
        String folder = outputDir.toAbsolutePath().normalize().getFileName().toString();
        assertThat(unnamed).contains("<title>trainer4j report: " + folder + "</title>")
                .contains("<h1>Training report: " + folder + "</h1>");

        RunReport.write(outputDir, outputDir.resolve("metrics.jsonl"),
                SimulatedRun.args(outputDir).toBuilder().runName("sms-spam <small>").build().toMap());
        String named = Files.readString(outputDir.resolve("report.html"));
        assertThat(named).contains("<title>trainer4j report: sms-spam &lt;small&gt;</title>")
                .contains("<h1>Training report: sms-spam &lt;small&gt;</h1>");
    }

    @Test
    void aMissingOrBadMetricsLogIsAnErrorNamingTheFileAndLine() throws IOException {
        assertThatThrownBy(() -> RunReport.write(outputDir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no metrics log " + outputDir.resolve("metrics.jsonl")
                        + " to report on; add the jsonl-logger callback to the run's callbacks");

        Files.writeString(outputDir.resolve("metrics.jsonl"), "{\"event\":\"log\",\"step\":1,\"loss\":1.0}\n\n{\"event\":\"log\",\"step\":2,\n");
        assertThatThrownBy(() -> RunReport.write(outputDir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(outputDir.resolve("metrics.jsonl") + " line 3: not valid JSON");
        assertThat(outputDir.resolve("report.html")).doesNotExist();
    }

    @Test
    void anEmptyLogGivesAPageWithoutPlots() throws IOException {
        Files.writeString(outputDir.resolve("metrics.jsonl"), "");
        RunReport.write(outputDir);
        String html = Files.readString(outputDir.resolve("report.html"));
        assertThat(html).contains("No logged values to plot yet.").doesNotContain("<figure");
        assertThat(ReportFiles.embeddedData(html)).isEqualTo(ReportFiles.JSON.createArrayNode());
    }

    private static String section(String html, String id) {
        int start = html.indexOf("<section id=\"" + id + "\">");
        assertThat(start).as("section " + id).isNotNegative();
        return html.substring(start, html.indexOf("</section>", start));
    }
}
