package dev.trainer4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code trainer4j generate} after a tiny real training run of a causal LM (word-level tokenizer, TF backend). */
final class GenerateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;
    private String err;

    private int run(String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        int code = Trainer4jCli.run(new CliContext(Trainer4j::create, directory.resolve("none.conf")),
                new PrintWriter(outText), new PrintWriter(errText), args);
        err = errText.toString() + outText;
        return code;
    }

    @Test
    void generatesTheLearnedContinuationOfEveryPromptAsJsonLines() throws IOException {
        StringBuilder train = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            train.append("{\"text\": \"the cat sat on the mat\"}\n");
            train.append("{\"text\": \"a dog ran to the park\"}\n");
        }
        Files.writeString(directory.resolve("train.jsonl"), train.toString());
        Path runFile = Files.writeString(directory.resolve("run.conf"), """
                model { type = transformer-lm, hidden-size = 16, num-layers = 1, num-heads = 2,
                        intermediate-size = 32, max-position = 16, dropout = 0.0 }
                tokenizer { type = word-level, max-length = 8, add-special-tokens = false }
                data { train { type = jsonl, path = train.jsonl } }
                collator { type = language-modeling, mlm = false }
                args { output-dir = "%s", max-steps = 60, per-device-train-batch-size = 8, learning-rate = 1e-2,
                       save-strategy = steps, save-steps = 60, disable-progress = true,
                       generation-config { max-new-tokens = 3 } }
                """.formatted(directory.resolve("out")));
        assertThat(run("train", runFile.toString())).as(err).isZero();

        Path input = Files.writeString(directory.resolve("prompts.jsonl"),
                "{\"id\": 1, \"text\": \"the cat sat\"}\n{\"id\": 2, \"text\": \"a dog\"}\n");
        assertThat(run("generate", runFile.toString(), "--input", input.toString(), "--checkpoint", "latest"))
                .as(err).isZero();
        List<String> lines = Files.readAllLines(directory.resolve("prompts.generated.jsonl"));
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(first.get("id").asInt()).isEqualTo(1);
        assertThat(first.get("generated_ids")).hasSize(3);
        assertThat(first.get("generated_text").asText()).isEqualTo("on the mat");
        assertThat(second.get("generated_text").asText()).isEqualTo("ran to the");

        // a per-call setting: one new token
        Path output = directory.resolve("one.jsonl");
        assertThat(run("generate", runFile.toString(), "--input", input.toString(), "--output", output.toString(),
                "--set-generation", "max-new-tokens=1", "--set-generation", "num-beams=2")).as(err).isZero();
        assertThat(JSON.readTree(Files.readAllLines(output).get(0)).get("generated_text").asText()).isEqualTo("on");
        // a bad setting names its key
        assertThat(run("generate", runFile.toString(), "--input", input.toString(), "--set-generation", "num-beams=0"))
                .isEqualTo(2);
        assertThat(err).contains("--set-generation.num-beams");
    }
}
