package dev.trainer4j.plugins.callbacks.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Draws a {@link Chart} with Java2D into a PNG: the same layout as the SVG (white background, grid, axes with ticks
 * and labels, title, legend, curves with point markers). It draws only into a {@link BufferedImage} through its own
 * {@link Graphics2D} (fonts and font metrics included) and never opens a window or asks for a screen device, so it
 * works without a display and leaves {@code java.awt.headless} to the application (on Linux a JVM without
 * {@code DISPLAY} is headless by itself; the {@code trainer4j} launcher passes {@code -Djava.awt.headless=true}).
 */
final class PngChartRenderer {
    static final Color BACKGROUND = Color.WHITE;

    private PngChartRenderer() {
    }

    static BufferedImage render(Chart chart) {
        ChartLayout layout = new ChartLayout(chart);
        BufferedImage image = new BufferedImage(ChartLayout.WIDTH, ChartLayout.HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, ChartLayout.WIDTH, ChartLayout.HEIGHT);
            int bottom = ChartLayout.TOP + ChartLayout.PLOT_HEIGHT;
            int right = ChartLayout.LEFT + ChartLayout.PLOT_WIDTH;

            g.setColor(new Color(0xE3E3E3));
            g.setStroke(new BasicStroke(1f));
            for (double tick : layout.y().ticks()) {
                g.draw(new Line2D.Double(ChartLayout.LEFT, layout.pixelY(tick), right, layout.pixelY(tick)));
            }
            for (double tick : layout.x().ticks()) {
                g.draw(new Line2D.Double(layout.pixelX(tick), ChartLayout.TOP, layout.pixelX(tick), bottom));
            }

            Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            g.setFont(font);
            FontMetrics metrics = g.getFontMetrics();
            g.setColor(new Color(0x333333));
            g.draw(new Line2D.Double(ChartLayout.LEFT, bottom, right, bottom));
            g.draw(new Line2D.Double(ChartLayout.LEFT, ChartLayout.TOP, ChartLayout.LEFT, bottom));
            for (double tick : layout.x().ticks()) {
                double x = layout.pixelX(tick);
                g.draw(new Line2D.Double(x, bottom, x, bottom + 5));
                String label = layout.x().label(tick);
                g.drawString(label, (float) (x - metrics.stringWidth(label) / 2.0), bottom + 19);
            }
            for (double tick : layout.y().ticks()) {
                double y = layout.pixelY(tick);
                g.draw(new Line2D.Double(ChartLayout.LEFT - 5, y, ChartLayout.LEFT, y));
                String label = layout.y().label(tick);
                g.drawString(label, ChartLayout.LEFT - 8 - metrics.stringWidth(label), (float) (y + 4));
            }
            g.setFont(font.deriveFont(13f));
            FontMetrics labelMetrics = g.getFontMetrics();
            g.drawString(Chart.X_LABEL, ChartLayout.LEFT + ChartLayout.PLOT_WIDTH / 2f - labelMetrics.stringWidth(Chart.X_LABEL) / 2f,
                    ChartLayout.HEIGHT - 12);
            AffineTransform saved = g.getTransform();
            g.translate(20, ChartLayout.TOP + ChartLayout.PLOT_HEIGHT / 2.0);
            g.rotate(-Math.PI / 2);
            g.drawString(chart.yLabel(), -labelMetrics.stringWidth(chart.yLabel()) / 2f, 0);
            g.setTransform(saved);

            g.setFont(font.deriveFont(Font.BOLD, 16f));
            g.setColor(new Color(0x222222));
            g.drawString(chart.title(), ChartLayout.LEFT, 22);

            g.setFont(font);
            List<Chart.Series> series = chart.series();
            int legendX = ChartLayout.LEFT;
            for (int i = 0; i < series.size(); i++) {
                Chart.Series curve = series.get(i);
                Color color = Color.decode(ChartLayout.color(i));
                g.setColor(color);
                g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                if (curve.points().size() > 1) {
                    Path2D.Double line = new Path2D.Double();
                    for (Chart.Point point : curve.points()) {
                        double x = layout.pixelX(point.step());
                        double y = layout.pixelY(point.value());
                        if (line.getCurrentPoint() == null) {
                            line.moveTo(x, y);
                        }
                        else {
                            line.lineTo(x, y);
                        }
                    }
                    g.draw(line);
                }
                if (ChartLayout.markers(curve)) {
                    for (Chart.Point point : curve.points()) {
                        g.fill(new Ellipse2D.Double(layout.pixelX(point.step()) - 3, layout.pixelY(point.value()) - 3, 6, 6));
                    }
                }
                g.fillRect(legendX, 34, 14, 10);
                g.setColor(new Color(0x333333));
                g.drawString(curve.name(), legendX + 19, 43);
                legendX += 19 + metrics.stringWidth(curve.name()) + 22;
            }
        }
        finally {
            g.dispose();
        }
        return image;
    }

    static void write(Chart chart, Path file) {
        BufferedImage image = render(chart);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
