package dev.trainer4j.tf.generate;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.GenerationOutput;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfTrainer;
import dev.trainer4j.tf.models.TransformerSeq2Seq;
import dev.trainer4j.tf.models.TransformerSeq2SeqSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The synthetic task that proves training and generation right together: a tiny transformer-seq2seq learns to
 * reverse 4-digit strings; greedy decoding with the key/value cache reaches at least 95% exact match on held-out
 * strings, seen by a metric through the decoded texts of predict-with-generate.
 */
class TfSeq2SeqTrainerTest {
    private static final int DIGITS = 4;

    private static List<Example> reversals(int count, long seed) {
        Random random = new Random(seed);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder digits = new StringBuilder();
            for (int d = 0; d < DIGITS; d++) {
                digits.append(random.nextInt(10));
            }
            int[] source = DigitTokenizer.ids(digits.toString());
            int[] reversed = DigitTokenizer.ids(digits.reverse().toString());
            int[] labels = java.util.Arrays.copyOf(reversed, DIGITS + 1);
            labels[DIGITS] = DigitTokenizer.EOS;
            examples.add(Example.of(Map.of("input_ids", source, "attention_mask", new int[] {1, 1, 1, 1},
                    "labels", labels)));
        }
        return examples;
    }

    /** Exact match of the decoded generated text against the decoded reference. */
    static final class TextExactMatch implements Metric {
        private long matches;
        private long rows;

        @Override
        public String name() {
            return "text_exact_match";
        }

        @Override
        public void reset() {
            matches = 0;
            rows = 0;
        }

        @Override
        public void update(EvalPrediction batch) {
            assertThat(batch.hasTexts()).isTrue();
            for (int row = 0; row < batch.predictedTexts().size(); row++) {
                matches += batch.predictedTexts().get(row).equals(batch.labelTexts().get(row)) ? 1 : 0;
                rows++;
            }
        }

        @Override
        public Map<String, Double> compute() {
            return Map.of(name(), rows == 0 ? 0 : matches / (double) rows);
        }
    }

    @Test
    void aTinySeq2SeqLearnsToReverseDigitStringsAndGreedyDecodingGetsThemRight(@TempDir Path output) {
        TransformerSeq2Seq model = new TransformerSeq2Seq(new TransformerSeq2SeqSettings(DigitTokenizer.VOCABULARY, 32,
                1, 1, 2, 64, 8, 0.0, 1e-5, true, true, GenerationConfig.fromMap(Map.of("decoder-start-token-id",
                DigitTokenizer.START, "eos-token-id", DigitTokenizer.EOS, "pad-token-id", DigitTokenizer.PAD),
                "generation-config")));
        TrainingArguments args = TrainingArguments.builder().outputDir(output.toString()).seed(3)
                .learningRate(5e-3).numTrainEpochs(1).maxSteps(500).perDeviceTrainBatchSize(32)
                .perDeviceEvalBatchSize(100).warmupSteps(30).lrSchedulerType("linear").weightDecay(0.0)
                .saveStrategy(dev.trainer4j.api.SaveStrategy.NO).loggingSteps(100)
                .set(TrainingArguments.PREDICT_WITH_GENERATE, true)
                .set(TrainingArguments.GENERATION_MAX_LENGTH, DIGITS + 2)
                .build();
        MapDataset eval = Dataset.of(reversals(200, 99));
        try (TfTrainer trainer = new TfTrainer(TrainerSpec.builder().args(args).model(model)
                .trainDataset(Dataset.of(reversals(4000, 1))).evalDataset(eval).tokenizer(new DigitTokenizer())
                .addMetric(new TextExactMatch()).build())) {
            trainer.train();
            Map<String, Double> metrics = trainer.evaluate();
            assertThat(metrics.get("eval_text_exact_match")).as("%s", metrics).isGreaterThanOrEqualTo(0.95);
            assertThat(metrics.get("eval_loss")).as("the teacher-forced loss").isLessThan(0.2);

            PredictionOutput predicted = trainer.predict(eval);
            HostTensor generated = predicted.predictions().get("generated_ids");
            assertThat(generated.shape()[0]).isEqualTo(200);
            // the predictions are the generated ids (not logits): row 0 is its source reversed, then eos
            int[] firstSource = eval.get(0).getIntArray("input_ids");
            int width = (int) generated.shape()[1];
            int[] firstRow = java.util.Arrays.copyOf(generated.ints(), width);
            assertThat(firstRow[0]).isEqualTo(firstSource[DIGITS - 1]);
            assertThat(firstRow[DIGITS]).isEqualTo(DigitTokenizer.EOS);
            assertThat(predicted.metrics()).containsKeys("test_loss", "test_text_exact_match");

            // Trainer.generate with a per-call override: beam search agrees on the text
            GenerationOutput beams = trainer.generate(eval, GenerationConfig.empty().with(GenerationConfig.NUM_BEAMS, 3));
            assertThat(beams.texts()).hasSize(200);
            long correct = 0;
            for (int row = 0; row < 200; row++) {
                String source = new DigitTokenizer().decode(eval.get(row).getIntArray("input_ids"), true);
                correct += beams.texts().get(row).equals(new StringBuilder(source).reverse().toString()) ? 1 : 0;
            }
            assertThat(correct).isGreaterThanOrEqualTo(190);

            // a call whose max-length leaves no room after the start token names the key
            assertThatThrownBy(() -> trainer.generate(eval, GenerationConfig.empty().with(GenerationConfig.MAX_LENGTH, 1)))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("generation-config.max-length");
        }
    }
}
