package dev.trainer4j.plugins.callbacks.report;

import java.nio.file.Path;
import java.util.List;

/**
 * The child JVM of {@link PngChartRendererTest}: writes one chart to the PNG file of its only argument, then prints
 * {@code java.awt.headless=<value>} (the system property after rendering).
 */
public final class PngRenderChild {
    private PngRenderChild() {
    }

    static Chart chart() {
        return new Chart("plot-loss", "Loss", "loss", List.of(
                new Chart.Series("train loss", List.of(new Chart.Point(1, 1.0), new Chart.Point(2, 0.5), new Chart.Point(3, 0.25))),
                new Chart.Series("eval loss", List.of(new Chart.Point(2, 0.75)))), false);
    }

    public static void main(String[] arguments) {
        PngChartRenderer.write(chart(), Path.of(arguments[0]));
        System.out.println("java.awt.headless=" + System.getProperty("java.awt.headless"));
    }
}
