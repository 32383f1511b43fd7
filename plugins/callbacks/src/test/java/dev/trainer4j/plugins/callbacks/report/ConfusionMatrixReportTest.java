package dev.trainer4j.plugins.callbacks.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The confusion-matrix metric's cells (confusion-matrix/<true>/<predicted>) drawn as a heat map in report.html. */
class ConfusionMatrixReportTest {
    @TempDir
    Path outputDir;

    private void writeLog(String... lines) throws IOException {
        Files.writeString(outputDir.resolve("metrics.jsonl"), String.join("\n", lines) + "\n");
    }

    @Test
    void theLastEvaluationsMatrixIsDrawnWithRowsTrueAndColumnsPredicted() throws IOException {
        writeLog("{\"event\":\"log\",\"step\":1,\"epoch\":0.5,\"time\":1,\"loss\":0.9}",
                "{\"event\":\"evaluate\",\"step\":2,\"epoch\":1,\"time\":2,\"eval_accuracy\":0.5,"
                        + "\"eval_confusion-matrix/ham/ham\":1,\"eval_confusion-matrix/ham/spam\":1,"
                        + "\"eval_confusion-matrix/spam/ham\":1,\"eval_confusion-matrix/spam/spam\":1}",
                "{\"event\":\"evaluate\",\"step\":4,\"epoch\":2,\"time\":3,\"eval_accuracy\":0.75,"
                        + "\"eval_confusion-matrix/ham/ham\":5,\"eval_confusion-matrix/ham/spam\":1,"
                        + "\"eval_confusion-matrix/spam/ham\":0,\"eval_confusion-matrix/spam/spam\":2}");
        RunReport.write(outputDir);
        String html = Files.readString(outputDir.resolve("report.html"));

        assertThat(html).contains("<section id=\"confusion-matrices\">")
                .contains("<figure class=\"matrix\" id=\"confusion-matrix-eval\">")
                .contains("eval_confusion-matrix at step 4: rows are the true class, columns the predicted class");
        String figure = html.substring(html.indexOf("<figure class=\"matrix\""), html.indexOf("</figure>",
                html.indexOf("<figure class=\"matrix\"")));
        // cell values in row-major order: the second evaluation's, and the largest (5) is the darkest
        assertThat(cellTexts(figure)).containsExactly("5", "1", "0", "2");
        assertThat(figure).contains("data-row=\"0\" data-column=\"0\" x=\"110\" y=\"110\" width=\"44\" height=\"44\""
                + " fill=\"" + ConfusionMatrices.colour(1.0) + "\"");
        assertThat(figure).contains("data-row=\"1\" data-column=\"0\" x=\"110\" y=\"154\" width=\"44\" height=\"44\""
                + " fill=\"#ffffff\"");
        assertThat(figure).contains(">ham</text>").contains(">spam</text>");
        // cells are not curves; the other metric still is
        assertThat(html).contains("id=\"plot-eval-accuracy\"").doesNotContain("plot-eval-confusion");
        assertThat(html).doesNotContain("xmlns");
    }

    @Test
    void eachEvaluationSetHasItsOwnMatrixAndARunWithoutCellsHasNone() throws IOException {
        writeLog("{\"event\":\"evaluate\",\"step\":2,\"epoch\":1,\"time\":2,"
                        + "\"eval_a_confusion-matrix/class_0/class_0\":0.25,\"eval_a_confusion-matrix/class_0/class_1\":0.75,"
                        + "\"eval_a_confusion-matrix/class_1/class_0\":0,\"eval_a_confusion-matrix/class_1/class_1\":1,"
                        + "\"eval_b_confusion-matrix/class_0/class_0\":3}");
        RunReport.write(outputDir);
        String html = Files.readString(outputDir.resolve("report.html"));

        assertThat(html).contains("id=\"confusion-matrix-eval-a\"").contains("id=\"confusion-matrix-eval-b\"");
        String first = html.substring(html.indexOf("id=\"confusion-matrix-eval-a\""), html.indexOf("id=\"confusion-matrix-eval-b\""));
        assertThat(cellTexts(first)).containsExactly("0.25", "0.75", "0", "1");

        writeLog("{\"event\":\"evaluate\",\"step\":2,\"epoch\":1,\"time\":2,\"eval_accuracy\":0.5}");
        RunReport.write(outputDir);
        assertThat(Files.readString(outputDir.resolve("report.html"))).doesNotContain("confusion-matrices");
    }

    private static List<String> cellTexts(String svg) {
        Matcher matcher = Pattern.compile("<rect class=\"cell\"[^>]*/>\\n<text[^>]*>([^<]*)</text>").matcher(svg);
        List<String> texts = new ArrayList<>();
        while (matcher.find()) {
            texts.add(matcher.group(1));
        }
        return texts;
    }
}
