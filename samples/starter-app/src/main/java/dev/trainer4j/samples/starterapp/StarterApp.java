package dev.trainer4j.samples.starterapp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.runtime.Trainer4j;

import java.nio.file.Path;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * An application whose only trainer4j dependency is {@code trainer4j-starter}: it describes a run in a HOCON string,
 * gets its trainer with {@link Trainer4j#fromConfig}, trains an MLP on 400 bundled digits for 15 epochs and
 * evaluates it on 175 held-out ones.
 *
 * <p>Run it from this folder: {@code mvn -q -pl samples/starter-app -am package -DskipTests} at the repository root,
 * then {@code java -cp ... dev.trainer4j.samples.starterapp.StarterApp}; or read {@code StarterAppTest}.
 */
public final class StarterApp {
    /** The run; the data paths and the output folder are set by {@link #run}. */
    static final String RUN = """
            model { type = mlp-classifier, input-size = 64, hidden-sizes = [128], num-labels = 10 }
            data {
              train { type = jsonl }
              eval { type = jsonl }
            }
            metrics = [accuracy, { type = f1, average = macro }]
            callbacks = [progress]
            args {
              num-train-epochs = 15
              per-device-train-batch-size = 32
              per-device-eval-batch-size = 128
              learning-rate = 3e-3
              eval-strategy = no
              save-strategy = no
              logging-strategy = epoch
              seed = 42
            }
            """;

    private StarterApp() {
    }

    /** The run of {@link #RUN} on {@code dataDirectory}'s train.jsonl and validation.jsonl, writing to {@code outputDirectory}. */
    public static Config run(Path dataDirectory, Path outputDirectory) {
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(outputDirectory, "outputDirectory is null");
        return ConfigFactory.parseString(RUN)
                .withValue("data.train.path", path(dataDirectory.resolve("train.jsonl")))
                .withValue("data.eval.path", path(dataDirectory.resolve("validation.jsonl")))
                .withValue("args.output-dir", path(outputDirectory));
    }

    /** Trains the run and returns its evaluation metrics ({@code eval_accuracy}, {@code eval_f1}, {@code eval_loss}, ...). */
    public static Map<String, Double> trainAndEvaluate(Config run) {
        requireNonNull(run, "run is null");
        try (Trainer trainer = Trainer4j.fromConfig(run)) {
            trainer.train();
            return trainer.evaluate();
        }
    }

    private static ConfigValue path(Path path) {
        return ConfigValueFactory.fromAnyRef(path.toAbsolutePath().toString());
    }

    public static void main(String[] arguments) {
        Path data = Path.of(arguments.length > 0 ? arguments[0] : "data");
        Map<String, Double> metrics = trainAndEvaluate(run(data, Path.of("runs/starter-app-{timestamp}")));
        System.out.printf("eval_accuracy = %.4f, eval_f1 = %.4f%n", metrics.get("eval_accuracy"), metrics.get("eval_f1"));
    }
}
