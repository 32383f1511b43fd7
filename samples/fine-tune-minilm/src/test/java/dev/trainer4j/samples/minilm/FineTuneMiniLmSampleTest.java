package dev.trainer4j.samples.minilm;

import dev.trainer4j.api.Trainer;
import dev.trainer4j.config.ConfigOverrides;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A very short version of run.conf (the full fine-tune takes minutes; see docs/pretrained-models.md): the same model,
 * tokenizer and data, {@value #STEPS} steps on the first {@value #TRAIN_EXAMPLES} training messages cut to
 * {@value #MAX_LENGTH} tokens, once from the pretrained MiniLM weights (the run's init-from) and once from scratch
 * (init-from = null, everything else equal). The pretrained encoder's validation loss must be far lower: the weights
 * really loaded and their features already separate spam from ham.
 */
final class FineTuneMiniLmSampleTest {
    private static final int STEPS = 5;
    private static final int TRAIN_EXAMPLES = 32 * STEPS;
    private static final int MAX_LENGTH = 32;

    @Test
    void pretrainedWeightsGiveAFarLowerValidationLossThanScratch(@TempDir Path output) {
        double pretrained = validationLoss(output.resolve("pretrained"), List.of());
        double scratch = validationLoss(output.resolve("scratch"), List.of("init-from=null"));
        System.out.printf("MiniLM after %d steps: validation loss pretrained %.4f, from scratch %.4f%n",
                STEPS, pretrained, scratch);
        assertThat(pretrained).isLessThan(scratch * RATIO);
    }

    /** Measured with this test: see the figures in the assertion's comment. */
    private static final double RATIO = 0.5;

    private static double validationLoss(Path output, List<String> extra) {
        Trainer4j runtime = Trainer4j.create();
        List<String> overrides = new ArrayList<>(List.of(
                "args.output-dir=" + output,
                "data.train.limit=" + TRAIN_EXAMPLES,
                "data.eval.validation.limit=64",
                "data.eval.test.limit=32",
                "tokenizer.max-length=" + MAX_LENGTH,
                "args.learning-rate=1e-4",
                "args.warmup-steps=0",
                "args.eval-strategy=no",
                "callbacks=[]"));
        overrides.addAll(extra);
        RunConfig run = runtime.load(Path.of("run.conf"), ConfigOverrides.parse(overrides));
        try (Trainer trainer = runtime.trainer(run)) {
            assertThat(trainer.train().globalStep()).isEqualTo(STEPS);
            Map<String, Double> metrics = trainer.evaluate();
            return metrics.get("eval_validation_loss");
        }
    }
}
