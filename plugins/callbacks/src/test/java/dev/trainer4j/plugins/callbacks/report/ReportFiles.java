package dev.trainer4j.plugins.callbacks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading report.html and metrics.jsonl back in tests. */
final class ReportFiles {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DATA = Pattern.compile(
            "<script type=\"application/json\" id=\"metrics-data\">(.*?)</script>", Pattern.DOTALL);

    private ReportFiles() {
    }

    /** Every line of metrics.jsonl parsed on its own, as a JSON array. */
    static ArrayNode jsonlRecords(Path file) throws IOException {
        ArrayNode records = JSON.createArrayNode();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                records.add(JSON.readTree(line));
            }
        }
        return records;
    }

    /** The text inside {@code <script type="application/json" id="metrics-data">} parsed as JSON. */
    static JsonNode embeddedData(String html) throws IOException {
        Matcher matcher = DATA.matcher(html);
        assertThat(matcher.find()).as("report.html has the metrics-data script").isTrue();
        String data = matcher.group(1);
        assertThat(matcher.find()).as("exactly one metrics-data script").isFalse();
        return JSON.readTree(data);
    }

    /** How many pixels of {@code image} inside the rectangle are within {@code tolerance} of {@code rgb}. */
    static int pixelsNear(BufferedImage image, int rgb, int tolerance, int x0, int y0, int x1, int y1) {
        int count = 0;
        for (int y = Math.max(0, y0); y < Math.min(image.getHeight(), y1); y++) {
            for (int x = Math.max(0, x0); x < Math.min(image.getWidth(), x1); x++) {
                if (distance(image.getRGB(x, y), rgb) <= tolerance) {
                    count++;
                }
            }
        }
        return count;
    }

    /** How many pixels inside the rectangle differ from {@code background} by more than {@code tolerance}. */
    static int pixelsNotNear(BufferedImage image, int background, int tolerance, int x0, int y0, int x1, int y1) {
        int total = (Math.min(image.getHeight(), y1) - Math.max(0, y0)) * (Math.min(image.getWidth(), x1) - Math.max(0, x0));
        return total - pixelsNear(image, background, tolerance, x0, y0, x1, y1);
    }

    private static int distance(int a, int b) {
        return Math.max(Math.abs(((a >> 16) & 0xff) - ((b >> 16) & 0xff)),
                Math.max(Math.abs(((a >> 8) & 0xff) - ((b >> 8) & 0xff)), Math.abs((a & 0xff) - (b & 0xff))));
    }
}
