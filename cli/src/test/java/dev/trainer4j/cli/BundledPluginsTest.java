package dev.trainer4j.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code trainer4j plugins} on the distribution's class path lists every bundled plugin and its factories. */
final class BundledPluginsTest {

    @Test
    void listsEveryBundledPluginAndFactory() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Trainer4jCli.run(CliContext.fromEnvironment(), new PrintWriter(out), new PrintWriter(err), "plugins");

        assertThat(code).as(err.toString()).isZero();
        String listing = out.toString();
        assertThat(listing).contains(
                "dev.trainer4j.tf.TfPlugin",
                "dev.trainer4j.plugins.metrics.MetricsPlugin",
                "dev.trainer4j.plugins.data.DataPlugin",
                "dev.trainer4j.plugins.callbacks.CallbacksPlugin",
                "dev.trainer4j.plugins.tokenizers.TokenizersPlugin",
                "dev.trainer4j.plugins.collators.CollatorsPlugin");
        for (String factory : List.of("tensorflow", "mlp-classifier", "transformer-classifier", "bert-encoder",
                "accuracy", "precision", "recall", "f1", "mcc", "top-k-accuracy", "mse", "mae", "r2", "exact-match", "seqeval",
                "sacrebleu", "chrf", "ter", "rouge",
                "jsonl", "csv", "progress", "jsonl-logger", "csv-logger", "early-stopping",
                "hf", "word-level", "char-level", "padding", "seq2seq", "language-modeling", "token-classification")) {
            assertThat(listing).as("factory %s", factory).containsPattern("(?m)^    " + factory + "( - .*)?$");
        }
        // settings are listed with their defaults
        assertThat(listing).contains("hidden-sizes = [128]");
    }
}
