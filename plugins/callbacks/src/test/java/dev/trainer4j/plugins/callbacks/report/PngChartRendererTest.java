package dev.trainer4j.plugins.callbacks.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The PNG renderer draws without a display and leaves the JVM-wide {@code java.awt.headless} property alone. */
class PngChartRendererTest {
    @TempDir
    Path dir;

    @Test
    void renderingLeavesTheHeadlessPropertyAsItWas() {
        String before = System.getProperty("java.awt.headless");

        BufferedImage image = PngChartRenderer.render(PngRenderChild.chart());

        assertThat(image.getWidth()).isEqualTo(ChartLayout.WIDTH);
        assertThat(System.getProperty("java.awt.headless")).isEqualTo(before);
    }

    /** A fresh JVM without the property and without a display: the first AWT use in it is the renderer's. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFreshJvmWithoutDisplayOrHeadlessPropertyWritesThePngAndKeepsThePropertyUnset() throws Exception {
        Path png = dir.resolve("loss.png");
        Path output = dir.resolve("child.out");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), PngRenderChild.class.getName(), png.toString()))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().remove("DISPLAY");
        builder.environment().remove("WAYLAND_DISPLAY");
        Process child = builder.start();

        assertThat(child.waitFor(50, TimeUnit.SECONDS)).as("the child exited").isTrue();
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(child.exitValue()).as(printed).isZero();
        assertThat(printed).contains("java.awt.headless=null");
        assertThat(readImage(png).getWidth()).isEqualTo(ChartLayout.WIDTH);
        assertThat(readImage(png).getHeight()).isEqualTo(ChartLayout.HEIGHT);
    }

    private static BufferedImage readImage(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG was written to %s", png).isNotNull();
        return image;
    }
}
