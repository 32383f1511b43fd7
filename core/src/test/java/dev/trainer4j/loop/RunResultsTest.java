package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.ModelCardOptions;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import dev.trainer4j.testing.RecordingCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20's Trainer surface against HF's files: save_metrics ({@code <split>_results.json}, {@code all_results.json}
 * as {@code json.dump(indent=4, sort_keys=True)}), save_state ({@code trainer_state.json}), log_metrics' text,
 * pop_callback and create_model_card ({@code README.md} in modelcard.py's layout).
 */
class RunResultsTest {
    @TempDir
    Path dir;

    private static Dataset linear() {
        List<Example> examples = new ArrayList<>();
        for (int x = 0; x < 4; x++) {
            examples.add(FakeData.example(x + 1, x));
        }
        return Dataset.of(examples);
    }

    /** The mean absolute error, as {@code mae}. */
    private static final class AbsoluteError implements Metric {
        private double sum;
        private int rows;

        @Override public String name() { return "mae"; }
        @Override public void reset() { sum = 0; rows = 0; }
        @Override public void update(EvalPrediction batch) {
            for (int row = 0; row < batch.labelIds().orElseThrow().size(); row++) {
                sum += Math.abs(batch.primaryPrediction().getDouble(row) - batch.labelIds().orElseThrow().getDouble(row));
                rows++;
            }
        }
        @Override public Map<String, Double> compute() { return Map.of("mae", sum / rows); }
    }

    private Trainer trainer(Callback... callbacks) {
        TrainerSpec.Builder spec = TrainerSpec.builder().args(LoopFixtures.args(dir).evalStrategy(IntervalStrategy.EPOCH)
                .build()).model(new FakeModel(1)).trainDataset(linear()).evalDataset(linear()).addMetric(new AbsoluteError());
        for (Callback callback : callbacks) {
            spec.addCallback(callback);
        }
        return new DefaultTrainer(spec.build(), new FakeBackend().initialWeights(0.5, 0.0));
    }

    @Test
    void saveMetricsWritesTheSplitFileAndMergesAllResultsAsHf() throws IOException {
        try (Trainer trainer = trainer()) {
            trainer.saveMetrics("train", Map.of("train_loss", 0.25, "epoch", 2.0));
            trainer.saveMetrics("eval", Map.of("eval_loss", 0.5, "epoch", 2.0));
            trainer.saveMetrics("test", Map.of("test_loss", 0.75), false);
        }
        // Python: json.dump({"train_loss": 0.25, "epoch": 2.0}, f, indent=4, sort_keys=True)
        assertThat(Files.readString(dir.resolve("train_results.json")))
                .isEqualTo("{\n    \"epoch\": 2.0,\n    \"train_loss\": 0.25\n}\n");
        assertThat(Files.readString(dir.resolve("eval_results.json")))
                .isEqualTo("{\n    \"epoch\": 2.0,\n    \"eval_loss\": 0.5\n}\n");
        assertThat(Files.readString(dir.resolve("test_results.json"))).isEqualTo("{\n    \"test_loss\": 0.75\n}\n");
        assertThat(Files.readString(dir.resolve("all_results.json")))
                .isEqualTo("{\n    \"epoch\": 2.0,\n    \"eval_loss\": 0.5,\n    \"train_loss\": 0.25\n}\n");
    }

    @Test
    void saveStateWritesTrainerStateJsonThatReadsBack() {
        try (Trainer trainer = trainer()) {
            trainer.train();
            trainer.saveState();
            TrainerState saved = Checkpoints.readTrainerState(dir.resolve("trainer_state.json"));
            assertThat(saved.globalStep()).isEqualTo(4);
            assertThat(saved.epoch()).isEqualTo(trainer.state().epoch());
            assertThat(saved.logHistory()).hasSameSizeAs(trainer.state().logHistory());
            assertThat(saved.logHistory()).anySatisfy(entry -> assertThat(entry).containsKey("eval_mae"));
        }
    }

    @Test
    void logMetricsFormatsAsHfsMetricsFormat() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_runtime", 3725.5);
        metrics.put("train_loss", 0.123456);
        metrics.put("epoch", 2.0);
        metrics.put("train_mem_cpu_alloc_delta", 3.0 * (1 << 20));
        // HF: runtime as h:mm:ss.ss, _mem_ in MB, floats rounded to 4; keys sorted, left-aligned; values right-aligned
        assertThat(RunResults.format("train", metrics)).isEqualTo("""
                ***** train metrics *****
                  epoch                     =        2.0
                  train_loss                =     0.1235
                  train_mem_cpu_alloc_delta =        3MB
                  train_runtime             = 1:02:05.50""");
    }

    @Test
    void popCallbackRemovesByTypeOrInstance() {
        RecordingCallback first = new RecordingCallback();
        RecordingCallback second = new RecordingCallback();
        try (Trainer trainer = trainer(first, second)) {
            assertThat(trainer.popCallback(RecordingCallback.class)).contains(first);
            assertThat(trainer.callbacks()).containsOnlyOnce(second).doesNotContain(first);
            assertThat(trainer.popCallback(second)).isTrue();
            assertThat(trainer.popCallback(second)).isFalse();
            assertThat(trainer.popCallback(RecordingCallback.class)).isEmpty();
        }
    }

    @Test
    void theModelCardFollowsHfsLayout() throws IOException {
        Path card;
        List<Map<String, Object>> history;
        try (Trainer trainer = trainer()) {
            trainer.train();
            history = trainer.state().logHistory();
            card = trainer.createModelCard(new ModelCardOptions(Optional.of("tiny-regression"), List.of("en"),
                    Optional.of("apache-2.0"), List.of("regression"), Optional.empty(), List.of(), List.of("linear")));
        }
        assertThat(card).isEqualTo(dir.resolve("README.md"));
        String text = Files.readString(card);
        List<Map<String, Object>> evaluations = LoopFixtures.entriesWith(history, "eval_loss");
        assertThat(evaluations).hasSize(2);
        Map<String, Object> last = evaluations.get(1);

        assertThat(text).startsWith("""
                ---
                library_name: trainer4j
                license: apache-2.0
                language:
                - en
                tags:
                - generated_from_trainer
                - regression
                datasets:
                - linear
                metrics:
                - mae
                model-index:
                - name: tiny-regression
                  results: []
                ---

                <!-- This model card has been generated automatically according to the information the Trainer had access to. You
                should probably proofread and complete it, then remove this comment. -->

                # tiny-regression

                This model is a linear-regression model trained from scratch on the linear dataset.
                It achieves the following results on the evaluation set:
                """);
        assertThat(text).contains("- Loss: " + ModelCardWriter.round(last.get("eval_loss")) + "\n- Mae: "
                + ModelCardWriter.round(last.get("eval_mae")) + "\n");
        assertThat(text).contains("## Model description\n\nMore information needed\n");
        assertThat(text).contains("""
                ### Training hyperparameters

                The following hyperparameters were used during training:
                - learning_rate: 0.1
                - train_batch_size: 2
                - eval_batch_size: 2
                - seed: 42
                - optimizer: Use sgd with betas=(0.9,0.999) and epsilon=1.0E-8 and optimizer_args=No additional optimizer arguments
                - lr_scheduler_type: constant
                - num_epochs: 2.0
                """);
        // logging-strategy no: no training loss was logged, so HF writes "No log"; columns as wide as their widest cell
        String firstLoss = ModelCardWriter.round(evaluations.get(0).get("eval_loss"));
        String firstMae = ModelCardWriter.round(evaluations.get(0).get("eval_mae"));
        int lossWidth = Math.max("Validation Loss".length(), firstLoss.length());
        int maeWidth = Math.max("Mae".length(), Math.max(firstMae.length(), ModelCardWriter.round(last.get("eval_mae")).length()));
        assertThat(text).contains("### Training results\n\n"
                + "| Training Loss | Epoch | Step | Validation Loss" + " ".repeat(lossWidth - 15 + 1) + "| Mae"
                + " ".repeat(maeWidth - 3 + 1) + "|\n"
                + "|:-------------:|:-----:|:----:|:" + "-".repeat(lossWidth) + ":|:" + "-".repeat(maeWidth) + ":|\n"
                + "| No log        | 1.0   | 2    | " + firstLoss + " ".repeat(lossWidth - firstLoss.length() + 1)
                + "| " + firstMae + " ".repeat(maeWidth - firstMae.length() + 1) + "|\n");
        assertThat(text).contains("### Framework versions\n\n- trainer4j ");
    }

    @Test
    void hfsRoundingKeepsShortFloatsAndCutsLongOnesToFourDecimals() {
        assertThat(ModelCardWriter.round(0.5)).isEqualTo("0.5");
        assertThat(ModelCardWriter.round(0.123456)).isEqualTo("0.1235");
        assertThat(ModelCardWriter.round(4L)).isEqualTo("4");
        assertThat(ModelCardWriter.round("No log")).isEqualTo("No log");
        assertThat(ModelCardWriter.title("f1_macro")).isEqualTo("F1 Macro");
    }
}
