package dev.trainer4j.cli;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Named-entity recognition from a run file, end to end: pre-tokenized examples with word-level tags and word ids,
 * the {@code token-classification} collator aligning the tags to sub-word tokens, a {@code bert-encoder} with the
 * token-classification head, and the {@code seqeval} metric. A word's tag is a function of its id (1–3 O, 4–6 B-PER,
 * 7–9 I-PER), even ids are split into two pieces (id, id + 10), and every sequence is framed by [CLS] (20) and [SEP]
 * (21): the first pieces carry everything the model needs, so a short training run scores nearly every entity.
 */
final class TokenClassificationRunFileTest {
    @TempDir
    Path directory;

    private static String examples(Random random, int count) {
        StringBuilder lines = new StringBuilder();
        for (int n = 0; n < count; n++) {
            List<Integer> ids = new ArrayList<>(List.of(20));
            List<Integer> wordIds = new ArrayList<>(List.of(-1));
            List<Integer> tags = new ArrayList<>();
            int words = 3 + random.nextInt(4);
            for (int word = 0; word < words; word++) {
                int id = 1 + random.nextInt(9);
                tags.add(id <= 3 ? 0 : id <= 6 ? 1 : 2);
                ids.add(id);
                wordIds.add(word);
                if (id % 2 == 0) {
                    ids.add(id + 10);
                    wordIds.add(word);
                }
            }
            ids.add(21);
            wordIds.add(-1);
            lines.append("{\"input_ids\": ").append(json(ids)).append(", \"word_ids\": ").append(json(wordIds))
                    .append(", \"labels\": ").append(json(tags)).append("}\n");
        }
        return lines.toString();
    }

    private static String json(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }

    @Test
    void aBertEncoderLearnsToTagEntitiesFromARunFile() throws IOException {
        Random random = new Random(16);
        Files.writeString(directory.resolve("train.jsonl"), examples(random, 64));
        Files.writeString(directory.resolve("eval.jsonl"), examples(random, 16));
        Path runFile = directory.resolve("ner.conf");
        Files.writeString(runFile, """
                model { type = bert-encoder, head = token-classification, num-labels = 3, vocab-size = 24,
                        hidden-size = 32, num-layers = 1, num-heads = 2, intermediate-size = 64, max-position = 16,
                        hidden-dropout = 0.0, attention-dropout = 0.0 }
                data {
                  train { type = jsonl, path = train.jsonl }
                  eval { type = jsonl, path = eval.jsonl }
                }
                collator { type = token-classification }
                metrics = [{ type = seqeval, label-names = [O, B-PER, I-PER] }]
                callbacks = []
                args { output-dir = "%s", max-steps = 48, per-device-train-batch-size = 8, learning-rate = 5e-3,
                       save-strategy = no, disable-progress = true, seed = 3 }
                """.formatted(directory.resolve("out").toString().replace("\\", "/")));
        Trainer4j runtime = Trainer4j.create();
        try (Trainer trainer = runtime.trainer(runtime.load(runFile, ConfigFactory.empty()))) {
            trainer.train();
            Map<String, Double> metrics = trainer.evaluate();
            System.out.println("bert-encoder NER run file: " + metrics);
            assertThat(metrics).containsKeys("eval_overall_precision", "eval_overall_recall", "eval_overall_accuracy",
                    "eval_PER_f1", "eval_PER_number");
            assertThat(metrics.get("eval_overall_f1")).isGreaterThan(0.9);
            assertThat(metrics.get("eval_overall_accuracy")).isGreaterThan(0.9);
        }
    }
}
