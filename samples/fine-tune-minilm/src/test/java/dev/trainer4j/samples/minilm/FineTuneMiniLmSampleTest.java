package dev.trainer4j.samples.minilm;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.config.ConfigOverrides;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A very short version of run.conf (the full fine-tune takes minutes; see docs/pretrained-models.md): the same model,
 * pretrained weights, tokenizer and data, {@value #STEPS} steps on the first {@value #TRAIN_EXAMPLES} training
 * messages cut to {@value #MAX_LENGTH} tokens, then the validation loss on the first {@value #VALIDATION_EXAMPLES}
 * validation messages. To keep the test short only the last encoder layer and the classifier train (the others are
 * frozen, so the training graph has a sixth of the encoder's gradients), at lr 5e-4. The bar is the loss of a model
 * that learned only how common spam is: the entropy of the labels, -p ln p - (1 - p) ln(1 - p) with p the spam
 * fraction of those messages (0.406 nats, p = 0.141). The pretrained encoder must get below half of it: the weights
 * really loaded and their features already separate spam from ham. Measured: 0.157 from the pretrained weights, 0.356
 * from a randomly initialised encoder (this test with {@code init-from = null}), so it fails when the weights do not
 * load.
 */
final class FineTuneMiniLmSampleTest {
    private static final int STEPS = 12;
    private static final int TRAIN_EXAMPLES = 32 * STEPS;
    private static final int VALIDATION_EXAMPLES = 128;
    private static final int MAX_LENGTH = 32;
    private static final Path VALIDATION = Path.of("../text-classification/data/validation.jsonl");

    @Test
    void aFewStepsFromThePretrainedWeightsGoFarBelowTheLabelEntropy(@TempDir Path output) throws IOException {
        Trainer4j runtime = Trainer4j.create();
        RunConfig run = runtime.load(Path.of("run.conf"), ConfigOverrides.parse(List.of(
                "args.output-dir=" + output,
                "data.train.limit=" + TRAIN_EXAMPLES,
                "data.eval={ validation { type = jsonl, path = \"" + VALIDATION + "\", limit = "
                        + VALIDATION_EXAMPLES + " } }",
                "tokenizer.max-length=" + MAX_LENGTH,
                "model.freeze=[\"embeddings/*\", \"encoder/layer_0/*\", \"encoder/layer_1/*\", \"encoder/layer_2/*\","
                        + " \"encoder/layer_3/*\", \"encoder/layer_4/*\"]",
                "args.learning-rate=5e-4",
                "args.warmup-steps=0",
                "args.eval-strategy=no",
                "callbacks=[]")));
        double loss;
        try (Trainer trainer = runtime.trainer(run)) {
            assertThat(trainer.train().globalStep()).isEqualTo(STEPS);
            Map<String, Double> metrics = trainer.evaluate();
            loss = metrics.get("eval_validation_loss");
        }
        double spam = spamFraction();
        double entropy = -spam * Math.log(spam) - (1 - spam) * Math.log(1 - spam);
        System.out.printf("MiniLM after %d steps from the pretrained weights: validation loss %.4f; label entropy %.4f"
                + " (spam fraction %.3f)%n", STEPS, loss, entropy, spam);
        assertThat(spam).isBetween(0.05, 0.5);
        assertThat(loss).isLessThan(entropy / 2);
    }

    private static double spamFraction() throws IOException {
        try (var lines = Files.lines(VALIDATION)) {
            return lines.limit(VALIDATION_EXAMPLES)
                    .mapToInt(line -> ConfigFactory.parseString(line).getInt("label"))
                    .average().orElseThrow();
        }
    }
}
