package dev.trainer4j.search;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.SearchObjective;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.Trainer4j;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The search of a run file's {@code search} block ({@code trainer4j hpo}): each trial is the run file with the
 * trial's values set over it (as {@code --set} would: any {@code args.*} or {@code model.*} key) and
 * {@code args.output-dir} set to {@code <output-dir>/trial-<n>}, assembled afresh by the runtime (its own model,
 * datasets, callbacks and trainer; the model factory runs after the trial's settings, seed included, are read).
 * Before any trial trains, the run file is parsed once with the first trial's values, so an unknown key or a bad value
 * stops the search naming it.
 */
public final class RunFileSearch {
    private RunFileSearch() {
    }

    /**
     * @param overrides the command line's {@code --set} assignments (run keys at their root), under the trial values
     */
    public static HyperparameterSearch create(Trainer4j runtime, Path runFile, Config overrides) {
        requireNonNull(runtime, "runtime is null");
        requireNonNull(runFile, "runFile is null");
        requireNonNull(overrides, "overrides is null");
        RunConfig base = runtime.load(runFile, overrides);
        if (base.trainData().isEmpty()) {
            throw new ConfigurationException("data.train", "data.train: missing; a search trains every trial, so the run"
                    + " needs a training dataset, e.g. data { train { type = jsonl, path = train.jsonl } }");
        }
        SearchSettings settings = SearchSettings.parse(base.search().orElseThrow(() -> new ConfigurationException("search",
                "search: missing; trainer4j hpo needs a search block, e.g. search { trials = 20, space {"
                        + " \"args.learning-rate\" { type = float, low = 1e-4, high = 1e-1, log = true } } }")));
        Path outputDir = Path.of(base.args().outputDir());
        Map<String, Object> firstValues = RandomParameterSampler.draw(settings.space(),
                RandomParameterSampler.trialRandom(settings.options().seed(), 0));
        runtime.load(runFile, trialOverrides(firstValues, outputDir.resolve(Trial.folderName(0))).withFallback(overrides));
        return new HyperparameterSearch(settings.space(), SearchObjective.metric(settings.objective()), settings.objective(),
                settings.trials(), settings.direction(), settings.options(), outputDir,
                trial -> runtime.trainer(runtime.load(runFile,
                        trialOverrides(trial.parameters(), trial.outputDirectory()).withFallback(overrides))));
    }

    /** The trial's values and output dir as run-file assignments. */
    static Config trialOverrides(Map<String, Object> values, Path outputDirectory) {
        Config config = ConfigFactory.empty();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            config = config.withValue(path(entry.getKey()), ConfigValueFactory.fromAnyRef(entry.getValue(), "search trial value"));
        }
        return config.withValue("args.\"output-dir\"", ConfigValueFactory.fromAnyRef(outputDirectory.toString()))
                .withValue("args.\"resume-from-checkpoint\"", ConfigValueFactory.fromAnyRef(null));
    }

    /** {@code args.learning-rate} as a HOCON path with each element quoted. */
    private static String path(String key) {
        return String.join(".", List.of(key.split("\\.")).stream().map(part -> "\"" + part + "\"").toList());
    }
}
