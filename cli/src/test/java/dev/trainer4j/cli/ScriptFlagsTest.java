package dev.trainer4j.cli;

import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** HF's script flags do-train, do-eval and do-predict, honoured by {@code trainer4j train} (tiny TF run). */
final class ScriptFlagsTest {
    @TempDir
    Path directory;
    private String out;
    private String err;

    private int run(String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        int code = Trainer4jCli.run(new CliContext(Trainer4j::create, directory.resolve("none.conf")),
                new PrintWriter(outText), new PrintWriter(errText), args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }

    private Path runFile() throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            rows.append("{\"text\": \"win cash prize now\", \"label\": 1}\n{\"text\": \"see you at lunch\", \"label\": 0}\n");
        }
        Files.writeString(directory.resolve("train.jsonl"), rows.toString());
        Files.writeString(directory.resolve("eval.jsonl"), rows.toString());
        return Files.writeString(directory.resolve("run.conf"), """
                model { type = transformer-classifier, hidden-size = 8, num-layers = 1, num-heads = 2,
                        intermediate-size = 16, max-position = 8, dropout = 0.0, pooling = mean }
                tokenizer { type = word-level, max-length = 8 }
                data { train { type = jsonl, path = train.jsonl }, eval { type = jsonl, path = eval.jsonl } }
                collator { type = padding, pad-to-multiple-of = 8 }
                metrics = [accuracy]
                args { output-dir = "%s", max-steps = 2, per-device-train-batch-size = 8, save-strategy = no,
                       disable-progress = true }
                """.formatted(directory.resolve("out").toString().replace("\\", "/")));
    }

    @Test
    void theTrainCommandTrainsEvaluatesAndPredictsAsTheFlagsSay() throws IOException {
        Path runFile = runFile();

        assertThat(run("train", runFile.toString(), "--set", "args.do_train=false", "--set", "args.do_predict=true"))
                .as(err).isZero();
        assertThat(out).doesNotContain("train: global_step").contains("eval accuracy = ")
                .contains("predict eval:").contains("test_loss = ").contains("test_accuracy = ");

        assertThat(run("train", runFile.toString(), "--set", "args.do-eval=false")).as(err).isZero();
        assertThat(out).contains("train: global_step=2").doesNotContain("eval accuracy").doesNotContain("predict eval:");
    }
}
