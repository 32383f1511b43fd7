package dev.trainer4j.samples.text;

import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.config.ConfigOverrides;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short version of the main job's run.conf (the full run takes a minute or two; see the README): the same model,
 * tokenizer, collator and data, on 1,500 training texts for 2 epochs. It must already find spam on the test split.
 */
final class TextClassificationSampleTest {

    @Test
    void aShortRunOfRunConfLearnsToFindSpam(@TempDir Path output) {
        Trainer4j runtime = Trainer4j.create();
        RunConfig run = runtime.load(Path.of("run.conf"), ConfigOverrides.parse(List.of(
                "args.output-dir=" + output.resolve("run"),
                "data.train.limit=1500",
                "args.num-train-epochs=2",
                "args.save-strategy=no",
                "args.eval-strategy=no",
                "args.metric-for-best-model=null",
                "args.load-best-model-at-end=false",
                "callbacks=[]")));
        try (Trainer trainer = runtime.trainer(run)) {
            TrainOutput trained = trainer.train();
            Map<String, Double> metrics = trainer.evaluate();

            assertThat(trained.globalStep()).isEqualTo(2 * 47);
            assertThat(trained.trainingLoss()).isLessThan(0.35);
            assertThat(metrics.get("eval_test_f1")).isGreaterThanOrEqualTo(0.5);
            assertThat(metrics.get("eval_validation_f1")).isGreaterThanOrEqualTo(0.5);
        }
        assertThat(output.resolve("run/tokenizer.json")).isNotEmptyFile();
    }
}
