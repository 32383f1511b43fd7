package dev.trainer4j.plugins.callbacks.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Opens report.html in headless Chromium: once for the rendered DOM ({@code --dump-dom}), whose hidden
 * {@code render-info} the page's script filled with each plot's box and the records as the browser parsed them, and
 * once for a screenshot of the whole page. Skipped when {@code /usr/bin/chromium} is missing, unless the environment
 * has {@code REQUIRE_CHROMIUM=1} (CI), then it fails.
 */
class ReportBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int WINDOW_WIDTH = 1200;
    private static final Pattern RENDER_INFO = Pattern.compile("<pre id=\"render-info\">(.*?)</pre>", Pattern.DOTALL);
    /** JSON numbers compared by value: the browser writes 1.0 as 1. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    @TempDir
    Path directory;

    @Test
    void chromiumRendersEveryPlotFromTheEmbeddedDataWithoutAnyAddress() throws Exception {
        requireChromium();
        Path outputDir = directory.resolve("run");
        Files.createDirectories(outputDir);
        SimulatedRun.write(outputDir, Map.of());
        Path report = RunReport.write(outputDir, outputDir.resolve("metrics.jsonl"), SimulatedRun.args(outputDir).toMap());
        String url = report.toUri().toString();
        assertThat(url).startsWith("file:");

        String dom = chromium(List.of("--dump-dom", url), WINDOW_WIDTH, 900, "dump-dom");
        assertThat(dom).contains("<figure class=\"plot\"").doesNotContainIgnoringCase("http://").doesNotContainIgnoringCase("https://");
        Matcher matcher = RENDER_INFO.matcher(dom);
        assertThat(matcher.find()).as("the page's script filled render-info").isTrue();
        JsonNode info = ReportFiles.JSON.readTree(unescapeHtml(matcher.group(1)));

        JsonNode expected = ReportFiles.jsonlRecords(outputDir.resolve("metrics.jsonl"));
        assertThat(info.get("records").equals(BY_VALUE, expected))
                .as("the records the browser parsed from the page equal metrics.jsonl:\n%s\n%s", info.get("records"), expected)
                .isTrue();
        assertThat(ReportFiles.embeddedData(dom)).isEqualTo(expected);

        JsonNode plots = info.get("plots");
        List<String> ids = new ArrayList<>();
        plots.fieldNames().forEachRemaining(ids::add);
        assertThat(ids).containsExactly("plot-loss", "plot-eval-accuracy", "plot-eval-f1", "plot-learning-rate", "plot-throughput");

        int pageHeight = Math.min(info.get("pageHeight").asInt(), 16_000);
        Path screenshot = directory.resolve("report.png");
        chromium(List.of("--screenshot=" + screenshot, url), WINDOW_WIDTH, pageHeight, "screenshot");
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertThat(image).as("the screenshot decodes").isNotNull();
        assertThat(image.getWidth()).isEqualTo(WINDOW_WIDTH);
        assertThat(image.getHeight()).isEqualTo(pageHeight);

        int firstSeries = Integer.parseInt(ChartLayout.color(0).substring(1), 16);
        for (Iterator<Map.Entry<String, JsonNode>> it = plots.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> plot = it.next();
            JsonNode box = plot.getValue();
            int x0 = (int) Math.ceil(box.get("x").asDouble());
            int y0 = (int) Math.ceil(box.get("y").asDouble());
            int x1 = (int) Math.floor(box.get("x").asDouble() + box.get("width").asDouble());
            int y1 = (int) Math.floor(box.get("y").asDouble() + box.get("height").asDouble());
            assertThat(box.get("width").asDouble()).as(plot.getKey() + " width").isGreaterThan(400);
            assertThat(box.get("height").asDouble()).as(plot.getKey() + " height").isGreaterThan(200);
            assertThat(y1).as(plot.getKey() + " lies inside the screenshot").isLessThanOrEqualTo(image.getHeight());
            int area = (x1 - x0) * (y1 - y0);
            int drawn = ReportFiles.pixelsNotNear(image, 0xFFFFFF, 16, x0 + 2, y0 + 2, x1 - 2, y1 - 2);
            assertThat(drawn).as("non-background pixels in " + plot.getKey()).isGreaterThan(area / 100);
            assertThat(ReportFiles.pixelsNear(image, firstSeries, 24, x0, y0, x1, y1))
                    .as("pixels of the first curve in " + plot.getKey()).isGreaterThan(50);
        }
    }

    private static void requireChromium() {
        if (!Files.isExecutable(CHROMIUM)) {
            if ("1".equals(System.getenv("REQUIRE_CHROMIUM"))) {
                fail(CHROMIUM + " is missing but REQUIRE_CHROMIUM=1; install it with .ci/install-chromium");
            }
            Assumptions.abort(CHROMIUM + " is missing; run .ci/install-chromium to run this test");
        }
    }

    /** Runs headless Chromium without any network use and returns its standard output. */
    private String chromium(List<String> arguments, int width, int height, String name) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(directory.resolve("profile-" + name));
        Path out = directory.resolve(name + ".out");
        Path err = directory.resolve(name + ".err");
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                fail("chromium " + name + " did not finish in 90 s; stderr:\n" + Files.readString(err));
            }
        }
        finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(process.exitValue()).as("chromium " + name + " exit code; stderr:\n" + Files.readString(err)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** The text of a {@code <pre>} as --dump-dom serializes it. */
    private static String unescapeHtml(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }
}
